/** Creates DetectionLogs in DynamoDB Local exactly as the CDK stack declares it (functions/core/table-design.ts). */
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceNotFoundException,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
  type GlobalSecondaryIndex,
} from '@aws-sdk/client-dynamodb';
import { INDEXES, indexProjection, TABLE_PARTITION_KEY, TTL_ATTRIBUTE } from '../../functions/core/table-design';

export interface TableInfo {
  tableName: string;
  streamArn: string;
}

export const ensureDetectionLogsTable = async (client: DynamoDBClient, tableName: string): Promise<TableInfo> => {
  const existing = await describe(client, tableName);
  if (existing) return existing;

  const indexes = Object.values(INDEXES);
  const attributeNames = new Set<string>([TABLE_PARTITION_KEY, ...indexes.flatMap((i) => [i.partitionKey, i.sortKey])]);
  const globalSecondaryIndexes: GlobalSecondaryIndex[] = indexes.map((index) => ({
    IndexName: index.name,
    KeySchema: [
      { AttributeName: index.partitionKey, KeyType: 'HASH' },
      { AttributeName: index.sortKey, KeyType: 'RANGE' },
    ],
    Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: indexProjection(index).nonKeyAttributes },
  }));
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [...attributeNames].map((name) => ({ AttributeName: name, AttributeType: 'S' })),
      KeySchema: [{ AttributeName: TABLE_PARTITION_KEY, KeyType: 'HASH' }],
      GlobalSecondaryIndexes: globalSecondaryIndexes,
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
    }),
  );
  await waitUntilTableExists({ client, maxWaitTime: 30, minDelay: 1, maxDelay: 1 }, { TableName: tableName });
  await client.send(
    new UpdateTimeToLiveCommand({
      TableName: tableName,
      TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
    }),
  );
  const created = await describe(client, tableName);
  if (!created) throw new Error(`Table ${tableName} vanished right after it was created`);
  return created;
};

const describe = async (client: DynamoDBClient, tableName: string): Promise<TableInfo | undefined> => {
  try {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (!Table?.LatestStreamArn) throw new Error(`Table ${tableName} exists without a stream; run with --reset`);
    return { tableName, streamArn: Table.LatestStreamArn };
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return undefined;
    throw error;
  }
};
