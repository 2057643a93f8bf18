/** Builds processUpload's dependencies from its configuration; nothing happens at import. */
import { createClassifier, type ClosableClassifier, type LocalClassifierFactory } from '../../adapters/classifier-factory';
import { rekognitionClient } from '../../adapters/clients/rekognition';
import { SharpImageMedia } from '../../adapters/media/sharp-media';
import { ConfigurationError } from '../../core/errors';
import { systemClock, type Classifier } from '../../core/ports';
import type { ProcessUploadDeps } from '../../core/use-cases/process-upload';
import { loadImageProcessorConfig, type Env, type ImageProcessorConfig } from '../config';
import { telemetryFromEnvironment, traceClients, type Telemetry } from '../telemetry';
import { clientTarget, type AwsConnection } from './connection';
import { storageAdapters } from './storage';

export interface ImageProcessorHandlerDeps {
  processUpload: ProcessUploadDeps;
  /** The queue's maxReceiveCount: on the last delivery a transient fault records FAILED too. */
  maxReceiveCount: number;
  telemetry: Telemetry;
}

export interface ClassifierChoice {
  connection?: AwsConnection;
  /** A classifier the caller owns (and closes): the local stack's model. Overrides CLASSIFIER. */
  classifier?: Classifier;
  /** How to build the local model when CLASSIFIER=local (classifier/lambda-handler.ts passes it). */
  localClassifier?: LocalClassifierFactory;
}

/**
 * Created on first use: the local model loads lazily, and a failure to load surfaces inside
 * detectLabels, where the use case can record it, instead of failing the container's first invocation.
 */
const onFirstUse = (create: () => ClosableClassifier): Classifier => {
  let classifier: ClosableClassifier | undefined;
  return { detectLabels: async (image) => (classifier ??= create()).detectLabels(image) };
};

export const imageProcessorDeps = (config: ImageProcessorConfig, telemetry: Telemetry, choice: ClassifierChoice = {}): ImageProcessorHandlerDeps => {
  const connection = choice.connection ?? {};
  const instrument = traceClients(telemetry);
  if (!choice.classifier && config.classifier === 'local' && !choice.localClassifier) {
    throw new ConfigurationError('imageProcessor: CLASSIFIER=local, but this handler was built without the local classifier (its Lambda entry is classifier/lambda-handler.ts)');
  }
  const classifier =
    choice.classifier ??
    onFirstUse(() =>
      createClassifier(config, {
        rekognition: () => rekognitionClient(clientTarget(config.region, 'rekognition', connection), instrument),
        local: choice.localClassifier,
      }),
    );
  return {
    processUpload: {
      ...storageAdapters(config, connection, instrument),
      classifier,
      media: new SharpImageMedia(),
      clock: systemClock,
      thresholds: config.thresholds,
    },
    maxReceiveCount: config.maxReceiveCount,
    telemetry,
  };
};

export const fromEnvironment = (env: Env, choice: Pick<ClassifierChoice, 'localClassifier'> = {}): ImageProcessorHandlerDeps =>
  imageProcessorDeps(loadImageProcessorConfig(env), telemetryFromEnvironment(env), choice);
