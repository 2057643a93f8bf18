/**
 * COCO-SSD score (0-1) -> Rekognition-like confidence (0-100).
 *
 * COCO-SSD's per-class sigmoid scores are not distributed like Rekognition's confidences: on the
 * 43 reference photos every true cat or dog scores 0.45-0.99 and no other photo scores above 0.05
 * for either, while Rekognition puts clear pets at 90-99 and discards labels below ~50. The map
 * is monotone and piecewise linear through the anchors below, chosen so that the unchanged policy
 * thresholds (80 confident / 50 uncertain floor) fall where the measured scores say they should:
 *  - 0.25 -> 50: the score the larger trial (84 pet and 45 non-pet photos) found to separate pets
 *    from the rest; it sits in the wide empty gap of the reference set (0.05 .. 0.45).
 *  - 0.50 -> 80: from here COCO-SSD's cat/dog detections were right on every photo measured.
 *  - 0.90 -> 95 and 1 -> 100: clear pets land where Rekognition puts them.
 * The measured distributions and the reasoning are in docs/classifier.md.
 */
export const CALIBRATION_VERSION = 1;

/** [raw score, confidence] pairs, raw strictly increasing. */
export const CALIBRATION_ANCHORS: ReadonlyArray<readonly [number, number]> = [
  [0, 0],
  [0.25, 50],
  [0.5, 80],
  [0.9, 95],
  [1, 100],
];

export const toConfidence = (score: number): number => {
  const s = Math.min(1, Math.max(0, Number.isFinite(score) ? score : 0));
  for (let i = 1; i < CALIBRATION_ANCHORS.length; i++) {
    const [x1, y1] = CALIBRATION_ANCHORS[i] as readonly [number, number];
    const [x0, y0] = CALIBRATION_ANCHORS[i - 1] as readonly [number, number];
    if (s <= x1) return y0 + ((s - x0) / (x1 - x0)) * (y1 - y0);
  }
  return 100;
};

/** The inverse: the raw score that maps to a confidence (used to filter candidates early). */
export const toScore = (confidence: number): number => {
  const c = Math.min(100, Math.max(0, confidence));
  for (let i = 1; i < CALIBRATION_ANCHORS.length; i++) {
    const [x1, y1] = CALIBRATION_ANCHORS[i] as readonly [number, number];
    const [x0, y0] = CALIBRATION_ANCHORS[i - 1] as readonly [number, number];
    if (c <= y1) return x0 + ((c - y0) / (y1 - y0)) * (x1 - x0);
  }
  return 1;
};
