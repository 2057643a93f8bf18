/**
 * The DynamoDB DocumentClient the functions use: a plain client with the SDK's standard retry; its
 * endpoint comes from AWS_ENDPOINT_URL_DYNAMODB when set (the local stack), else from the region.
 * One module per service so that a bundle holds only the clients its function calls.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { asIs, type Instrument } from './instrument';

export const documentClient = (region: string, instrument: Instrument = asIs): DynamoDBDocumentClient =>
  DynamoDBDocumentClient.from(instrument(new DynamoDBClient({ region })), {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
