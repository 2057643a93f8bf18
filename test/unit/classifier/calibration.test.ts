import { applyClassificationPolicy } from '../../../functions/core/classification-policy';
import { DEFAULT_THRESHOLDS } from '../../../functions/core/settings';
import { CALIBRATION_ANCHORS, toConfidence, toScore } from '../../../classifier/calibration';

describe('score calibration', () => {
  it('passes through every anchor', () => {
    for (const [raw, confidence] of CALIBRATION_ANCHORS) expect(toConfidence(raw)).toBeCloseTo(confidence, 10);
  });

  it('puts the policy thresholds at the measured score boundaries', () => {
    expect(toConfidence(0.25)).toBe(DEFAULT_THRESHOLDS.uncertainMin);
    expect(toConfidence(0.5)).toBe(DEFAULT_THRESHOLDS.confident);
  });

  it('interpolates linearly between anchors', () => {
    expect(toConfidence(0.125)).toBeCloseTo(25, 10);
    expect(toConfidence(0.7)).toBeCloseTo(87.5, 10);
  });

  it('is strictly increasing, so the ranking of labels never changes', () => {
    let previous = -1;
    for (let s = 0; s <= 1.0000001; s += 0.01) {
      const c = toConfidence(s);
      expect(c).toBeGreaterThan(previous);
      previous = c;
    }
  });

  it('clamps scores outside 0-1 and treats NaN as no evidence', () => {
    expect(toConfidence(-0.2)).toBe(0);
    expect(toConfidence(1.7)).toBe(100);
    expect(toConfidence(Number.NaN)).toBe(0);
  });

  it('has an inverse', () => {
    for (const c of [0, 12, 40, 50, 66, 80, 93, 100]) expect(toConfidence(toScore(c))).toBeCloseTo(c, 8);
  });

  it('turns typical measured scores into the policy outcomes the reference set needs', () => {
    const verdict = (cat: number, dog: number) =>
      applyClassificationPolicy({
        Labels: [
          { Name: 'Cat', Confidence: toConfidence(cat) },
          { Name: 'Dog', Confidence: toConfidence(dog) },
        ],
      });
    // Weakest true cat on the reference set, weakest dog after the second look, strongest non-pet.
    expect(verdict(0.867, 0.006)).toMatchObject({ animal: 'CAT', uncertain: false });
    expect(verdict(0.012, 0.58)).toMatchObject({ animal: 'DOG', uncertain: false });
    expect(verdict(0.045, 0.043)).toMatchObject({ animal: 'OTHER' });
    // The hard Jack Russell close-up: both pets, close together -> flagged.
    expect(verdict(0.37, 0.445)).toMatchObject({ animal: 'DOG', uncertain: true });
  });
});
