/**
 * Creates DetectionLogs and ImageStats in DynamoDB Local exactly as the CDK stack declares them
 * (functions/core/table-design.ts, image-stats.ts), and brings a table kept from an earlier version to the
 * design's indexes (see alignIndexes).
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
import { markStatsLayout, migrateStatsLayout } from './image-stats-layout';
import { INDEX_PROJECTION, INDEXES, partitionKeyAttributes, TABLE_PARTITION_KEY, TTL_ATTRIBUTE, type IndexDesign } from '../../functions/core/table-design';

export interface TableInfo {
  tableName: string;
  streamArn: string;
}

export const ensureDetectionLogsTable = async (client: DynamoDBClient, tableName: string): Promise<TableInfo> => {
  const existing = await describe(client, tableName);
  if (existing) {
    await alignIndexes(client, tableName, existing.indexes);
    return { tableName, streamArn: existing.streamArn };
  }

  const indexes = Object.values(INDEXES);
  const attributeNames = new Set<string>([TABLE_PARTITION_KEY, ...indexes.flatMap(keyAttributes)]);
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

/** An index's key attributes in key-schema order (a twin's partition key is two of them: table-design.ts). */
const keyAttributes = (index: IndexDesign): string[] => [...partitionKeyAttributes(index), index.sortKey];

const globalSecondaryIndex = (index: IndexDesign): GlobalSecondaryIndex => ({
  IndexName: index.name,
  KeySchema: [
    ...partitionKeyAttributes(index).map((name) => ({ AttributeName: name, KeyType: 'HASH' as const })),
    { AttributeName: index.sortKey, KeyType: 'RANGE' },
  ],
  Projection: { ProjectionType: INDEX_PROJECTION },
});

/** How long a new index on a kept local table may take to backfill before start-up gives up. */
const INDEX_BACKFILL_TIMEOUT_MS = 120_000;

interface KeptIndex {
  name: string;
  /** The key attributes in key-schema order, `/`-separated: `<partition key(s)>/<sort key>` */
  keys: string;
  projection?: string;
}

/**
 * A table kept from an earlier version may lack indexes added since (ByOwner, then the owner's three twins), or
 * hold one with another projection (INCLUDE, before the indexes held whole items). DynamoDB cannot change a
 * projection in place and takes one index creation or deletion per UpdateTable, so such an index is deleted,
 * then created anew and backfilled from the items before the next, as the deployments in docs/deploy.md do in AWS.
 */
const alignIndexes = async (client: DynamoDBClient, tableName: string, kept: readonly KeptIndex[]): Promise<void> => {
  for (const index of Object.values(INDEXES)) {
    const present = kept.find((i) => i.name === index.name);
    if (present?.projection === INDEX_PROJECTION) continue;
    if (present) {
      await client.send(new UpdateTableCommand({ TableName: tableName, GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: index.name } }] }));
      await waitForIndex(client, tableName, index.name, undefined);
    }
    await client.send(
      new UpdateTableCommand({
        TableName: tableName,
        AttributeDefinitions: keyAttributes(index).map((name) => ({ AttributeName: name, AttributeType: 'S' })),
        GlobalSecondaryIndexUpdates: [{ Create: globalSecondaryIndex(index) }],
      }),
    );
    await waitForIndex(client, tableName, index.name, 'ACTIVE');
  }
};

/** Until the index has this status (undefined: gone) and the table takes the next update. */
const waitForIndex = async (client: DynamoDBClient, tableName: string, indexName: string, wanted: 'ACTIVE' | undefined): Promise<void> => {
  const deadline = Date.now() + INDEX_BACKFILL_TIMEOUT_MS;
  for (;;) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    const status = Table?.GlobalSecondaryIndexes?.find((g) => g.IndexName === indexName)?.IndexStatus;
    if (status === wanted && Table?.TableStatus === 'ACTIVE') return;
    if (Date.now() > deadline) throw new Error(`Index ${indexName} of ${tableName} is still ${status ?? 'missing'}; run with --reset`);
    await sleep(200);
  }
};

const describe = async (client: DynamoDBClient, tableName: string): Promise<{ streamArn: string; indexes: KeptIndex[] } | undefined> => {
  try {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (!Table?.LatestStreamArn) throw new Error(`Table ${tableName} exists without a stream; run with --reset`);
    const indexes = (Table.GlobalSecondaryIndexes ?? []).map(
      (g): KeptIndex => ({
        name: g.IndexName ?? '',
        keys: (g.KeySchema ?? []).map((k) => k.AttributeName).join('/'),
        ...(g.Projection?.ProjectionType ? { projection: g.Projection.ProjectionType } : {}),
      }),
    );
    // An index kept from an older version with other keys (before the write shards) cannot be altered in place.
    for (const index of Object.values(INDEXES)) {
      const kept = indexes.find((i) => i.name === index.name);
      const designed = keyAttributes(index).join('/');
      if (kept && kept.keys !== designed) {
        throw new Error(`Table ${tableName}: index ${index.name} is keyed ${kept.keys}, not ${designed}; run with --reset`);
      }
    }
    return { streamArn: Table.LatestStreamArn, indexes };
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return undefined;
    throw error;
  }
};

/** Creates ImageStats in DynamoDB Local as the CDK stack declares it (infra/constructs/detection-logs.ts), once. */
export const ensureImageStatsTable = async (client: DynamoDBClient, tableName: string): Promise<void> => {
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
    await createImageStatsTable(client, tableName);
    return;
  }
  // A kept table may hold counters of an older layout: migrated before anything counts or reads.
  await migrateStatsLayout(client, tableName);
};

const createImageStatsTable = async (client: DynamoDBClient, tableName: string): Promise<void> => {
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
  await markStatsLayout(client, tableName);
};
