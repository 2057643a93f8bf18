/**
 * AWS SDK clients as the functions use them: plain clients with the SDK's standard retry, endpoints
 * from the SDK's own AWS_ENDPOINT_URL_* variables (which is how the local stack points them at
 * emulators). `instrument` lets the caller wrap each client (the Powertools Tracer does).
 * Each is a function rather than a module-level instance, so a bundle contains only the clients it calls.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { RekognitionClient } from '@aws-sdk/client-rekognition';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export type Instrument = <T>(client: T) => T;
const asIs: Instrument = (client) => client;

export const documentClient = (region: string, instrument: Instrument = asIs): DynamoDBDocumentClient =>
  DynamoDBDocumentClient.from(instrument(new DynamoDBClient({ region })), {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });

export const s3Client = (region: string, forcePathStyle: boolean, instrument: Instrument = asIs): S3Client =>
  instrument(
    new S3Client({
      region,
      forcePathStyle,
      // Checksums only where S3 requires them: we never upload through the SDK, and emulators lag behind.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    }),
  );

export const rekognitionClient = (region: string, instrument: Instrument = asIs): RekognitionClient =>
  instrument(new RekognitionClient({ region }));

export const snsClient = (region: string, instrument: Instrument = asIs): SNSClient => instrument(new SNSClient({ region }));

/** The default provider chain (Lambda's role credentials in AWS, the local keys on the local stack). */
export const defaultCredentials = () => fromNodeProviderChain();
