/**
 * Picks the Classifier for CLASSIFIER=rekognition|local. functions/ never imports the local model
 * (classifier/): whoever can supply it (the local stack, the local-classifier Lambda entry,
 * classifier/lambda-handler.ts) passes its factory in, so the Rekognition bundles never carry it.
 */
import type { RekognitionClient } from '@aws-sdk/client-rekognition';
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

/** The local model's constructor, in the shape classifier/index.ts's createLocalClassifier has. */
export type LocalClassifierFactory = (options: { workers: number; minConfidence: number; maxLabels: number }) => ClosableClassifier;

export interface ClassifierSources {
  rekognition: () => RekognitionClient;
  local?: LocalClassifierFactory;
}

export const createClassifier = (settings: ClassifierSettings, sources: ClassifierSources): ClosableClassifier => {
  if (settings.classifier === 'rekognition') {
    return new RekognitionClassifier(sources.rekognition(), { minConfidence: settings.minLabelConfidence, maxLabels: settings.maxLabels });
  }
  if (!sources.local) {
    throw new ConfigurationError('CLASSIFIER=local, but this handler was built without the local classifier (its entry is classifier/lambda-handler.ts)');
  }
  return sources.local({ workers: settings.localClassifierWorkers, minConfidence: settings.minLabelConfidence, maxLabels: settings.maxLabels });
};
