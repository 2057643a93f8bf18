/**
 * CLASSIFIER=rekognition on the local stack: the processor's unchanged Rekognition adapter asks for labels
 * of an S3Object, but the object lives in the local bucket, which Amazon Rekognition cannot read. So the
 * local DetectLabels endpoint reads the bytes locally and this classifier sends them to the real service
 * with the caller's real AWS credentials (resolved once, before the stack points the SDK at emulators).
 */
import { DetectLabelsCommand, RekognitionClient } from '@aws-sdk/client-rekognition';
import type { Classifier } from '../../functions/core/ports';

export const createRekognitionBridge = async (): Promise<Classifier & { close(): void }> => {
  const region = process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';
  const { fromNodeProviderChain } = await import('@aws-sdk/credential-providers');
  let credentials;
  try {
    credentials = await fromNodeProviderChain()();
  } catch (error) {
    throw new Error(`CLASSIFIER=rekognition needs AWS credentials (none found: ${(error as Error).message})`, { cause: error });
  }
  // The stack sets AWS_ENDPOINT_URL_* for the emulators later; this client keeps the real endpoint.
  const client = new RekognitionClient({ region, credentials, endpoint: `https://rekognition.${region}.amazonaws.com` });
  return {
    // The local endpoint applies the request's MinConfidence and MaxLabels to what comes back.
    detectLabels: async (image) => {
      const out = await client.send(new DetectLabelsCommand({ Image: { Bytes: image.bytes }, MinConfidence: 0, MaxLabels: 1000 }));
      return { Labels: out.Labels ?? [], LabelModelVersion: out.LabelModelVersion };
    },
    close: () => client.destroy(),
  };
};
