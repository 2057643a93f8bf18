/**
 * DynamoDB data source: executes AppSync's DynamoDB request objects (GetItem, PutItem, UpdateItem,
 * DeleteItem, Query, Scan) through the AWS SDK and hands back what AppSync would: items as plain JSON,
 * `{ items, nextToken, scannedCount }` for Query/Scan, and errors typed `DynamoDB:<ExceptionName>`.
 */
import {
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
  UpdateItemCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
// util-dynamodb comes with @aws-sdk/lib-dynamodb; it is the SDK's own AttributeValue -> JSON conversion.
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { toAttributeValueMap, type TypedValue } from '../../../appsync/runtime/dynamodb';
import { isRecord, type DataSource, type DataSourceOutcome } from './types';

interface ExpressionPart {
  expression?: string;
  expressionNames?: Record<string, string>;
  expressionValues?: Record<string, TypedValue>;
}

class InvalidRequest extends Error {}

const typedMap = (value: unknown, what: string): Record<string, AttributeValue> => {
  if (!isRecord(value)) throw new InvalidRequest(`${what} must be a map of typed values`);
  return toAttributeValueMap(value as Record<string, TypedValue>);
};

/** AppSync gives each expression its own names/values; DynamoDB takes one map of each for the request. */
const mergeExpressions = (parts: (ExpressionPart | undefined)[]) => {
  const names: Record<string, string> = {};
  const values: Record<string, AttributeValue> = {};
  for (const part of parts) {
    if (!part) continue;
    Object.assign(names, part.expressionNames ?? {});
    if (part.expressionValues) Object.assign(values, typedMap(part.expressionValues, 'expressionValues'));
  }
  return {
    ...(Object.keys(names).length > 0 ? { ExpressionAttributeNames: names } : {}),
    ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: values } : {}),
  };
};

const part = (value: unknown): ExpressionPart | undefined => (isRecord(value) ? (value as ExpressionPart) : undefined);

const projection = (request: Record<string, unknown>) => {
  const p = part(request.projection);
  return p?.expression ? { ProjectionExpression: p.expression } : {};
};

const encodeToken = (key: Record<string, AttributeValue> | undefined): string | null =>
  key ? Buffer.from(JSON.stringify(key)).toString('base64url') : null;

const decodeToken = (token: unknown): Record<string, AttributeValue> | undefined => {
  if (token === undefined || token === null) return undefined;
  try {
    const decoded = JSON.parse(Buffer.from(String(token), 'base64url').toString('utf8')) as unknown;
    if (isRecord(decoded)) return decoded as Record<string, AttributeValue>;
  } catch {
    // fall through: an unreadable token is the caller's error
  }
  throw new InvalidRequest('Invalid pagination token given');
};

const item = (value: Record<string, AttributeValue> | undefined): unknown => (value ? unmarshall(value) : null);

const execute = async (client: DynamoDBClient, table: string, request: Record<string, unknown>): Promise<unknown> => {
  const condition = part(request.condition);
  switch (request.operation) {
    case 'GetItem': {
      const out = await client.send(
        new GetItemCommand({
          TableName: table,
          Key: typedMap(request.key, 'key'),
          ConsistentRead: request.consistentRead === true,
          ...projection(request),
          ...mergeExpressions([part(request.projection)]),
        }),
      );
      return item(out.Item);
    }
    case 'PutItem': {
      const attributes = { ...typedMap(request.attributeValues ?? {}, 'attributeValues'), ...typedMap(request.key, 'key') };
      await client.send(
        new PutItemCommand({
          TableName: table,
          Item: attributes,
          ...(condition?.expression ? { ConditionExpression: condition.expression } : {}),
          ...mergeExpressions([condition]),
        }),
      );
      return unmarshall(attributes);
    }
    case 'UpdateItem': {
      const update = part(request.update);
      if (!update?.expression) throw new InvalidRequest('UpdateItem needs update.expression');
      const out = await client.send(
        new UpdateItemCommand({
          TableName: table,
          Key: typedMap(request.key, 'key'),
          UpdateExpression: update.expression,
          ...(condition?.expression ? { ConditionExpression: condition.expression } : {}),
          ...mergeExpressions([update, condition]),
          ReturnValues: 'ALL_NEW',
        }),
      );
      return item(out.Attributes);
    }
    case 'DeleteItem': {
      const out = await client.send(
        new DeleteItemCommand({
          TableName: table,
          Key: typedMap(request.key, 'key'),
          ...(condition?.expression ? { ConditionExpression: condition.expression } : {}),
          ...mergeExpressions([condition]),
          ReturnValues: 'ALL_OLD',
        }),
      );
      return item(out.Attributes);
    }
    case 'Query':
    case 'Scan': {
      const query = part(request.query);
      const filter = part(request.filter);
      const common = {
        TableName: table,
        ...(typeof request.index === 'string' ? { IndexName: request.index } : {}),
        ...(typeof request.limit === 'number' ? { Limit: request.limit } : {}),
        ...(request.consistentRead === true ? { ConsistentRead: true } : {}),
        ...(filter?.expression ? { FilterExpression: filter.expression } : {}),
        ...(typeof request.select === 'string' ? { Select: request.select as 'ALL_ATTRIBUTES' } : {}),
        ...projection(request),
        ExclusiveStartKey: decodeToken(request.nextToken),
      };
      if (request.operation === 'Query') {
        if (!query?.expression) throw new InvalidRequest('Query needs query.expression');
        const out = await client.send(
          new QueryCommand({
            ...common,
            KeyConditionExpression: query.expression,
            ScanIndexForward: request.scanIndexForward !== false,
            ...mergeExpressions([query, filter, part(request.projection)]),
          }),
        );
        return { items: (out.Items ?? []).map(item), nextToken: encodeToken(out.LastEvaluatedKey), scannedCount: out.ScannedCount ?? 0 };
      }
      const out = await client.send(
        new ScanCommand({
          ...common,
          ...(typeof request.segment === 'number' ? { Segment: request.segment } : {}),
          ...(typeof request.totalSegments === 'number' ? { TotalSegments: request.totalSegments } : {}),
          ...mergeExpressions([filter, part(request.projection)]),
        }),
      );
      return { items: (out.Items ?? []).map(item), nextToken: encodeToken(out.LastEvaluatedKey), scannedCount: out.ScannedCount ?? 0 };
    }
    default:
      throw new InvalidRequest(`Unsupported DynamoDB operation: ${String(request.operation)}`);
  }
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
