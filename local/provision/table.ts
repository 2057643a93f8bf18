/**
 * Creates DetectionLogs and ImageStats in DynamoDB Local exactly as the CDK stack declares them
 * (functions/core/table-design.ts, image-stats.ts), and adds an index the design gained since the table was
 * made, as a CDK deployment would.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceNotFoundException,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
  type GlobalSecondaryIndex,
} from '@aws-sdk/client-dynamodb';
import { STATS_TABLE } from '../../functions/core/image-stats';
import { INDEXES, indexProjection, TABLE_PARTITION_KEY, TTL_ATTRIBUTE, type IndexDesign } from '../../functions/core/table-design';

export interface TableInfo {
  tableName: string;
  streamArn: string;
}

export const ensureDetectionLogsTable = async (client: DynamoDBClient, tableName: string): Promise<TableInfo> => {
  const existing = await describe(client, tableName);
  if (existing) {
    await addMissingIndexes(client, tableName, existing.indexNames);
    return { tableName, streamArn: existing.streamArn };
  }

  const indexes = Object.values(INDEXES);
  const attributeNames = new Set<string>([TABLE_PARTITION_KEY, ...indexes.flatMap((i) => [i.partitionKey, i.sortKey])]);
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [...attributeNames].map((name) => ({ AttributeName: name, AttributeType: 'S' })),
      KeySchema: [{ AttributeName: TABLE_PARTITION_KEY, KeyType: 'HASH' }],
      GlobalSecondaryIndexes: indexes.map(globalSecondaryIndex),
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
  return { tableName, streamArn: created.streamArn };
};

const globalSecondaryIndex = (index: IndexDesign): GlobalSecondaryIndex => ({
  IndexName: index.name,
  KeySchema: [
    { AttributeName: index.partitionKey, KeyType: 'HASH' },
    { AttributeName: index.sortKey, KeyType: 'RANGE' },
  ],
  Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: indexProjection(index).nonKeyAttributes },
});

/** How long a new index on a kept local table may take to backfill before start-up gives up. */
const INDEX_BACKFILL_TIMEOUT_MS = 120_000;

/**
 * A table kept from an earlier version lacks the indexes added since (ByOwner). DynamoDB takes one new index
 * per UpdateTable and backfills it before the next, like a CDK deployment does.
 */
const addMissingIndexes = async (client: DynamoDBClient, tableName: string, present: readonly string[]): Promise<void> => {
  for (const index of Object.values(INDEXES).filter((i) => !present.includes(i.name))) {
    await client.send(
      new UpdateTableCommand({
        TableName: tableName,
        AttributeDefinitions: [
          { AttributeName: index.partitionKey, AttributeType: 'S' },
          { AttributeName: index.sortKey, AttributeType: 'S' },
        ],
        GlobalSecondaryIndexUpdates: [{ Create: globalSecondaryIndex(index) }],
      }),
    );
    const deadline = Date.now() + INDEX_BACKFILL_TIMEOUT_MS;
    for (;;) {
      const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
      const status = Table?.GlobalSecondaryIndexes?.find((g) => g.IndexName === index.name)?.IndexStatus;
      if (status === 'ACTIVE') break;
      if (Date.now() > deadline) throw new Error(`Index ${index.name} of ${tableName} is still ${status ?? 'missing'}; run with --reset`);
      await sleep(200);
    }
  }
};

const describe = async (client: DynamoDBClient, tableName: string): Promise<{ streamArn: string; indexNames: string[] } | undefined> => {
  try {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (!Table?.LatestStreamArn) throw new Error(`Table ${tableName} exists without a stream; run with --reset`);
    const indexes = (Table.GlobalSecondaryIndexes ?? []).map((g) => ({
      name: g.IndexName ?? '',
      keys: (g.KeySchema ?? []).map((k) => k.AttributeName).join('/'),
    }));
    // An index kept from an older version with other keys (before the write shards) cannot be altered in place.
    for (const index of Object.values(INDEXES)) {
      const kept = indexes.find((i) => i.name === index.name);
      if (kept && kept.keys !== `${index.partitionKey}/${index.sortKey}`) {
        throw new Error(`Table ${tableName}: index ${index.name} is keyed ${kept.keys}, not ${index.partitionKey}/${index.sortKey}; run with --reset`);
      }
    }
    return { streamArn: Table.LatestStreamArn, indexNames: indexes.map((i) => i.name) };
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return undefined;
    throw error;
  }
};

/** Creates ImageStats in DynamoDB Local as the CDK stack declares it (infra/constructs/detection-logs.ts), once. */
export const ensureImageStatsTable = async (client: DynamoDBClient, tableName: string): Promise<void> => {
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
    return;
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
  }
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: STATS_TABLE.partitionKey, AttributeType: 'S' },
        { AttributeName: STATS_TABLE.sortKey, AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: STATS_TABLE.partitionKey, KeyType: 'HASH' },
        { AttributeName: STATS_TABLE.sortKey, KeyType: 'RANGE' },
      ],
    }),
  );
  await waitUntilTableExists({ client, maxWaitTime: 30, minDelay: 1, maxDelay: 1 }, { TableName: tableName });
  await client.send(
    new UpdateTimeToLiveCommand({ TableName: tableName, TimeToLiveSpecification: { AttributeName: STATS_TABLE.ttlAttribute, Enabled: true } }),
  );
};
