/**
 * Per-class evidence from one or two views of an image, and when to take the second view.
 */
import type { Detection } from './detections';
import { CAT_COLUMN, DOG_COLUMN } from './taxonomy';

export interface ClassEvidence {
  column: number;
  /** Raw score 0-1: the best detection's, averaged over the views. */
  score: number;
  /** Objects of this class, best first, in the original image's fractions. */
  instances: Detection[];
}

/**
 * Raw cat/dog scores that earn a second, zoomed-out look. Below 0.10 the image is plainly not a
 * pet (the reference set's non-pets all stay under 0.05); from 0.90 the first look is already
 * certain (most clear pets, so they cost one pass). In between lie close-ups the detector
 * half-recognises: on the reference set a Jack Russell portrait scored cat 0.68 / dog 0.19
 * alone and cat 0.06 / dog 0.70 zoomed out. Measurements are in docs/classifier.md.
 */
export const SECOND_LOOK_FROM = 0.1;
export const SECOND_LOOK_BELOW = 0.9;

const bestScore = (detections: readonly Detection[], column: number): number =>
  detections.reduce((best, d) => (d.column === column ? Math.max(best, d.score) : best), 0);

export const bestPetScore = (detections: readonly Detection[]): number =>
  Math.max(bestScore(detections, CAT_COLUMN), bestScore(detections, DOG_COLUMN));

export const needsSecondLook = (primary: readonly Detection[]): boolean => {
  const best = bestPetScore(primary);
  return best >= SECOND_LOOK_FROM && best < SECOND_LOOK_BELOW;
};

/**
 * Each class's score is its best detection's, averaged over the views (a class a view did not
 * report counts 0 there): a pet must hold up from both distances. Instances come from the first
 * view, whose boxes are the true frame; a class only the second view saw keeps that view's boxes,
 * mapped back onto the original and without those that lie wholly in the mirrored border.
 */
export const combineViews = (views: ReadonlyArray<readonly Detection[]>): ClassEvidence[] => {
  const columns = new Set(views.flatMap((v) => v.map((d) => d.column)));
  const evidence: ClassEvidence[] = [];
  for (const column of columns) {
    const score = views.reduce((sum, v) => sum + bestScore(v, column), 0) / Math.max(1, views.length);
    const source = views.find((v) => v.some((d) => d.column === column)) ?? [];
    const instances = source
      .filter((d) => d.column === column)
      .filter((d) => d.box.bottom > d.box.top && d.box.right > d.box.left)
      .sort((a, b) => b.score - a.score);
    evidence.push({ column, score, instances });
  }
  return evidence.sort((a, b) => b.score - a.score);
};
