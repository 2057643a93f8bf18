/**
 * MIN_LABEL_CONFIDENCE and MAX_LABELS reach the real local model when CLASSIFIER=local: the processor's
 * wiring, built from an environment as in Lambda (classifier/lambda-handler.ts), answers with fewer labels.
 */
import { readFileSync } from 'node:fs';
import { createLocalClassifier, type LocalClassifier } from '../../../classifier/index';
import type { LabelDetection } from '../../../functions/core/ports';
import { fromEnvironment } from '../../../functions/runtime/wiring/image-processor';
import { photoPath } from '../../fixtures/photos';

jest.setTimeout(120_000);

const DOG = { bucket: 'b', key: 'input/dog.png', bytes: readFileSync(photoPath('dog/plasma-dog.png')) };
const opened: LocalClassifier[] = [];
afterAll(() => Promise.all(opened.map((model) => model.close())));

const labelsWith = async (settings: Record<string, string>): Promise<NonNullable<LabelDetection['Labels']>> => {
  const env = { TABLE_NAME: 't', INDEX_SHARDS: '1', BUCKET_NAME: 'b', AWS_REGION: 'us-east-1', CLASSIFIER: 'local', POWERTOOLS_TRACE_ENABLED: 'false', ...settings };
  const { processUpload } = fromEnvironment(env, {
    localClassifier: (options) => {
      const model = createLocalClassifier(options);
      opened.push(model);
      return model;
    },
  });
  return (await processUpload.classifier.detectLabels(DOG)).Labels ?? [];
};

describe('CLASSIFIER=local with label settings', () => {
  it('keeps at most MAX_LABELS labels and none below MIN_LABEL_CONFIDENCE', async () => {
    const byDefault = await labelsWith({});
    expect(byDefault.length).toBeGreaterThan(2);
    expect(byDefault[0]).toMatchObject({ Name: 'Dog' });

    const capped = await labelsWith({ MAX_LABELS: '2' });
    expect(capped.map((l) => l.Name)).toEqual(byDefault.slice(0, 2).map((l) => l.Name));

    // The dog's labels (Dog and its parents) share one confidence: a floor just above it leaves none, just below keeps all.
    const best = byDefault[0]?.Confidence ?? 0;
    expect(await labelsWith({ MIN_LABEL_CONFIDENCE: (best - 0.5).toFixed(2) })).toHaveLength(byDefault.length);
    expect(await labelsWith({ MIN_LABEL_CONFIDENCE: (best + 0.5).toFixed(2) })).toEqual([]);
  });
});
