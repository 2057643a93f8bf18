/**
 * The DynamoDB DocumentClient the functions use: a plain client with the SDK's standard retry.
 * One module per service so that a bundle holds only the clients its function calls.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { asIs, clientConfig, type ClientTarget, type Instrument } from './instrument';

export const documentClient = (target: ClientTarget, instrument: Instrument = asIs): DynamoDBDocumentClient =>
  DynamoDBDocumentClient.from(instrument(new DynamoDBClient(clientConfig(target))), {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
