/**
 * A synthetic load of 1,000 images/s fed to the real key design: random image ids through
 * functions/core/index-keys.ts (via the GSI write rules of infra/cost/model.ts), and the final statuses
 * through the real ImageStats adapter in stream batches. Every write lands on a partition key; no key
 * may take more than a partition's 1,000 WCU in any second. The same load on one partition fails.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDbStatsStore } from '../../../functions/adapters/dynamodb-stats-store';
import { fullCounterItem } from '../../../functions/adapters/stats-counter-items';
import { PUBLIC_OWNER } from '../../../functions/core/caller-scope';
import { ALL_SCOPE } from '../../../functions/core/image-stats';
import { shardOf } from '../../../functions/core/index-keys';
import { countFinalStatuses } from '../../../functions/core/use-cases/image-stats';
import { indexLoadPerImage, imageIndexWrites, lifecycleRecords, OUTCOME_MIX, type ImageOutcome } from '../../../infra/capacity/partition-load';
import { statsCounterLoad } from '../../../infra/capacity/model';
import { stageConfig } from '../../../infra/config';
import { bucketCounts, DEFAULT_USAGE, DESIGNED_INDEXES, itemBytes, writeUnits } from '../../../infra/cost/model';
import { LOCAL_INDEX_SHARDS } from '../../../local/common/naming';

const RATE = 1000;
const SECONDS = 6;
/** Seconds in which every phase of an image's life is under way (the first ones only see uploads start). */
const STEADY = [2, 3, 4, 5];
/** When an image's writes happen after its upload starts: PENDING, PROCESSING (queue wait), final (DetectLabels). */
const PHASE_OFFSETS = [0, 0.4, 1.4];
const PARTITION_WCU = 1000;

const INDEX_FACTS = DESIGNED_INDEXES;

/** mulberry32: a seeded generator, so a run is reproducible and a failure can be replayed. */
const seeded = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

interface SyntheticImage {
  id: string;
  owner: string;
  outcome: ImageOutcome;
  startsAt: number;
}

/**
 * RATE images a second for SECONDS: random v4-shaped ids, the outcome mix of partition-load.ts, and owners
 * as a busy app has them: 60% from one bulk account (the hottest owner), the rest from 2,000 users.
 */
const syntheticLoad = (seed = 14): SyntheticImage[] => {
  const random = seeded(seed);
  const hex = (n: number) => Array.from({ length: n }, () => Math.floor(random() * 16).toString(16)).join('');
  const pick = (): ImageOutcome => {
    let r = random();
    for (const { outcome, share } of OUTCOME_MIX) if ((r -= share) < 0) return outcome;
    return OUTCOME_MIX[OUTCOME_MIX.length - 1]?.outcome as ImageOutcome;
  };
  return Array.from({ length: RATE * SECONDS }, (_, i) => ({
    id: `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`,
    owner: random() < 0.6 ? 'bulk-uploader' : `user-${Math.floor(random() * 2000)}`,
    outcome: pick(),
    startsAt: i / RATE,
  }));
};

/** Write units per partition key per second: second -> "Index:partition" -> WCU. */
type Load = Map<number, Map<string, number>>;

const addLoad = (load: Load, at: number, partition: string, units: number) => {
  const second = Math.floor(at);
  const perKey = load.get(second) ?? new Map<string, number>();
  perKey.set(partition, (perKey.get(partition) ?? 0) + units);
  load.set(second, perKey);
};

const busiest = (load: Load): { partition: string; wcu: number; second: number } => {
  let top = { partition: '', wcu: 0, second: -1 };
  for (const second of STEADY) {
    for (const [partition, wcu] of load.get(second) ?? []) if (wcu > top.wcu) top = { partition, wcu, second };
  }
  return top;
};

const simulated = new Map<string, Load>();
const indexLoad = (images: SyntheticImage[], shards: number): Load => {
  // Loads differ by their images (seed, owners) and the shard count.
  const key = `${images[0]?.id}:${images.map((i) => i.owner).join()}:${shards}`;
  const cached = simulated.get(key);
  if (cached) return cached;
  const load: Load = new Map();
  simulated.set(key, load);
  for (const image of images) {
    imageIndexWrites(image.id, image.owner, image.outcome, shards, INDEX_FACTS).forEach((phase, i) => {
      for (const write of phase) addLoad(load, image.startsAt + (PHASE_OFFSETS[i] as number), `${write.index}:${write.partition}`, write.units);
    });
  }
  return load;
};

