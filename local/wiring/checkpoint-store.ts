/**
 * Where the stream event source remembers, per shard, the last sequence number it delivered. Written
 * atomically (temp file + rename) after every batch so that a restart resumes right after it: nothing
 * replayed, nothing skipped. Keyed by stream ARN, so a recreated table starts from its own beginning.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

export interface ShardCheckpoint {
  /** Last sequence number handed to the handler successfully (or given up on to the on-failure queue). */
  sequenceNumber?: string;
  /** The shard is closed and fully delivered. */
  finished?: boolean;
}

export interface CheckpointStore {
  get(shardId: string): ShardCheckpoint | undefined;
  set(shardId: string, checkpoint: ShardCheckpoint): Promise<void>;
}

type FileShape = Record<string, Record<string, ShardCheckpoint>>;

export const openCheckpointStore = async (file: string | undefined, streamArn: string): Promise<CheckpointStore> => {
  let all: FileShape = {};
  if (file) {
    try {
      all = JSON.parse(await readFile(file, 'utf8')) as FileShape;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  const shards: Record<string, ShardCheckpoint> = all[streamArn] ?? {};
  all = { [streamArn]: shards };
  let writing = Promise.resolve();
  return {
    get: (shardId) => shards[shardId],
    set: (shardId, checkpoint) => {
      shards[shardId] = checkpoint;
      if (!file) return Promise.resolve();
      const snapshot = JSON.stringify(all);
      // Writes are chained so an older snapshot can never land after a newer one.
      writing = writing.then(async () => {
        await mkdir(dirname(file), { recursive: true });
        await writeFile(`${file}.tmp`, snapshot);
        await rename(`${file}.tmp`, file);
      });
      return writing;
    },
  };
};
