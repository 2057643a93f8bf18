import { applyClassificationPolicy, MAX_STORED_LABELS, validateThresholds } from '../../../functions/core/classification-policy';
import { DEFAULT_THRESHOLDS } from '../../../functions/core/settings';
import type { LabelDetection } from '../../../functions/core/ports';

type Label = NonNullable<LabelDetection['Labels']>[number];
const label = (Name: string, Confidence: number, parents: string[] = [], aliases: string[] = []): Label => ({
  Name,
  Confidence,
  Parents: parents.map((p) => ({ Name: p })),
  Aliases: aliases.map((a) => ({ Name: a })),
});

describe('classification policy (defaults: confident 80, uncertain from 50, close within 15)', () => {
  it.each<[string, Label[], { animal: string; confidence: number; uncertain: boolean }]>([
    ['a confident cat', [label('Cat', 97.3), label('Pet', 97.3)], { animal: 'CAT', confidence: 97.3, uncertain: false }],
    ['a kitten counts as cat', [label('Kitten', 88)], { animal: 'CAT', confidence: 88, uncertain: false }],
    ['a breed whose parent is Cat', [label('Siamese', 91, ['Cat', 'Animal'])], { animal: 'CAT', confidence: 91, uncertain: false }],
    ['a label whose alias is Cat', [label('Housecat', 85, [], ['Cat'])], { animal: 'CAT', confidence: 85, uncertain: false }],
    ['a confident dog', [label('Dog', 93.5), label('Cat', 10)], { animal: 'DOG', confidence: 93.5, uncertain: false }],
    ['a puppy counts as dog', [label('Puppy', 81)], { animal: 'DOG', confidence: 81, uncertain: false }],
    ['a breed whose parent is Dog', [label('Beagle', 90, ['Dog', 'Pet'])], { animal: 'DOG', confidence: 90, uncertain: false }],
    ['exactly at the confident threshold', [label('Dog', 80)], { animal: 'DOG', confidence: 80, uncertain: false }],
    ['just under the confident threshold', [label('Dog', 79.99)], { animal: 'DOG', confidence: 79.99, uncertain: true }],
    ['exactly at the uncertain minimum', [label('Cat', 50)], { animal: 'CAT', confidence: 50, uncertain: true }],
    ['just under the uncertain minimum: no pet', [label('Cat', 49.99), label('Sofa', 90)], { animal: 'OTHER', confidence: 50.01, uncertain: false }],
    ['no labels at all', [], { animal: 'OTHER', confidence: 100, uncertain: false }],
    ['only other labels', [label('Car', 99), label('Road', 95)], { animal: 'OTHER', confidence: 100, uncertain: false }],
    ['cat and dog both confident and within 15', [label('Cat', 92), label('Dog', 85)], { animal: 'CAT', confidence: 92, uncertain: true }],
    ['cat and dog exactly 15 apart', [label('Cat', 70), label('Dog', 85)], { animal: 'DOG', confidence: 85, uncertain: true }],
    ['cat and dog more than 15 apart', [label('Cat', 69.9), label('Dog', 85)], { animal: 'DOG', confidence: 85, uncertain: false }],
    ['a close rival below the uncertain minimum does not count', [label('Dog', 90), label('Cat', 49)], { animal: 'DOG', confidence: 90, uncertain: false }],
    ['a tie goes to CAT and is uncertain', [label('Cat', 88), label('Dog', 88)], { animal: 'CAT', confidence: 88, uncertain: true }],
    ['the best of several cat labels wins', [label('Cat', 60), label('Kitten', 95)], { animal: 'CAT', confidence: 95, uncertain: false }],
    ['names match case-insensitively', [label('DOG', 90)], { animal: 'DOG', confidence: 90, uncertain: false }],
    ['a missing confidence is no evidence', [{ Name: 'Cat' }], { animal: 'OTHER', confidence: 100, uncertain: false }],
    ['an out-of-range confidence is clamped', [label('Cat', 140)], { animal: 'CAT', confidence: 100, uncertain: false }],
  ])('%s', (_case, labels, expected) => {
    expect(applyClassificationPolicy({ Labels: labels })).toMatchObject(expected);
  });

  it('applies per-stage thresholds', () => {
    const strict = { confident: 95, uncertainMin: 70, closeMargin: 5 };
    expect(applyClassificationPolicy({ Labels: [label('Cat', 90)] }, strict)).toMatchObject({ animal: 'CAT', uncertain: true });
    expect(applyClassificationPolicy({ Labels: [label('Cat', 65)] }, strict)).toMatchObject({ animal: 'OTHER' });
    expect(applyClassificationPolicy({ Labels: [label('Cat', 99), label('Dog', 80)] }, strict)).toMatchObject({ uncertain: false });
  });

  it('keeps the strongest labels, rounded, with their bounding boxes', () => {
    const many = Array.from({ length: 30 }, (_, i) => label(`L${i}`, i + 0.123));
    many.push({ Name: 'Cat', Confidence: 99.456, Instances: [{ BoundingBox: { Left: 0.1, Top: 0.2, Width: 0.3, Height: 0.4 } }] });
    const { labels } = applyClassificationPolicy({ Labels: many });
    expect(labels).toHaveLength(MAX_STORED_LABELS);
    expect(labels[0]).toEqual({ name: 'Cat', confidence: 99.46, boundingBoxes: [{ left: 0.1, top: 0.2, width: 0.3, height: 0.4 }] });
    expect(labels[1]).toEqual({ name: 'L29', confidence: 29.12 });
  });

  it.each([
    [{ confident: 50, uncertainMin: 50, closeMargin: 15 }],
    [{ confident: 101, uncertainMin: 50, closeMargin: 15 }],
    [{ confident: 80, uncertainMin: -1, closeMargin: 15 }],
    [{ confident: 80, uncertainMin: 50, closeMargin: -1 }],
  ])('refuses inconsistent thresholds %j', (t) => {
    expect(() => validateThresholds(t)).toThrow(RangeError);
  });

  it('has the documented defaults', () => {
    expect(DEFAULT_THRESHOLDS).toEqual({ confident: 80, uncertainMin: 50, closeMargin: 15 });
  });
});
