import {
  type Detection,
  fromZoomedOut,
  intersectionOverUnion,
  parseCandidates,
  suppressOverlaps,
} from '../../../classifier/detections';

const det = (column: number, score: number, top: number, left: number, bottom: number, right: number): Detection => ({
  column,
  score,
  box: { top, left, bottom, right },
});

describe('parseCandidates', () => {
  it('unpacks [column, score, top, left, bottom, right] records and clamps boxes to the image', () => {
    const flat = Float32Array.from([16, 0.5, -0.02, 0.1, 0.9, 1.04, 17, 0.25, 0, 0, 0.5, 0.5]);
    const out = parseCandidates(flat, 6);
    expect(out).toHaveLength(2);
    expect(out[0]).toMatchObject({ column: 16, score: 0.5, box: { top: 0, bottom: expect.closeTo(0.9, 5), right: 1 } });
    expect(out[1]).toMatchObject({ column: 17, score: 0.25 });
  });

  it('ignores a trailing partial record and refuses a stride too short for a box', () => {
    expect(parseCandidates(Float32Array.from([1, 0.5, 0, 0, 1, 1, 2, 0.3]), 6)).toHaveLength(1);
    expect(() => parseCandidates(new Float32Array(12), 4)).toThrow(RangeError);
  });
});

describe('intersectionOverUnion', () => {
  it('is 1 for the same box, 0 for disjoint boxes and the area ratio in between', () => {
    const a = { top: 0, left: 0, bottom: 1, right: 1 };
    expect(intersectionOverUnion(a, a)).toBe(1);
    expect(intersectionOverUnion(a, { top: 2, left: 2, bottom: 3, right: 3 })).toBe(0);
    expect(intersectionOverUnion(a, { top: 0, left: 0.5, bottom: 1, right: 1.5 })).toBeCloseTo(1 / 3, 10);
  });

  it('is 0 for empty boxes instead of NaN', () => {
    const empty = { top: 0.5, left: 0.5, bottom: 0.5, right: 0.5 };
    expect(intersectionOverUnion(empty, empty)).toBe(0);
  });
});

describe('suppressOverlaps', () => {
  it('keeps the best of overlapping boxes of one class and separate objects of that class', () => {
    const kept = suppressOverlaps([
      det(16, 0.6, 0, 0, 0.5, 0.5),
      det(16, 0.9, 0.01, 0.01, 0.5, 0.5),
      det(16, 0.7, 0.5, 0.5, 1, 1),
    ]);
    expect(kept.map((d) => d.score)).toEqual([0.9, 0.7]);
  });

  it('suppresses per class: a dog on the same box as a cat survives', () => {
    const kept = suppressOverlaps([det(16, 0.68, 0, 0, 1, 1), det(17, 0.19, 0, 0, 1, 1)]);
    expect(kept.map((d) => d.column)).toEqual([16, 17]);
  });

  it('caps instances per class', () => {
    const many = Array.from({ length: 20 }, (_, i) => det(0, 0.5 + i / 100, i / 20, 0, i / 20 + 0.04, 0.04));
    expect(suppressOverlaps(many, 0.5, 10)).toHaveLength(10);
  });
});

describe('fromZoomedOut', () => {
  it('maps a box in the padded view back onto the original image', () => {
    // With 25% padding each side, the original occupies [1/6, 5/6] of the padded view.
    const mapped = fromZoomedOut(det(17, 0.7, 1 / 6, 1 / 6, 5 / 6, 5 / 6), 0.25, 0.25);
    expect(mapped.box.top).toBeCloseTo(0, 10);
    expect(mapped.box.left).toBeCloseTo(0, 10);
    expect(mapped.box.bottom).toBeCloseTo(1, 10);
    expect(mapped.box.right).toBeCloseTo(1, 10);
    expect(mapped.score).toBe(0.7);
  });

  it('clamps what lies in the mirrored border to the image edge', () => {
    const mapped = fromZoomedOut(det(17, 0.7, 0, 0, 0.1, 0.1), 0.25, 0.25);
    expect(mapped.box).toEqual({ top: 0, left: 0, bottom: 0, right: 0 });
  });
});
