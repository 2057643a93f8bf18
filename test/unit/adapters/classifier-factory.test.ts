import { RekognitionClient } from '@aws-sdk/client-rekognition';
import { createClassifier } from '../../../functions/adapters/classifier-factory';
import { RekognitionClassifier } from '../../../functions/adapters/rekognition-classifier';
import { ConfigurationError } from '../../../functions/core/errors';

// The real local model loads TensorFlow (test/integration/classifier/settings.test.ts runs it); here only the call matters.
const localClassifier = { detectLabels: jest.fn(), close: jest.fn() };
const local = jest.fn((_options: { workers: number; minConfidence: number; maxLabels: number }) => localClassifier);
const rekognition = () => new RekognitionClient({ region: 'us-east-1' });

const settings = { minLabelConfidence: 40, maxLabels: 20, localClassifierWorkers: 2 };

beforeEach(() => local.mockClear());

describe('createClassifier', () => {
  it('uses Rekognition with CLASSIFIER=rekognition, even when the local model is available', () => {
    expect(createClassifier({ ...settings, classifier: 'rekognition' }, { rekognition, local })).toBeInstanceOf(RekognitionClassifier);
    expect(local).not.toHaveBeenCalled();
  });

  it('builds the local model with CLASSIFIER=local, with the configured workers, MIN_LABEL_CONFIDENCE and MAX_LABELS', () => {
    const built = createClassifier({ ...settings, classifier: 'local', minLabelConfidence: 75, maxLabels: 3 }, { rekognition, local });
    expect(built).toBe(localClassifier);
    expect(local).toHaveBeenCalledWith({ workers: 2, minConfidence: 75, maxLabels: 3 });
  });

  it('says so when asked for the local model by a handler built without it', () => {
    expect(() => createClassifier({ ...settings, classifier: 'local' }, { rekognition })).toThrow(ConfigurationError);
  });
});