describe('index partitions under 1,000 images/s', () => {
  const images = syntheticLoad();

  it.each([
    ['prod', stageConfig({ stage: 'prod' }).indexShards],
    ['staging', stageConfig({ stage: 'staging' }).indexShards],
  ])('%s (%i write shards) keeps every index partition under 1,000 WCU/s', (_stage, shards) => {
    const top = busiest(indexLoad(images, shards));
    expect(top.wcu).toBeGreaterThan(0);
    expect(top.wcu).toBeLessThan(PARTITION_WCU);
  });

  it('one partition per key (shards = 1) fails the same load', () => {
    const top = busiest(indexLoad(images, 1));
    expect(top.wcu).toBeGreaterThan(PARTITION_WCU);
  });
});

describe("the owner's twins under 1,000 images/s, every image the public owner's", () => {
  // The API key's public tenant uploading everything: its twins take what the analysts' indexes take.
  const images = syntheticLoad(12).map((image) => ({ ...image, owner: PUBLIC_OWNER }));
  const shards = stageConfig({ stage: 'prod' }).indexShards;
  const busiestOf = (load: Load, index: string) => {
    let top = 0;
    for (const second of STEADY) for (const [partition, wcu] of load.get(second) ?? []) if (partition.startsWith(`${index}:`)) top = Math.max(top, wcu);
    return top;
  };

  it.each([
    ['ByOwnerStatus', 'ByStatus'],
    ['ByOwnerAnimal', 'ByAnimal'],
    ['ByOwnerUncertain', 'ByUncertain'],
  ])("keeps %s's busiest partition under 1,000 WCU/s with prod's shards, exactly as hot as %s", (twin, global) => {
    const load = indexLoad(images, shards);
    expect(busiestOf(load, twin)).toBeGreaterThan(0);
    expect(busiestOf(load, twin)).toBeLessThan(PARTITION_WCU);
    expect(busiestOf(load, twin)).toBeCloseTo(busiestOf(load, global), 6);
    expect(busiestOf(load, 'ByOwner')).toBeLessThan(PARTITION_WCU);
  });

  it('would overload ByOwnerStatus with one partition per key', () => {
    expect(busiestOf(indexLoad(images, 1), 'ByOwnerStatus')).toBeGreaterThan(PARTITION_WCU);
  });
});

describe('the capacity model against the simulation', () => {
  const images = syntheticLoad();

  it.each([1, 2, LOCAL_INDEX_SHARDS, 8])('predicts ByCreatedAt\'s busiest partition with %i shard(s) within 12%%', (shards) => {
    const load = indexLoad(images, shards);
    const perPartition = new Map<string, number>();
    for (const second of STEADY) {
      for (const [partition, wcu] of load.get(second) ?? []) {
        if (partition.startsWith('ByCreatedAt:')) perPartition.set(partition, (perPartition.get(partition) ?? 0) + wcu / STEADY.length);
      }
    }
    const simulated = Math.max(...perPartition.values());
    const model = indexLoadPerImage(INDEX_FACTS, shards).find((l) => l.index === 'ByCreatedAt')?.unitsPerImage as number;
    expect(perPartition.size).toBe(shards);
    expect(simulated / ((RATE * model) / shards)).toBeGreaterThan(0.95);
    expect(simulated / ((RATE * model) / shards)).toBeLessThan(1.12);
  });
});

/**
 * Final statuses reach the stream-publisher in batches: each concurrent lane (a stream shard's
 * parallelization slot) closes a batch at batchSize records or when its window has passed since the first.
 */
const streamBatches = (images: SyntheticImage[], lanes: number, batchSize: number, windowSeconds: number) => {
  const finals = images.map((image) => ({ image, at: image.startsAt + (PHASE_OFFSETS[2] as number) })).sort((a, b) => a.at - b.at);
  const open = new Map<number, { startedAt: number; images: SyntheticImage[] }>();
  const batches: Array<{ at: number; images: SyntheticImage[] }> = [];
  for (const { image, at } of finals) {
    const lane = shardOf(image.id, lanes);
    const current = open.get(lane);
    if (current && at - current.startedAt >= windowSeconds) {
      batches.push({ at: current.startedAt + windowSeconds, images: current.images });
      open.delete(lane);
    }
    const batch = open.get(lane) ?? { startedAt: at, images: [] };
    batch.images.push(image);
    open.set(lane, batch);
    if (batch.images.length === batchSize) {
      batches.push({ at, images: batch.images });
      open.delete(lane);
    }
  }
  return batches;
};

