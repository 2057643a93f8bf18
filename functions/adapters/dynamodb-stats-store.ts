/**
 * StatsStore on DynamoDB: the ImageStats table, keyed StatsKey (scope#granularity, or COUNTED#<image id>)
 * and Bucket (the bucket's start).
 *
 * Exactly once: one TransactWriteItems puts a marker per image (only if absent) and adds the images' counts
 * to their counters. Either all of it happens or none, so a redelivered batch finds its markers and adds
 * nothing, and a crash between two writes cannot exist. A marker that already exists cancels the
 * transaction; the cancellation reasons name which, and the rest is committed again without them.
 * Counters are summed per batch before writing: at 1,000 images/s a counter takes a few writes per second,
 * not 1,000 (one partition absorbs 1,000 WCU/s, and transactions on one hot item conflict).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { type DynamoDBDocumentClient, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { TransientError } from '../core/errors';
import { COUNT_NAMES, STATS_TABLE, type StatsBucket, type StatsCounts, type StatsRange, ZERO_COUNTS } from '../core/image-stats';
import type { CountedImage, StatsStore } from '../core/ports';

const STATS_PARTITION_KEY = STATS_TABLE.partitionKey;
const STATS_SORT_KEY = STATS_TABLE.sortKey;
const STATS_TTL_ATTRIBUTE = STATS_TABLE.ttlAttribute;

/** TransactWriteItems' limit on actions per call. */
export const MAX_TRANSACTION_ACTIONS = 100;
/** Longer than any redelivery can come: the stream keeps records 24 h, the local checkpoint replays within that. */
const MARKER_TTL_SECONDS = 7 * 86_400;
/** Two batches adding to one counter at the same instant conflict; each retries after a jittered pause. */
const MAX_CONFLICT_RETRIES = 8;
const CONFLICT_RETRY_BASE_MS = 25;

/** Attribute names of the counts: Total, Cats, ... */
const attributeOf = (name: keyof StatsCounts): string => name.charAt(0).toUpperCase() + name.slice(1);

const unavailable = (error: unknown): TransientError =>
  new TransientError('DependencyUnavailable', 'ImageStats is unavailable, try again', { cause: error });

interface CancellationReason {
  Code?: string;
}

export const counterPartition = (scope: string, granularity: string): string => `${scope}#${granularity}`;

/** What a set of images adds to each counter they touch: one sum per counter. */
export interface CounterSum {
  partition: string;
  bucket: string;
  counts: StatsCounts;
}

export const sumCounters = (images: readonly CountedImage[]): CounterSum[] => {
  const sums = new Map<string, CounterSum>();
  for (const image of images) {
    for (const key of image.counters) {
      const partition = counterPartition(key.scope, key.granularity);
      const id = `${partition}|${key.start}`;
      const sum = sums.get(id) ?? { partition, bucket: key.start, counts: { ...ZERO_COUNTS } };
      for (const name of COUNT_NAMES) sum.counts[name] += image.counts[name];
      sums.set(id, sum);
    }
  }
  return [...sums.values()];
};

/** A counter as it is stored, whole: what read() maps back. For a bulk load (bench/seed-records.ts), not for counting. */
export const counterItem = (sum: CounterSum): Record<string, string | number> => ({
  [STATS_PARTITION_KEY]: sum.partition,
  [STATS_SORT_KEY]: sum.bucket,
  ...Object.fromEntries(COUNT_NAMES.map((name) => [attributeOf(name), sum.counts[name]])),
});
export const markerPartition = (imageId: string): string => `COUNTED#${imageId}`;
const MARKER_BUCKET = '-';

