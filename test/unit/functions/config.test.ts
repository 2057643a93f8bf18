import {
  loadImageProcessorConfig,
  loadImageReaderConfig,
  loadRecordSweeperConfig,
  loadRequestUploadConfig,
  loadStreamPublisherConfig,
} from '../../../functions/runtime/config';
import { ConfigurationError } from '../../../functions/core/errors';
import { fromEnvironment as processorFromEnvironment } from '../../../functions/runtime/wiring/image-processor';

const storage = { TABLE_NAME: 't', INDEX_SHARDS: '8', BUCKET_NAME: 'b', AWS_REGION: 'us-east-1' };

describe('function configuration', () => {
  it.each([
    ['TABLE_NAME', () => loadImageReaderConfig({ INDEX_SHARDS: '1', BUCKET_NAME: 'b', AWS_REGION: 'r' })],
    ['INDEX_SHARDS', () => loadImageReaderConfig({ TABLE_NAME: 't', BUCKET_NAME: 'b', AWS_REGION: 'r' })],
    ['BUCKET_NAME', () => loadRequestUploadConfig({ TABLE_NAME: 't', AWS_REGION: 'r' })],
    ['TOPIC_ARN', () => loadStreamPublisherConfig({ GRAPHQL_URL: 'https://x/graphql', AWS_REGION: 'r' })],
    ['GRAPHQL_URL', () => loadStreamPublisherConfig({ TOPIC_ARN: 'arn', AWS_REGION: 'r' })],
    ['AWS_REGION', () => loadImageProcessorConfig({ TABLE_NAME: 't', BUCKET_NAME: 'b' })],
    ['TABLE_NAME', () => loadImageProcessorConfig({ TABLE_NAME: '  ', BUCKET_NAME: 'b', AWS_REGION: 'r' })],
    // The sweeper's windows follow from the queue and the ticket: no default could know them.
    ['SWEEP_PROCESSING_AFTER_SECONDS', () => loadRecordSweeperConfig({ ...storage, SWEEP_PENDING_AFTER_SECONDS: '2400' })],
    ['SWEEP_PENDING_AFTER_SECONDS', () => loadRecordSweeperConfig({ ...storage, SWEEP_PROCESSING_AFTER_SECONDS: '546' })],
  ])('fails naming a missing %s', (name, load) => {
    expect(load).toThrow(ConfigurationError);
    expect(load).toThrow(`missing environment variable ${name}`);
  });

  it('applies the documented defaults', () => {
    expect(loadImageProcessorConfig(storage)).toEqual({
      tableName: 't',
      indexShards: 8,
      bucketName: 'b',
      region: 'us-east-1',
      forcePathStyle: false,
      classifier: 'rekognition',
      thresholds: { confident: 80, uncertainMin: 50, closeMargin: 15 },
      minLabelConfidence: 40,
      maxLabels: 20,
      localClassifierWorkers: 1,
      maxReceiveCount: 3,
    });
    expect(loadRequestUploadConfig(storage)).toMatchObject({ uploadUrlTtlSeconds: 600, retentionDays: 90 });
    expect(loadRecordSweeperConfig({ ...storage, SWEEP_PROCESSING_AFTER_SECONDS: '546', SWEEP_PENDING_AFTER_SECONDS: '2400' })).toEqual({
      tableName: 't',
      indexShards: 8,
      bucketName: 'b',
      region: 'us-east-1',
      forcePathStyle: false,
      sweep: { processingTimeoutSeconds: 546, pendingTimeoutSeconds: 2400, maxRecordsPerRun: 500 },
    });
  });

  it('reads per-stage values', () => {
    const config = loadImageProcessorConfig({
      ...storage,
      CLASSIFIER: 'local',
      CONFIDENT_THRESHOLD: '90',
      UNCERTAIN_MIN_THRESHOLD: '60',
      CLOSE_MARGIN: '10',
      S3_FORCE_PATH_STYLE: 'true',
      LOCAL_CLASSIFIER_WORKERS: '2',
    });
    expect(config).toMatchObject({
      classifier: 'local',
      thresholds: { confident: 90, uncertainMin: 60, closeMargin: 10 },
      forcePathStyle: true,
      localClassifierWorkers: 2,
    });
  });

  it.each([
    ['UPLOAD_URL_TTL_SECONDS', '60', () => loadRequestUploadConfig({ ...storage, UPLOAD_URL_TTL_SECONDS: '60' })],
    ['UPLOAD_URL_TTL_SECONDS', '3600', () => loadRequestUploadConfig({ ...storage, UPLOAD_URL_TTL_SECONDS: '3600' })],
    ['INDEX_SHARDS', '0', () => loadImageReaderConfig({ ...storage, INDEX_SHARDS: '0' })],
    ['INDEX_SHARDS', '65', () => loadImageReaderConfig({ ...storage, INDEX_SHARDS: '65' })],
    ['CLASSIFIER', 'openai', () => loadImageProcessorConfig({ ...storage, CLASSIFIER: 'openai' })],
    ['CONFIDENT_THRESHOLD', 'high', () => loadImageProcessorConfig({ ...storage, CONFIDENT_THRESHOLD: 'high' })],
    ['SWEEP_PROCESSING_AFTER_SECONDS', '5', () => loadRecordSweeperConfig({ ...storage, SWEEP_PROCESSING_AFTER_SECONDS: '5', SWEEP_PENDING_AFTER_SECONDS: '2400' })],
    ['SWEEP_MAX_RECORDS_PER_RUN', '0', () => loadRecordSweeperConfig({ ...storage, SWEEP_PROCESSING_AFTER_SECONDS: '546', SWEEP_PENDING_AFTER_SECONDS: '2400', SWEEP_MAX_RECORDS_PER_RUN: '0' })],
    ['GRAPHQL_URL', 'not a url', () => loadStreamPublisherConfig({ TOPIC_ARN: 'a', AWS_REGION: 'r', GRAPHQL_URL: 'not a url' })],
  ])('fails naming an invalid %s (%s)', (name, _value, load) => {
    expect(load).toThrow(`invalid environment variable ${name}`);
  });

  it('refuses thresholds that contradict each other', () => {
    expect(() => loadImageProcessorConfig({ ...storage, CONFIDENT_THRESHOLD: '40', UNCERTAIN_MIN_THRESHOLD: '60' })).toThrow(
      /CONFIDENT_THRESHOLD/,
    );
  });
});

