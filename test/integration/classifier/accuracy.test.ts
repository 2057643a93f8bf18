/**
 * The accuracy floor on the reference photos (test/fixtures/photos/{cat,dog,other}), with the
 * real model and the product's classification policy at its default thresholds.
 */
import { readFile } from 'node:fs/promises';
import { applyClassificationPolicy } from '../../../functions/core/classification-policy';
import { collectImageFiles } from '../../../classifier/cli';
import { confusionMatrix, expectedAnimal, formatMatrix, score, type Verdict } from '../../../classifier/evaluation';
import { createLocalClassifier, type LocalClassifier, LOCAL_MODEL_VERSION } from '../../../classifier/index';
import { PHOTOS_DIR } from '../../fixtures/photos';

jest.setTimeout(300_000);


describe('local classifier accuracy on the reference photos', () => {
  let classifier: LocalClassifier;
  let files: string[] = [];
  const verdicts: Array<Verdict & { file: string; confidence: number; uncertain: boolean }> = [];

  beforeAll(async () => {
    classifier = createLocalClassifier({ workers: 2 });
    files = await collectImageFiles([PHOTOS_DIR]);
    // All at once: the pool queues them, which also exercises concurrent calls on a cold model.
    await Promise.all(
      files.map(async (file) => {
        const detection = await classifier.detectLabels({ bucket: 'reference', key: file, bytes: await readFile(file) });
        expect(detection.LabelModelVersion).toBe(LOCAL_MODEL_VERSION);
        const c = applyClassificationPolicy(detection);
        verdicts.push({ file, expected: expectedAnimal(file) as Verdict['expected'], actual: c.animal, confidence: c.confidence, uncertain: c.uncertain });
      }),
    );
    const matrix = confusionMatrix(verdicts);
    const wrong = verdicts.filter((v) => v.expected !== v.actual).map((v) => `${v.file}: ${v.actual} ${v.confidence}`);
    console.log(`${formatMatrix(matrix)}\n${JSON.stringify(score(matrix))}\nwrong: ${wrong.join('; ') || 'none'}`);
  });

  afterAll(() => classifier.close());

  it('classifies every photo, each filed under cat/, dog/ or other/', () => {
    expect(files.length).toBeGreaterThan(0);
    expect(verdicts).toHaveLength(files.length);
    expect(verdicts.every((v) => v.expected !== undefined)).toBe(true);
  });

  it('gets at least 90% of them right', () => {
    expect(score(confusionMatrix(verdicts)).accuracy).toBeGreaterThanOrEqual(0.9);
  });

  it('never calls a cat a dog or a dog a cat', () => {
    expect(score(confusionMatrix(verdicts)).catDogSwaps).toBe(0);
  });

  it('finds no pet in any of the non-pet photos (owls, a chameleon, horses...)', () => {
    expect(verdicts.filter((v) => v.expected === 'OTHER' && v.actual !== 'OTHER')).toEqual([]);
  });
});
