/** Builds processUpload from real adapters, once per container. */
import { createClassifier, type ClosableClassifier } from '../../adapters/classifier-factory';
import { documentClient } from '../../adapters/clients/dynamodb';
import { rekognitionClient } from '../../adapters/clients/rekognition';
import { s3Client } from '../../adapters/clients/s3';
import { DynamoDbDetectionLog } from '../../adapters/dynamodb-detection-log';
import { SharpImageMedia } from '../../adapters/media/sharp-media';
import { S3ObjectStore } from '../../adapters/s3-object-store';
import type { Classifier } from '../../core/ports';
import { systemClock } from '../../core/ports';
import type { ProcessUploadDeps } from '../../core/use-cases/process-upload';
import { loadImageProcessorConfig } from '../config';
import { traceClient } from '../powertools';

export const processorConfig = loadImageProcessorConfig();

let classifier: Promise<ClosableClassifier> | undefined;
/**
 * Created on first use: the local model loads lazily, and a failure to load surfaces inside
 * detectLabels, where the use case can record it, instead of crashing the container's init.
 */
const lazyClassifier: Classifier = {
  detectLabels: async (image) => {
    classifier ??= createClassifier(processorConfig, () => rekognitionClient(processorConfig.region, traceClient));
    return (await classifier).detectLabels(image);
  },
};

export const processUploadDeps: ProcessUploadDeps = {
  log: new DynamoDbDetectionLog(documentClient(processorConfig.region, traceClient), processorConfig.tableName, {
    indexShards: processorConfig.indexShards,
  }),
  store: new S3ObjectStore(
    s3Client(processorConfig.region, processorConfig.forcePathStyle, traceClient),
    processorConfig.bucketName,
  ),
  classifier: lazyClassifier,
  media: new SharpImageMedia(),
  clock: systemClock,
  thresholds: processorConfig.thresholds,
};

/** For the local stack's shutdown: stops the local model's workers, if any were started. */
export const closeClassifier = async (): Promise<void> => {
  const current = classifier;
  classifier = undefined;
  if (current) await (await current.catch(() => undefined))?.close?.();
};
