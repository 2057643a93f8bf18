/**
 * Where the stream event source remembers, per shard, the last sequence number it delivered. Written
 * atomically after every batch (temp file, fsync, rename, fsync of the folder), so a crash leaves either the
 * old or the new file, never half of one.
 *
 * A restart resumes right after the last checkpoint. A kill between a publish and its checkpoint replays
 * that batch: the publisher tolerates it (subscribers re-read image(id); an uncertain image's SNS alert is
 * claimed once per record, see functions/core/use-cases/publish-classified.ts).
 *
 * A checkpoint file that cannot be read (corrupt, truncated by a full disk) does not stop the stack and
 * does not cost the data: it is set aside as `<file>.corrupt-<time>` and every shard starts again from
 * its trim horizon, which replays what the stream still holds, harmlessly for the same reason.
 */
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';

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

const FileSchema = z.record(
  z.string(),
  z.record(z.string(), z.object({ sequenceNumber: z.string().optional(), finished: z.boolean().optional() })),
);
type FileShape = z.infer<typeof FileSchema>;

const readCheckpoints = async (file: string, onCorrupt: (message: string) => void): Promise<FileShape> => {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
  try {
    return FileSchema.parse(JSON.parse(text));
  } catch (error) {
    const aside = `${file}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    await rename(file, aside);
    onCorrupt(
      `stream checkpoints in ${file} are unreadable (${(error as Error).message.split('\n')[0]}); kept as ${aside}. ` +
        'Every shard resumes from its trim horizon: records still in the stream are delivered again, which the publisher tolerates.',
    );
    return {};
  }
};

/** Writes, then flushes to disk, before the rename makes the new file the current one. */
const writeDurably = async (file: string, text: string): Promise<void> => {
  await mkdir(dirname(file), { recursive: true });
  const temp = `${file}.tmp`;
  const handle = await open(temp, 'w');
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temp, file);
  // The rename itself lives in the folder: flush it too, or a crash may bring back the old name.
  const folder = await open(dirname(file), 'r');
  try {
    await folder.sync();
  } finally {
    await folder.close();
  }
};

export const openCheckpointStore = async (
  file: string | undefined,
  streamArn: string,
  onCorrupt: (message: string) => void = () => undefined,
): Promise<CheckpointStore> => {
  const all: FileShape = file ? await readCheckpoints(file, onCorrupt) : {};
  const shards: Record<string, ShardCheckpoint> = all[streamArn] ?? {};
  const current = { [streamArn]: shards };
  let writing = Promise.resolve();
  return {
    get: (shardId) => shards[shardId],
    set: (shardId, checkpoint) => {
      shards[shardId] = checkpoint;
      if (!file) return Promise.resolve();
      const snapshot = JSON.stringify(current);
      // Writes are chained so an older snapshot can never land after a newer one.
      writing = writing.catch(() => undefined).then(() => writeDurably(file, snapshot));
      return writing;
    },
  };
};
