/**
 * The write shards of the list indexes (table-design.ts). An index key with few values (one constant,
 * a status, an animal) puts every image's index writes on one partition, which absorbs about 1,000
 * writes/s. Each index partition key is therefore `<value>#<shard>`, the shard derived from the image id,
 * so N shards spread the same writes over N partitions and a query reads all N (shard-merge.ts).
 * The shard count may grow between deployments, never shrink: an entry written under shard 5 of 8 is
 * still found by a reader of 16 shards, not by one of 4.
 */
import { createHash } from 'node:crypto';
import type { ImageRecord } from './domain';
import { animalToItem, statusToItem } from './record-mapping';
import { LIST_PARTITION_VALUE, UNCERTAIN_PARTITION_VALUE } from './table-design';

/** Enough for 64,000 writes/s per index; a reader's fan-out grows with it, so more buys nothing here. */
export const MAX_INDEX_SHARDS = 64;

/** A stable, uniform shard for an id: the first 32 bits of its SHA-256 (ids are random UUIDs, but tests use any string). */
export const shardOf = (id: string, shards: number): number => createHash('sha256').update(id).digest().readUInt32BE(0) % shards;

export const shardedPartition = (value: string, shard: number): string => `${value}#${shard}`;

export interface IndexKeyValues {
  ListPK: string;
  StatusPK: string;
  AnimalPK?: string;
  UncertainKey?: string;
  OwnerPK?: string;
}

/**
 * The index partition keys of a record in its current state. ByAnimal and ByUncertain are sparse: their
 * keys exist only once an image is classified, and only on uncertain images. The owner never changes, so
 * OwnerPK is written once, with the PENDING record.
 */
export const indexKeys = (
  record: Pick<ImageRecord, 'id' | 'status' | 'detectedAnimal' | 'uncertain' | 'owner'>,
  shards: number,
): IndexKeyValues => {
  const shard = shardOf(record.id, shards);
  const keys: IndexKeyValues = {
    ListPK: shardedPartition(LIST_PARTITION_VALUE, shard),
    StatusPK: shardedPartition(statusToItem(record.status), shard),
  };
  if (record.detectedAnimal) keys.AnimalPK = shardedPartition(animalToItem(record.detectedAnimal), shard);
  if (record.uncertain) keys.UncertainKey = shardedPartition(UNCERTAIN_PARTITION_VALUE, shard);
  if (record.owner) keys.OwnerPK = shardedPartition(record.owner, shard);
  return keys;
};
