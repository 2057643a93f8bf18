/**
 * The worker's raw (anchor, class) candidates -> one detection per object and class.
 */

/** Fractions of the image, as the model reports them. */
export interface Box {
  top: number;
  left: number;
  bottom: number;
  right: number;
}

export interface Detection {
  /** The model's score column (COCO id - 1). */
  column: number;
  /** Raw model score, 0-1. */
  score: number;
  box: Box;
}

/** Boxes overlapping more than this (intersection over union) are the same object. */
export const IOU_THRESHOLD = 0.5;
export const MAX_INSTANCES_PER_CLASS = 10;

const clamp01 = (n: number): number => Math.min(1, Math.max(0, n));

/** Unpacks the worker's flat [column, score, top, left, bottom, right]* array. */
export const parseCandidates = (flat: Float32Array, stride: number): Detection[] => {
  if (stride < 6) throw new RangeError(`candidate stride must be at least 6, got ${stride}`);
  const out: Detection[] = [];
  for (let i = 0; i + stride <= flat.length; i += stride) {
    const at = (k: number): number => flat[i + k] as number;
    out.push({
      column: at(0),
      score: at(1),
      box: { top: clamp01(at(2)), left: clamp01(at(3)), bottom: clamp01(at(4)), right: clamp01(at(5)) },
    });
  }
  return out;
};

const area = (b: Box): number => Math.max(0, b.bottom - b.top) * Math.max(0, b.right - b.left);

export const intersectionOverUnion = (a: Box, b: Box): number => {
  const inter = area({
    top: Math.max(a.top, b.top),
    left: Math.max(a.left, b.left),
    bottom: Math.min(a.bottom, b.bottom),
    right: Math.min(a.right, b.right),
  });
  const union = area(a) + area(b) - inter;
  return union > 0 ? inter / union : 0;
};

/**
 * Greedy non-max suppression per class. Hand-written rather than tf.image.nonMaxSuppression:
 * it runs on the caller's thread, where TensorFlow.js is not loaded, over a few dozen candidates;
 * and it must be per class, whereas coco-ssd's own post-processing keeps only each anchor's top
 * class, which would hide a dog score behind a cat score on the same box.
 */
export const suppressOverlaps = (
  candidates: readonly Detection[],
  iouThreshold = IOU_THRESHOLD,
  maxPerClass = MAX_INSTANCES_PER_CLASS,
): Detection[] => {
  const byClass = new Map<number, Detection[]>();
  for (const c of candidates) byClass.set(c.column, [...(byClass.get(c.column) ?? []), c]);
  const kept: Detection[] = [];
  for (const group of byClass.values()) {
    const chosen: Detection[] = [];
    for (const c of [...group].sort((a, b) => b.score - a.score)) {
      if (chosen.length >= maxPerClass) break;
      if (chosen.every((k) => intersectionOverUnion(k.box, c.box) <= iouThreshold)) chosen.push(c);
    }
    kept.push(...chosen);
  }
  return kept.sort((a, b) => b.score - a.score);
};

/** A box found in the zoomed-out view, in the original image's fractions. */
export const fromZoomedOut = (d: Detection, padX: number, padY: number): Detection => {
  const x = (v: number): number => clamp01(v * (1 + 2 * padX) - padX);
  const y = (v: number): number => clamp01(v * (1 + 2 * padY) - padY);
  return { ...d, box: { top: y(d.box.top), left: x(d.box.left), bottom: y(d.box.bottom), right: x(d.box.right) } };
};
