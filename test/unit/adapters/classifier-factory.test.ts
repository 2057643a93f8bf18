import { createClassifier } from '../../../functions/adapters/classifier-factory';
import { RekognitionClassifier } from '../../../functions/adapters/rekognition-classifier';
import { ConfigurationError } from '../../../functions/core/errors';

// The real local model loads TensorFlow; here only the contract matters (contracts.md section 4).
const localClassifier = { detectLabels: jest.fn(), close: jest.fn() };
const createLocalClassifier = jest.fn((_options?: unknown) => localClassifier);
jest.mock('../../../classifier', () => ({ createLocalClassifier: (options: unknown) => createLocalClassifier(options) }));

const settings = { minLabelConfidence: 40, maxLabels: 20, localClassifierWorkers: 2 };

afterEach(() => {
  delete process.env.PET_DETECTOR_BUNDLED_CLASSIFIER;
});

describe('createClassifier', () => {
  it('uses Rekognition by default', async () => {
    expect(await createClassifier({ ...settings, classifier: 'rekognition' })).toBeInstanceOf(RekognitionClassifier);
    expect(createLocalClassifier).not.toHaveBeenCalled();
  });

  it('loads the local model with CLASSIFIER=local, with the configured workers, MIN_LABEL_CONFIDENCE and MAX_LABELS', async () => {
    expect(await createClassifier({ ...settings, classifier: 'local', minLabelConfidence: 75, maxLabels: 3 })).toBe(localClassifier);
    expect(createLocalClassifier).toHaveBeenCalledWith({ workers: 2, minConfidence: 75, maxLabels: 3 });
  });

  it('says so when a Rekognition-only bundle is asked for the local model', async () => {
    process.env.PET_DETECTOR_BUNDLED_CLASSIFIER = 'rekognition';
    await expect(createClassifier({ ...settings, classifier: 'local' })).rejects.toBeInstanceOf(ConfigurationError);
  });
});
