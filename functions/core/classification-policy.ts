/**
 * The classification policy: DetectLabels output in, CAT | DOG | OTHER with an uncertainty flag out.
 * Pure and deterministic, so Rekognition and the local model are judged by the same rules.
 */
import type { Animal, Classification, DetectedLabel } from './domain';
import type { LabelDetection } from './ports';
import { DEFAULT_THRESHOLDS } from './settings';

export interface PolicyThresholds {
  /** A pet label at or above this is a confident CAT or DOG. */
  confident: number;
  /** Below this, no pet label counts: the image is OTHER. */
  uncertainMin: number;
  /** Cat and dog both at or above uncertainMin and within this many points: uncertain. */
  closeMargin: number;
}

/** How many labels a record keeps: enough for the console, small enough for one DynamoDB item. */
export const MAX_STORED_LABELS = 15;

const CAT_NAMES = new Set(['cat', 'kitten']);
const DOG_NAMES = new Set(['dog', 'puppy']);

type Label = NonNullable<LabelDetection['Labels']>[number];

// Aliases are Rekognition's other names for the same label, so an alias "Cat" is the label Cat.
const matches = (label: Label, names: Set<string>, parent: string): boolean =>
  names.has((label.Name ?? '').toLowerCase()) ||
  (label.Aliases ?? []).some((a) => names.has((a.Name ?? '').toLowerCase())) ||
  (label.Parents ?? []).some((p) => (p.Name ?? '').toLowerCase() === parent);

/** A confidence as a number in 0..100: a missing or malformed one counts as no evidence. */
const confidenceOf = (label: Label): number => {
  const c = label.Confidence;
  return typeof c === 'number' && Number.isFinite(c) ? Math.min(100, Math.max(0, c)) : 0;
};

const bestScore = (labels: Label[], names: Set<string>, parent: string): number =>
  labels.filter((l) => matches(l, names, parent)).reduce((best, l) => Math.max(best, confidenceOf(l)), 0);

const toDetectedLabel = (label: Label): DetectedLabel => {
  const boxes = (label.Instances ?? [])
    .map((i) => i.BoundingBox)
    .filter((b): b is NonNullable<typeof b> => b !== undefined)
    .map((b) => ({ left: b.Left ?? 0, top: b.Top ?? 0, width: b.Width ?? 0, height: b.Height ?? 0 }));
  const out: DetectedLabel = { name: label.Name ?? 'Unknown', confidence: round2(confidenceOf(label)) };
  if (boxes.length > 0) out.boundingBoxes = boxes;
  return out;
};

const round2 = (n: number): number => Math.round(n * 100) / 100;

export const validateThresholds = (t: PolicyThresholds): PolicyThresholds => {
  const ok =
    t.uncertainMin >= 0 && t.confident <= 100 && t.uncertainMin < t.confident && t.closeMargin >= 0 && t.closeMargin <= 100;
  if (!ok) {
    throw new RangeError(
      `Invalid thresholds: need 0 <= uncertainMin (${t.uncertainMin}) < confident (${t.confident}) <= 100 and 0 <= closeMargin (${t.closeMargin}) <= 100`,
    );
  }
  return t;
};

export const applyClassificationPolicy = (
  detection: LabelDetection,
  thresholds: PolicyThresholds = DEFAULT_THRESHOLDS,
): Classification => {
  const labels = detection.Labels ?? [];
  const cat = bestScore(labels, CAT_NAMES, 'cat');
  const dog = bestScore(labels, DOG_NAMES, 'dog');
  const best = Math.max(cat, dog);
  const stored = [...labels]
    .sort((a, b) => confidenceOf(b) - confidenceOf(a))
    .slice(0, MAX_STORED_LABELS)
    .map(toDetectedLabel);

  if (best < thresholds.uncertainMin) {
    // OTHER's confidence is how sure we are that no pet is there.
    return { animal: 'OTHER', confidence: round2(100 - best), uncertain: false, labels: stored };
  }
  // Ties go to CAT only to stay deterministic; a tie is always flagged uncertain below.
  const animal: Animal = cat >= dog ? 'CAT' : 'DOG';
  const close = cat >= thresholds.uncertainMin && dog >= thresholds.uncertainMin && Math.abs(cat - dog) <= thresholds.closeMargin;
  const uncertain = best < thresholds.confident || close;
  return { animal, confidence: round2(best), uncertain, labels: stored };
};
