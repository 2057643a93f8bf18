/**
 * Where an image's DetectionLogs writes land: the index partitions its three writes touch (PENDING put,
 * PROCESSING update, final update), computed from the real key design (functions/core/index-keys.ts) and
 * the GSI write rules the cost model prices (indexWrites). The capacity model turns them into each index's
 * busiest partition; the simulation test feeds them 1,000 images/s of random ids.
 */
import type { Animal, ImageRecord } from '../../functions/core/domain';
import { asItem, indexWrites, sampleImageRecords, type IndexFact, type IndexWrite, type Item } from '../cost/model';

export type ImageOutcome = { kind: 'completed'; animal: Animal; uncertain: boolean } | { kind: 'failed' };

/**
 * The outcome mix of a pet photo app, stated: a third each cats and dogs, a quarter other, 5% failed
 * (unreadable or refused uploads, the sweeper's timeouts); 10% of completed images uncertain (the cost
 * model's rate).
 */
export const OUTCOME_MIX: ReadonlyArray<{ outcome: ImageOutcome; share: number }> = (() => {
  const completed = 0.95;
  const animals: Array<[Animal, number]> = [['CAT', 0.37], ['DOG', 0.37], ['OTHER', 0.26]];
  return [
    ...animals.flatMap(([animal, share]) => [
      { outcome: { kind: 'completed', animal, uncertain: false } as const, share: completed * share * 0.9 },
      { outcome: { kind: 'completed', animal, uncertain: true } as const, share: completed * share * 0.1 },
    ]),
    { outcome: { kind: 'failed' } as const, share: 0.05 },
  ];
})();

/** The three records of an image's life (PENDING, PROCESSING, final) with this id, owner, outcome and creation time. */
let samples: ReturnType<typeof sampleImageRecords> | undefined;

export const lifecycleRecords = (id: string, owner: string, outcome: ImageOutcome, createdAt?: string): [ImageRecord, ImageRecord, ImageRecord] => {
  // Built once: the sample applies the classification policy to a 20-label answer.
  const sample = (samples ??= sampleImageRecords());
  const at = createdAt ? { createdAt, updatedAt: createdAt } : {};
  const pending: ImageRecord = { ...sample.pending, ...at, id, owner };
  const processing: ImageRecord = { ...sample.processing, ...at, id, owner };
  const final: ImageRecord =
    outcome.kind === 'failed'
      ? { ...processing, status: 'FAILED', failureReason: 'InvalidImage: the bytes are not a JPEG, PNG, HEIC or WebP image' }
      : { ...sample.completed(outcome.uncertain), ...at, id, owner, detectedAnimal: outcome.animal };
  return [pending, processing, final];
};

/** The three items an image is written as, keyed for `shards` write shards. */
export const lifecycleItems = (id: string, owner: string, outcome: ImageOutcome, shards: number): [Item, Item, Item] => {
  const [pending, processing, final] = lifecycleRecords(id, owner, outcome);
  return [asItem(pending, shards), asItem(processing, shards), asItem(final, shards)];
};

/** The index writes of each of an image's three writes: the PENDING put, the PROCESSING update, the final update. */
export const imageIndexWrites = (id: string, owner: string, outcome: ImageOutcome, shards: number, indexes: IndexFact[]): [IndexWrite[], IndexWrite[], IndexWrite[]] => {
  const [pending, processing, final] = lifecycleItems(id, owner, outcome, shards);
  return [indexWrites(undefined, pending, indexes), indexWrites(pending, processing, indexes), indexWrites(processing, final, indexes)];
};

/** A partition key value without its write shard: "completed#3" -> "completed". */
const logicalValue = (partition: string): string => partition.replace(/#\d+$/, '');

export interface PartitionLoad {
  index: string;
  /** The key value before its shard ("IMAGE", "pending", "cat", an owner). */
  value: string;
  /** Write units per image, over the outcome mix, on all of this value's partitions together. */
  unitsPerImage: number;
}

/**
 * Write units per image on each index key value, over OUTCOME_MIX, when one owner uploads everything (the
 * worst case for ByOwner: the public tenant, or one heavy account). Each value's load spreads over
 * `shards` partitions by the image id's hash, so one partition takes unitsPerImage / shards per image.
 */
export const indexLoadPerImage = (indexes: IndexFact[], shards: number): PartitionLoad[] => {
  const loads = new Map<string, PartitionLoad>();
  for (const { outcome, share } of OUTCOME_MIX) {
    for (const write of imageIndexWrites('3f8e2a4c-9b1d-4e7a-8c6f-2d5b7e9a1c3f', 'one-owner', outcome, shards, indexes).flat()) {
      const value = logicalValue(write.partition);
      const key = `${write.index}:${value}`;
      const load = loads.get(key) ?? { index: write.index, value, unitsPerImage: 0 };
      load.unitsPerImage += share * write.units;
      loads.set(key, load);
    }
  }
  return [...loads.values()].sort((a, b) => b.unitsPerImage - a.unitsPerImage);
};
