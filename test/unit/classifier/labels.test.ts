import type { DetectLabelsResponse } from '@aws-sdk/client-rekognition';
import { applyClassificationPolicy } from '../../../functions/core/classification-policy';
import type { LabelDetection } from '../../../functions/core/ports';
import type { ClassEvidence } from '../../../classifier/evidence';
import { toLabelDetection, type LabelOptions } from '../../../classifier/labels';
import { CAT_COLUMN, columnOf, DOG_COLUMN } from '../../../classifier/taxonomy';

const options: LabelOptions = { minConfidence: 40, maxLabels: 20, modelVersion: 'test-model' };
const box = { top: 0.1, left: 0.2, bottom: 0.7, right: 0.6 };
const evidence = (column: number, score: number, instanceScores: number[] = [score]): ClassEvidence => ({
  column,
  score,
  instances: instanceScores.map((s) => ({ column, score: s, box })),
});
const byName = (d: LabelDetection, name: string) => d.Labels?.find((l) => l.Name === name);

describe('toLabelDetection', () => {
  it('answers in the DetectLabels shape: calibrated confidence, fractional boxes, parents, categories', () => {
    const out = toLabelDetection([evidence(CAT_COLUMN, 0.9)], options);
    // Compiles only if the shape is assignable to the SDK's response type.
    const asRekognition: DetectLabelsResponse = out;
    expect(asRekognition.LabelModelVersion).toBe('test-model');
    expect(byName(out, 'Cat')).toEqual({
      Name: 'Cat',
      Confidence: 95,
      Instances: [{ BoundingBox: { Left: 0.2, Top: 0.1, Width: expect.closeTo(0.4, 10), Height: expect.closeTo(0.6, 10) }, Confidence: 95 }],
      Parents: [{ Name: 'Animal' }, { Name: 'Mammal' }, { Name: 'Pet' }],
      Categories: [{ Name: 'Animals and Pets' }],
    });
  });

  it('lists each parent as a label too, as sure as its surest child, after the child', () => {
    const out = toLabelDetection([evidence(DOG_COLUMN, 0.5), evidence(CAT_COLUMN, 0.25)], options);
    expect(out.Labels?.map((l) => [l.Name, l.Confidence])).toEqual([
      ['Dog', 80],
      ['Animal', 80],
      ['Canine', 80],
      ['Mammal', 80],
      ['Pet', 80],
      ['Cat', 50],
    ]);
    expect(byName(out, 'Canine')).toMatchObject({ Instances: [], Parents: [{ Name: 'Animal' }, { Name: 'Mammal' }] });
  });

  it('leaves out labels and instances below minConfidence, and keeps at most maxLabels', () => {
    const out = toLabelDetection([evidence(columnOf('Person'), 0.4, [0.4, 0.1]), evidence(columnOf('Kite'), 0.1)], {
      ...options,
      maxLabels: 1,
    });
    expect(out.Labels).toHaveLength(1);
    expect(out.Labels?.[0]).toMatchObject({ Name: 'Person', Aliases: [{ Name: 'Human' }] });
    expect(out.Labels?.[0]?.Instances).toHaveLength(1);
  });

  it('feeds the classification policy the way Rekognition output does', () => {
    expect(applyClassificationPolicy(toLabelDetection([evidence(CAT_COLUMN, 0.93)], options))).toMatchObject({
      animal: 'CAT',
      uncertain: false,
    });
    expect(
      applyClassificationPolicy(toLabelDetection([evidence(columnOf('Bird'), 0.99), evidence(columnOf('Teddy Bear'), 0.3)], options)),
    ).toMatchObject({ animal: 'OTHER', confidence: 100 });
  });

  it('answers an image with no evidence with no labels, not with an error', () => {
    expect(toLabelDetection([], options)).toEqual({ Labels: [], LabelModelVersion: 'test-model' });
  });
});
