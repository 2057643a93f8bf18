/**
 * The layout of a kept local ImageStats table. Until 2026-11-30 a counter was one item per bucket
 * (`<scope>#DAY` / `<scope>#HOUR`, keyed by the bucket's ISO start, Total, Cats, ... attributes); counters are
 * now packed a month of days or a day of hours per item (functions/adapters/stats-counter-items.ts), under
 * other keys, so the new reader would not see the old counters and would answer zeros for that history.
 *
 * A layout item (LAYOUT / '-', Version) says which layout a table holds. A table without one is migrated
 * at start-up, before anything counts: the old counters are summed into packed items (exactly what they
 * held, history whose records TTL has removed included; DetectionLogs could not rebuild that), then the
 * layout item is written, then the old counters are deleted. A crash before the layout item leaves the old
 * counters whole and the migration runs again, writing the same items; a crash after it leaves old counters
 * that nothing reads. The image markers (COUNTED#<id>) mean the same in both layouts and stay.
 * A table of a layout this version does not know is refused with StatsLayoutError, naming --reset.
 */
import {
  BatchWriteItemCommand,
  type AttributeValue,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  ScanCommand,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { counterItem, sumCounterItems } from '../../functions/adapters/stats-counter-items';
import { COUNT_NAMES, GRANULARITIES, STATS_TABLE, type StatsCounts, type StatsGranularity } from '../../functions/core/image-stats';
import type { CountedImage } from '../../functions/core/ports';
import { writeInBatches } from './batch-write';

export const STATS_LAYOUT_VERSION = 2;
const LAYOUT_KEY = { [STATS_TABLE.partitionKey]: { S: 'LAYOUT' }, [STATS_TABLE.sortKey]: { S: '-' } };

export class StatsLayoutError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StatsLayoutError';
  }
}

/** Version 1's attribute names of the counts: Total, Cats, ... */
const V1_ATTRIBUTE = (name: keyof StatsCounts): string => name.charAt(0).toUpperCase() + name.slice(1);

/** A version-1 counter item as the counts of one bucket, or undefined for anything else (a marker, a packed item). */
const fromV1Counter = (item: Record<string, AttributeValue>): CountedImage | undefined => {
  const key = item[STATS_TABLE.partitionKey]?.S ?? '';
  const start = item[STATS_TABLE.sortKey]?.S ?? '';
  const granularity = GRANULARITIES.find((g) => key.endsWith(`#${g}`));
  if (!granularity || Number.isNaN(Date.parse(start))) return undefined;
  const counts = Object.fromEntries(COUNT_NAMES.map((name) => [name, Number(item[V1_ATTRIBUTE(name)]?.N ?? 0)])) as unknown as StatsCounts;
  return {
    id: `${key}|${start}`,
    counters: [{ scope: key.slice(0, -(granularity.length + 1)), granularity: granularity as StatsGranularity, start }],
    counts,
  };
};

const batchWrite = async (client: DynamoDBClient, tableName: string, requests: WriteRequest[]): Promise<void> => {
  await writeInBatches(
    async (batch) => (await client.send(new BatchWriteItemCommand({ RequestItems: { [tableName]: batch } }))).UnprocessedItems?.[tableName] ?? [],
    requests,
    { onGiveUp: (left) => new StatsLayoutError(`ImageStats migration: ${left} writes stayed unprocessed; run with --reset`) },
  );
};

/** Marks a table as holding the current layout (a table just made, or one just migrated). */
export const markStatsLayout = async (client: DynamoDBClient, tableName: string): Promise<void> => {
  await client.send(new PutItemCommand({ TableName: tableName, Item: { ...LAYOUT_KEY, Version: { N: String(STATS_LAYOUT_VERSION) } } }));
};

/**
 * Brings a kept table to the current layout; resolves to how many version-1 counters it converted (0 when
 * the table already had the current layout).
 */
export const migrateStatsLayout = async (client: DynamoDBClient, tableName: string): Promise<number> => {
  const { Item } = await client.send(new GetItemCommand({ TableName: tableName, Key: LAYOUT_KEY, ConsistentRead: true }));
  const version = Item ? Number(Item.Version?.N) : 1;
  if (version === STATS_LAYOUT_VERSION) return 0;
  if (version !== 1) {
    throw new StatsLayoutError(
      `ImageStats table ${tableName} holds counter layout ${Item?.Version?.N ?? '?'}, which this version does not know; run with --reset`,
    );
  }
  const old: CountedImage[] = [];
  const oldKeys: Array<Record<string, AttributeValue>> = [];
  let startKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await client.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey: startKey, ConsistentRead: true }));
    for (const item of page.Items ?? []) {
      const counter = fromV1Counter(item);
      if (!counter) continue;
      old.push(counter);
      oldKeys.push({ [STATS_TABLE.partitionKey]: item[STATS_TABLE.partitionKey]!, [STATS_TABLE.sortKey]: item[STATS_TABLE.sortKey]! });
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  const packed = sumCounterItems(old).map((sum) => marshall(counterItem(sum)));
  await batchWrite(client, tableName, packed.map((item) => ({ PutRequest: { Item: item } })));
  await markStatsLayout(client, tableName);
  await batchWrite(client, tableName, oldKeys.map((key) => ({ DeleteRequest: { Key: key } })));
  return old.length;
};
