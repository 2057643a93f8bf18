/**
 * DynamoDB data source: executes AppSync's DynamoDB request objects through the AWS SDK and hands back
 * what AppSync would: items as plain JSON, and errors typed `DynamoDB:<ExceptionName>`.
 *
 * Only the operations the product's resolvers send are implemented (GetItem today). Any other operation is
 * refused with a named ValidationException rather than half-emulated: a resolver that starts to need one
 * should add it here, with a test against DynamoDB Local.
 */
import { GetItemCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
// util-dynamodb comes with @aws-sdk/lib-dynamodb; it is the SDK's own AttributeValue -> JSON conversion.
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { toAttributeValueMap, type TypedValue } from '../../../appsync/runtime/dynamodb';
import { isRecord, type DataSource, type DataSourceOutcome } from './types';

const SUPPORTED_DYNAMODB_OPERATIONS = ['GetItem'] as const;

interface ExpressionPart {
  expression?: string;
  expressionNames?: Record<string, string>;
}

class InvalidRequest extends Error {}

const typedMap = (value: unknown, what: string): Record<string, AttributeValue> => {
  if (!isRecord(value)) throw new InvalidRequest(`${what} must be a map of typed values`);
  return toAttributeValueMap(value as Record<string, TypedValue>);
};

const projection = (request: Record<string, unknown>) => {
  const p = isRecord(request.projection) ? (request.projection as ExpressionPart) : undefined;
  if (!p?.expression) return {};
  return {
    ProjectionExpression: p.expression,
    ...(p.expressionNames && Object.keys(p.expressionNames).length > 0 ? { ExpressionAttributeNames: p.expressionNames } : {}),
  };
};

const execute = async (client: DynamoDBClient, table: string, request: Record<string, unknown>): Promise<unknown> => {
  if (request.operation !== 'GetItem') {
    throw new InvalidRequest(
      `Unsupported DynamoDB operation: ${String(request.operation)} (the local server implements ${SUPPORTED_DYNAMODB_OPERATIONS.join(', ')})`,
    );
  }
  const out = await client.send(
    new GetItemCommand({
      TableName: table,
      Key: typedMap(request.key, 'key'),
      ConsistentRead: request.consistentRead === true,
      ...projection(request),
    }),
  );
  return out.Item ? unmarshall(out.Item) : null;
};

export const createDynamoDBDataSource = (options: { tableName: string; client: DynamoDBClient }): DataSource => ({
  invoke: async (request): Promise<DataSourceOutcome> => {
    try {
      if (!isRecord(request)) throw new InvalidRequest('A DynamoDB request must be an object');
      return { result: await execute(options.client, options.tableName, request) };
    } catch (error) {
      if (error instanceof InvalidRequest) return { result: null, error: { type: 'DynamoDB:ValidationException', message: error.message } };
      const name = error instanceof Error ? error.name : 'InternalFailure';
      const message = error instanceof Error ? error.message : String(error);
      return { result: null, error: { type: `DynamoDB:${name}`, message } };
    }
  },
});
