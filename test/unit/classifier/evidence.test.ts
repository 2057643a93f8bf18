import type { Detection } from '../../../classifier/detections';
import { combineViews, needsSecondLook, SECOND_LOOK_BELOW, SECOND_LOOK_FROM } from '../../../classifier/evidence';
import { CAT_COLUMN, DOG_COLUMN } from '../../../classifier/taxonomy';

const PERSON = 0;
const whole = { top: 0, left: 0, bottom: 1, right: 1 };
const det = (column: number, score: number, box = whole): Detection => ({ column, score, box });

describe('needsSecondLook', () => {
  it('asks for one when the first look is undecided about a cat or a dog', () => {
    expect(needsSecondLook([det(CAT_COLUMN, 0.68), det(DOG_COLUMN, 0.19)])).toBe(true);
    expect(needsSecondLook([det(DOG_COLUMN, SECOND_LOOK_FROM)])).toBe(true);
  });

  it('does not when a pet is already certain, or when there is no pet to speak of', () => {
    expect(needsSecondLook([det(CAT_COLUMN, SECOND_LOOK_BELOW)])).toBe(false);
    expect(needsSecondLook([det(CAT_COLUMN, 0.04), det(DOG_COLUMN, 0.05)])).toBe(false);
    expect(needsSecondLook([det(PERSON, 0.6)])).toBe(false);
    expect(needsSecondLook([])).toBe(false);
  });
});

describe('combineViews', () => {
  it('with one view, keeps each class best score and its boxes', () => {
    const box = { top: 0.1, left: 0.2, bottom: 0.6, right: 0.7 };
    const [cat] = combineViews([[det(CAT_COLUMN, 0.9, box), det(CAT_COLUMN, 0.3)]]);
    expect(cat).toEqual({ column: CAT_COLUMN, score: 0.9, instances: [det(CAT_COLUMN, 0.9, box), det(CAT_COLUMN, 0.3)] });
  });

  it('averages each class best score over the views, counting 0 where a view saw nothing', () => {
    const evidence = combineViews([
      [det(CAT_COLUMN, 0.68), det(DOG_COLUMN, 0.19)],
      [det(CAT_COLUMN, 0.06), det(DOG_COLUMN, 0.7), det(PERSON, 0.4)],
    ]);
    const scoreOf = (column: number) => evidence.find((e) => e.column === column)?.score;
    expect(scoreOf(CAT_COLUMN)).toBeCloseTo(0.37, 10);
    expect(scoreOf(DOG_COLUMN)).toBeCloseTo(0.445, 10);
    expect(scoreOf(PERSON)).toBeCloseTo(0.2, 10);
    expect(evidence[0]?.column).toBe(DOG_COLUMN);
  });

  it('takes boxes from the first view that saw the class, dropping boxes wholly outside the image', () => {
    const inFirst = { top: 0.1, left: 0.1, bottom: 0.9, right: 0.9 };
    const outside = { top: 0, left: 0, bottom: 0, right: 0 };
    const evidence = combineViews([
      [det(DOG_COLUMN, 0.5, inFirst)],
      [det(DOG_COLUMN, 0.9, whole), det(PERSON, 0.5, whole), det(PERSON, 0.6, outside)],
    ]);
    expect(evidence.find((e) => e.column === DOG_COLUMN)?.instances.map((d) => d.box)).toEqual([inFirst]);
    expect(evidence.find((e) => e.column === PERSON)?.instances.map((d) => d.box)).toEqual([whole]);
  });
});
