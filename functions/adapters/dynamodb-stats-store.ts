/**
 * StatsStore on DynamoDB: the ImageStats table, keyed StatsKey and Bucket, holding counter items (a month of
 * days or a day of hours each, packed as stats-counter-items.ts describes) and one marker COUNTED#<image id>
 * per counted image.
 *
 * Exactly once: one TransactWriteItems puts a marker per image (only if absent) and adds the images' counts
 * to their counter items. Either all of it happens or none, so a redelivered batch finds its markers and adds
 * nothing, and a crash between two writes cannot exist. A marker that already exists cancels the
 * transaction; the cancellation reasons name which, and the rest is committed again without them.
 * Counters are summed per batch before writing: at 1,000 images/s a counter takes a few writes per second,
 * not 1,000 (one partition absorbs 1,000 WCU/s, and transactions on one hot item conflict).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { QueryCommand, type QueryCommandInput } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { TransientError } from '../core/errors';
import { STATS_TABLE, type StatsRange, type StoredBucket } from '../core/image-stats';
import type { CountedImage, StatsStore } from '../core/ports';
import { bucketsOfItem, counterItemIds, counterPartition, itemKeyRange, sumCounterItems } from './stats-counter-items';

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

const unavailable = (error: unknown): TransientError =>
  new TransientError('DependencyUnavailable', 'ImageStats is unavailable, try again', { cause: error });

interface CancellationReason {
  Code?: string;
}

/**
 * The one Query that reads a range's counter items (also the bench's floor). Raw AttributeValues, not the
 * document client's: a packed counter exceeds a JS number, and decoding the digits directly spares a
 * conversion per attribute.
 */
export const counterQuery = (tableName: string, range: StatsRange): QueryCommandInput => {
  const { first, last } = itemKeyRange(range);
  return {
    TableName: tableName,
    KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :first AND :last',
    ExpressionAttributeNames: { '#pk': STATS_PARTITION_KEY, '#sk': STATS_SORT_KEY },
    ExpressionAttributeValues: { ':pk': { S: counterPartition(range.scope, range.granularity) }, ':first': { S: first }, ':last': { S: last } },
  };
};

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

  async read(range: StatsRange): Promise<StoredBucket[]> {
    const buckets: StoredBucket[] = [];
    let startKey: QueryCommandInput['ExclusiveStartKey'];
    // 25 items of at most ~1.3 KB fit one 1 MB page: this loop runs once; it is a loop only for safety.
    do {
      let out;
      try {
        // The document client sends a plain client command as is (its translation is per command).
        out = await this.doc.send(new QueryCommand({ ...counterQuery(this.tableName, range), ExclusiveStartKey: startKey }));
      } catch (error) {
        throw unavailable(error);
      }
      for (const item of out.Items ?? []) bucketsOfItem(item, range.granularity, buckets);
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
    const counters = sumCounterItems(chunk).map(({ partition, item, adds }) => {
      const names = Object.keys(adds);
      return {
        Update: {
          TableName: this.tableName,
          Key: { [STATS_PARTITION_KEY]: partition, [STATS_SORT_KEY]: item },
          // The names (a5, b17, ...) are no reserved words; the values are BigInt, beyond a JS number.
          UpdateExpression: `ADD ${names.map((name, i) => `${name} :v${i}`).join(', ')}`,
          ExpressionAttributeValues: Object.fromEntries(names.map((name, i) => [`:v${i}`, adds[name]])),
        },
      };
    });
    return [...markers, ...counters];
  }
}

/** The longest prefix whose markers and distinct counter items fit one transaction. */
const takeChunk = (images: readonly CountedImage[]): CountedImage[] => {
  const items = new Set<string>();
  const chunk: CountedImage[] = [];
  for (const image of images) {
    const added = new Set(counterItemIds(image.counters).filter((id) => !items.has(id)));
    if (chunk.length + 1 + items.size + added.size > MAX_TRANSACTION_ACTIONS) break;
    chunk.push(image);
    for (const id of added) items.add(id);
  }
  return chunk;
};