export class DynamoDbStatsStore implements StatsStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async countOnce(images: readonly CountedImage[]): Promise<number> {
    let counted = 0;
    let rest = [...new Map(images.map((i) => [i.id, i])).values()];
    while (rest.length > 0) {
      const chunk = takeChunk(rest);
      rest = rest.slice(chunk.length);
      counted += await this.commit(chunk);
    }
    return counted;
  }

  async read(range: StatsRange): Promise<StatsBucket[]> {
    const buckets: StatsBucket[] = [];
    let startKey: Record<string, unknown> | undefined;
    // 744 buckets of ~100 bytes fit one 1 MB page: this loop runs once; it is a loop only for safety.
    do {
      let out;
      try {
        out = await this.doc.send(
          new QueryCommand({
            TableName: this.tableName,
            KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :first AND :last',
            ExpressionAttributeNames: { '#pk': STATS_PARTITION_KEY, '#sk': STATS_SORT_KEY },
            ExpressionAttributeValues: { ':pk': counterPartition(range.scope, range.granularity), ':first': range.firstStart, ':last': range.lastStart },
            ExclusiveStartKey: startKey,
          }),
        );
      } catch (error) {
        throw unavailable(error);
      }
      for (const item of out.Items ?? []) {
        const bucket = { start: item[STATS_SORT_KEY] as string } as StatsBucket;
        for (const name of COUNT_NAMES) bucket[name] = Number(item[attributeOf(name)] ?? 0);
        buckets.push(bucket);
      }
      startKey = out.LastEvaluatedKey;
    } while (startKey);
    return buckets;
  }

  /** Commits one chunk, dropping images already counted; returns how many it counted. */
  private async commit(initial: CountedImage[]): Promise<number> {
    let chunk = initial;
    for (let conflicts = 0; chunk.length > 0; ) {
      try {
        await this.doc.send(new TransactWriteCommand({ TransactItems: this.transaction(chunk) }));
        return chunk.length;
      } catch (error) {
        const reasons = (error as { name?: string; CancellationReasons?: CancellationReason[] }).CancellationReasons;
        if ((error as Error).name !== 'TransactionCanceledException' || !reasons) throw unavailable(error);
        // The markers come first, one per image, in the chunk's order.
        const already = new Set(chunk.filter((_, i) => reasons[i]?.Code === 'ConditionalCheckFailed').map((c) => c.id));
        if (already.size > 0) {
          chunk = chunk.filter((c) => !already.has(c.id));
          continue;
        }
        if (!reasons.some((r) => r.Code === 'TransactionConflict') || conflicts === MAX_CONFLICT_RETRIES) throw unavailable(error);
        conflicts += 1;
        await sleep(CONFLICT_RETRY_BASE_MS * 2 ** Math.min(conflicts, 5) * (0.5 + Math.random()));
      }
    }
    return 0;
  }

  private transaction(chunk: readonly CountedImage[]) {
    const expiresAt = Math.floor(this.now().getTime() / 1000) + MARKER_TTL_SECONDS;
    const markers = chunk.map((image) => ({
      Put: {
        TableName: this.tableName,
        Item: { [STATS_PARTITION_KEY]: markerPartition(image.id), [STATS_SORT_KEY]: MARKER_BUCKET, [STATS_TTL_ATTRIBUTE]: expiresAt },
        ConditionExpression: 'attribute_not_exists(#pk)',
        ExpressionAttributeNames: { '#pk': STATS_PARTITION_KEY },
      },
    }));
    const counters = sumCounters(chunk).map((sum) => ({
      Update: {
        TableName: this.tableName,
        Key: { [STATS_PARTITION_KEY]: sum.partition, [STATS_SORT_KEY]: sum.bucket },
        // Names as placeholders: TOTAL is one of DynamoDB's reserved words.
        UpdateExpression: `ADD ${COUNT_NAMES.map((name) => `#${name} :${name}`).join(', ')}`,
        ExpressionAttributeNames: Object.fromEntries(COUNT_NAMES.map((name) => [`#${name}`, attributeOf(name)])),
        ExpressionAttributeValues: Object.fromEntries(COUNT_NAMES.map((name) => [`:${name}`, sum.counts[name]])),
      },
    }));
    return [...markers, ...counters];
  }
}

/** The longest prefix whose markers and distinct counters fit one transaction. */
const takeChunk = (images: readonly CountedImage[]): CountedImage[] => {
  const counters = new Set<string>();
  const chunk: CountedImage[] = [];
  for (const image of images) {
    const added = image.counters.map((k) => `${k.scope}#${k.granularity}|${k.start}`).filter((k) => !counters.has(k));
    if (chunk.length + 1 + counters.size + new Set(added).size > MAX_TRANSACTION_ACTIONS) break;
    chunk.push(image);
    for (const k of added) counters.add(k);
  }
  return chunk;
};
