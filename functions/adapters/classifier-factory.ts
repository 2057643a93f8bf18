/**
 * Picks the Classifier for CLASSIFIER=rekognition|local. The local model is a dynamic import so that a
 * Rekognition bundle can leave it out: the CDK bundling defines PET_DETECTOR_BUNDLED_CLASSIFIER, which
 * turns the branch below into a constant that esbuild removes with the import (infra/bundling.ts).
 */
import { RekognitionClient } from '@aws-sdk/client-rekognition';
import { ConfigurationError } from '../core/errors';
import type { Classifier } from '../core/ports';
import { RekognitionClassifier } from './rekognition-classifier';

export interface ClassifierSettings {
  classifier: 'rekognition' | 'local';
  minLabelConfidence: number;
  maxLabels: number;
  localClassifierWorkers: number;
}

export type ClosableClassifier = Classifier & { close?: () => Promise<void> };

export const createClassifier = async (
  settings: ClassifierSettings,
  rekognition: () => RekognitionClient = () => new RekognitionClient({}),
): Promise<ClosableClassifier> => {
  if (settings.classifier === 'rekognition') {
    return new RekognitionClassifier(rekognition(), {
      minConfidence: settings.minLabelConfidence,
      maxLabels: settings.maxLabels,
    });
  }
  if (process.env.PET_DETECTOR_BUNDLED_CLASSIFIER !== 'rekognition') {
    const { createLocalClassifier } = await import('../../classifier');
    return createLocalClassifier({
      workers: settings.localClassifierWorkers,
      minConfidence: settings.minLabelConfidence,
      maxLabels: settings.maxLabels,
    });
  }
  throw new ConfigurationError('CLASSIFIER=local, but this bundle was built without the local classifier');
};