describe('a deployed function built from its environment', () => {
  it('fails naming the missing variable, and reads nothing but the environment it is given', () => {
    expect(() => processorFromEnvironment({ BUCKET_NAME: 'b', AWS_REGION: 'us-east-1' })).toThrow('missing environment variable TABLE_NAME');
  });

  it('refuses CLASSIFIER=local when built without the local model (the Rekognition bundle)', () => {
    expect(() => processorFromEnvironment({ ...storage, CLASSIFIER: 'local' })).toThrow(ConfigurationError);
  });

  it('hands MIN_LABEL_CONFIDENCE, MAX_LABELS and LOCAL_CLASSIFIER_WORKERS to the local model it is given', async () => {
    const detectLabels = jest.fn(async () => ({ Labels: [] }));
    const localClassifier = jest.fn((_options: { workers: number; minConfidence: number; maxLabels: number }) => ({ detectLabels }));
    const env = { ...storage, CLASSIFIER: 'local', MIN_LABEL_CONFIDENCE: '75', MAX_LABELS: '3', LOCAL_CLASSIFIER_WORKERS: '2', POWERTOOLS_TRACE_ENABLED: 'false' };
    const { processUpload } = processorFromEnvironment(env, { localClassifier });
    // Built on first use, so that a model that fails to load fails an image, not the container.
    expect(localClassifier).not.toHaveBeenCalled();
    await processUpload.classifier.detectLabels({ bucket: 'b', key: 'input/x.jpg', bytes: new Uint8Array([1]) });
    expect(localClassifier).toHaveBeenCalledWith({ workers: 2, minConfidence: 75, maxLabels: 3 });
    expect(detectLabels).toHaveBeenCalledTimes(1);
  });
});
