import {
  DetectLabelsCommand,
  ImageTooLargeException,
  InternalServerError,
  InvalidImageFormatException,
  InvalidS3ObjectException,
  ProvisionedThroughputExceededException,
  RekognitionClient,
  ThrottlingException,
} from '@aws-sdk/client-rekognition';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { RekognitionClassifier } from '../../../functions/adapters/rekognition-classifier';
import { PetDetectorError } from '../../../functions/core/errors';

const rekognition = mockClient(RekognitionClient);
const classifier = new RekognitionClassifier(new RekognitionClient({ region: 'us-east-1' }), { minConfidence: 40, maxLabels: 20 });
const image = { bucket: 'images', key: 'input/id.jpg', bytes: new Uint8Array([1, 2, 3]) };
const meta = { $metadata: {}, message: 'x' };

beforeEach(() => rekognition.reset());

describe('RekognitionClassifier', () => {
  it('asks DetectLabels to read the S3 object, with MinConfidence and MaxLabels', async () => {
    rekognition.on(DetectLabelsCommand).resolves({ Labels: [{ Name: 'Cat', Confidence: 98 }], LabelModelVersion: '3.0' });
    expect(await classifier.detectLabels(image)).toEqual({ Labels: [{ Name: 'Cat', Confidence: 98 }], LabelModelVersion: '3.0' });
    expect(rekognition).toHaveReceivedCommandWith(DetectLabelsCommand, {
      Image: { S3Object: { Bucket: 'images', Name: 'input/id.jpg' } },
      MinConfidence: 40,
      MaxLabels: 20,
    });
  });

  it('reads exactly the S3 version the processor validated, when it has one', async () => {
    rekognition.on(DetectLabelsCommand).resolves({ Labels: [] });
    await classifier.detectLabels({ ...image, versionId: 'v1' });
    expect(rekognition).toHaveReceivedCommandWith(DetectLabelsCommand, {
      Image: { S3Object: { Bucket: 'images', Name: 'input/id.jpg', Version: 'v1' } },
    });
  });

  it('sends a converted JPEG as bytes: Rekognition cannot read the HEIC or WebP object itself', async () => {
    rekognition.on(DetectLabelsCommand).resolves({ Labels: [] });
    const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xd9]);
    await classifier.detectLabels({ bucket: 'images', key: 'input/id.heic', bytes: jpeg, converted: true });
    expect(rekognition).toHaveReceivedCommandWith(DetectLabelsCommand, { Image: { Bytes: jpeg } });
  });

  it.each([
    ['ThrottlingException', new ThrottlingException(meta)],
    ['ProvisionedThroughputExceededException', new ProvisionedThroughputExceededException(meta)],
    ['InternalServerError', new InternalServerError(meta)],
  ])('maps %s to a retryable ClassifierThrottled', async (_name, error) => {
    rekognition.on(DetectLabelsCommand).rejects(error);
    await expect(classifier.detectLabels(image)).rejects.toMatchObject({ code: 'ClassifierThrottled', retryable: true });
  });

  it('maps ServiceUnavailableException to a retryable ClassifierThrottled', async () => {
    const unavailable = Object.assign(new Error('unavailable'), { name: 'ServiceUnavailableException' });
    rekognition.on(DetectLabelsCommand).rejects(unavailable);
    await expect(classifier.detectLabels(image)).rejects.toMatchObject({ code: 'ClassifierThrottled', retryable: true });
  });

  it.each([
    ['InvalidImageFormatException', new InvalidImageFormatException(meta)],
    ['ImageTooLargeException', new ImageTooLargeException(meta)],
    ['InvalidS3ObjectException', new InvalidS3ObjectException(meta)],
  ])('maps %s to a permanent ClassifierRejectedImage naming it', async (name, error) => {
    rekognition.on(DetectLabelsCommand).rejects(error);
    const failure = await classifier.detectLabels(image).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(PetDetectorError);
    expect(failure).toMatchObject({ code: 'ClassifierRejectedImage', retryable: false });
    expect((failure as Error).message).toContain(name);
  });
});
