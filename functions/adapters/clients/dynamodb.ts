/**
 * The DynamoDB DocumentClient the functions use: a plain client with the SDK's standard retry.
 * One module per service so that a bundle holds only the clients its function calls.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { asIs, clientConfig, type ClientTarget, type Instrument } from './instrument';

export const documentClient = (target: ClientTarget, instrument: Instrument = asIs): DynamoDBDocumentClient => {
  const client = new DynamoDBClient(clientConfig(target));
  /*
   * The SDK's logger middleware walks every output against its schema to mask sensitive fields before it calls
   * the logger, even the no-op one these clients have (none is configured): for a page read, a Query per shard
   * and a BatchGetItem of full items, ~4% of the reader's CPU spent on nothing (npm run bench:api's profile).
   */
  client.middlewareStack.remove('loggerMiddleware');
  return DynamoDBDocumentClient.from(instrument(client), {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
};
