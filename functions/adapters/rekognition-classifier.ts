/**
 * Classifier on Amazon Rekognition DetectLabels, reading the object straight from S3 (no bytes sent),
 * except for a JPEG converted from a format Rekognition cannot read (HEIC, WebP), which goes as bytes.
 * Its errors are sorted into "try again later" (the message returns to the queue) and "this image will
 * never work" (the record becomes FAILED at once).
 */
import { DetectLabelsCommand, type RekognitionClient } from '@aws-sdk/client-rekognition';
import { PetDetectorError, TransientError } from '../core/errors';
import type { Classifier, ImageSource, LabelDetection } from '../core/ports';

const TRANSIENT = new Set([
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'ServiceUnavailableException',
  'InternalServerError',
  'LimitExceededException',
]);
const REJECTED = new Set([
  'InvalidImageFormatException',
  'ImageTooLargeException',
  'InvalidS3ObjectException',
  'InvalidParameterException',
]);

export interface RekognitionOptions {
  minConfidence: number;
  maxLabels: number;
}

export class RekognitionClassifier implements Classifier {
  constructor(
    private readonly rekognition: RekognitionClient,
    private readonly options: RekognitionOptions,
  ) {}

  async detectLabels(image: ImageSource): Promise<LabelDetection> {
    try {
      const out = await this.rekognition.send(
        new DetectLabelsCommand({
          // The exact version the processor validated: the key may hold a newer upload by now.
          Image: image.converted
            ? { Bytes: image.bytes }
            : { S3Object: { Bucket: image.bucket, Name: image.key, ...(image.versionId ? { Version: image.versionId } : {}) } },
          MinConfidence: this.options.minConfidence,
          MaxLabels: this.options.maxLabels,
        }),
      );
      return { Labels: out.Labels ?? [], LabelModelVersion: out.LabelModelVersion };
    } catch (error) {
      const name = error instanceof Error ? error.name : '';
      if (TRANSIENT.has(name)) {
        throw new TransientError('ClassifierThrottled', `Rekognition is busy (${name}), try again`, { cause: error });
      }
      if (REJECTED.has(name)) {
        throw new PetDetectorError('ClassifierRejectedImage', `Rekognition could not read the image (${name})`, false, {
          cause: error,
        });
      }
      throw error;
    }
  }
}