interface TransactionAction {
  Put?: { Item: Record<string, unknown> };
  Update?: { Key: Record<string, unknown>; UpdateExpression: string; ExpressionAttributeValues: Record<string, unknown> };
}

/** The real ImageStats adapter over a document client that records each transaction instead of sending it. */
const countedLoad = async (images: SyntheticImage[], lanes: number, batchSize: number, windowSeconds: number): Promise<{ load: Load; transactions: number }> => {
  const load: Load = new Map();
  let now = 0;
  let transactions = 0;
  // The counter items as they grow: an update costs by the larger of the item before and after it, 2 WCU per KB
  // in a transaction. The load's images are created on 2026-11-30, so ALL's items start as full as they get:
  // a month of days and a day of hours at this rate.
  const full = (granularity: 'DAY' | 'HOUR', key: string, perBucket: number) => ({
    ...fullCounterItem(ALL_SCOPE, granularity, bucketCounts(perBucket, DEFAULT_USAGE.uncertainRate)),
    Bucket: key,
  });
  const items = new Map<string, Record<string, unknown>>([
    ['ALL#D|2026-11', full('DAY', '2026-11', RATE * 86_400)],
    ['ALL#H|2026-11-30', full('HOUR', '2026-11-30', RATE * 3_600)],
  ]);
  const recording = {
    send: async (command: { input: { TransactItems?: TransactionAction[] } }) => {
      transactions += 1;
      for (const { Put, Update } of command.input.TransactItems ?? []) {
        if (Put) {
          addLoad(load, now, `ImageStats:${String(Put.Item.StatsKey)}`, 2 * writeUnits(itemBytes(Put.Item)));
          continue;
        }
        if (!Update) continue;
        const id = `${String(Update.Key.StatsKey)}|${String(Update.Key.Bucket)}`;
        const before = items.get(id) ?? { ...Update.Key };
        const after: Record<string, unknown> = { ...before };
        for (const [, name, value] of Update.UpdateExpression.matchAll(/(\w+) (:\w+)/g)) {
          after[name as string] = ((after[name as string] as bigint | undefined) ?? 0n) + (Update.ExpressionAttributeValues[value as string] as bigint);
        }
        items.set(id, after);
        addLoad(load, now, `ImageStats:${String(Update.Key.StatsKey)}`, 2 * writeUnits(Math.max(itemBytes(before), itemBytes(after))));
      }
      return {};
    },
  } as unknown as DynamoDBDocumentClient;
  const stats = new DynamoDbStatsStore(recording, 'image-stats');
  for (const batch of streamBatches(images, lanes, batchSize, windowSeconds)) {
    now = batch.at;
    const changes = batch.images.map((image) => {
      const [, processing, final] = lifecycleRecords(image.id, image.owner, image.outcome, '2026-11-30T10:15:00.000Z');
      return { oldRecord: processing, newRecord: final };
    });
    await countFinalStatuses({ stats }, changes);
  }
  return { load, transactions };
};

describe('imageStats counters under 1,000 images/s', () => {
  const images = syntheticLoad();
  const prod = stageConfig({ stage: 'prod' });
  // Every lane the publisher's reservation allows: the most batches, hence the most counter transactions.
  const lanes = prod.functions['stream-publisher'].reservedConcurrency;

  it('keeps the hottest counter item (ALL\'s month of days, full) under 1,000 WCU/s with prod\'s stream batching, as the model says', async () => {
    const { load } = await countedLoad(images, lanes, prod.stream.batchSize, prod.stream.maxBatchingWindowSeconds);
    const top = busiest(load);
    expect(top.partition).toMatch(/^ImageStats:(ALL|OWNER#bulk-uploader)#(H|D)$/);
    expect(top.wcu).toBeLessThan(PARTITION_WCU);
    const model = statsCounterLoad(RATE, lanes, prod.stream.batchSize, prod.stream.maxBatchingWindowSeconds).wcuPerSecond;
    // The model assumes every image has another owner (more actions, more transactions): an upper bound.
    expect(top.wcu).toBeLessThanOrEqual(model * 1.1);
  });

  it('would exceed a partition if each image were counted in its own transaction (a batch of one)', async () => {
    const { load } = await countedLoad(images, lanes, 1, prod.stream.maxBatchingWindowSeconds);
    expect(busiest(load).wcu).toBeGreaterThan(PARTITION_WCU);
  });
});
