/**
 * Where an export goes. A file is written under a temporary name beside it and renamed over FILE only once
 * every row is written and synced, so FILE is either the previous file or the complete export, never half
 * of one; a failed or interrupted export deletes its temporary file. (A SIGKILL can leave the temporary
 * `.FILE.<pid>.<random>.partial` behind, never a partial FILE.)
 */
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { Writable } from 'node:stream';

export interface Destination {
  stream: Writable;
  /** For messages: the file's path, or "stdout". */
  name: string;
  /** After the stream finished: makes the output final (renames the file into place). */
  commit(): Promise<void>;
  /** After a failure: leaves nothing behind. */
  discard(): Promise<void>;
}

export class OutputError extends Error {
  override name = 'OutputError';
}

/** Resolves once the file is closed (an 'error' event does not end the wait, unlike events.once). */
const closed = (stream: WriteStream): Promise<void> =>
  stream.closed ? Promise.resolve() : new Promise((resolve) => stream.once('close', () => resolve()));

export const fileDestination = async (path: string): Promise<Destination> => {
  const target = resolve(path);
  // Refused before any page is read: renaming over a folder would only fail after the whole export.
  const existing = await stat(target).catch(() => undefined);
  if (existing?.isDirectory()) throw new OutputError(`--out ${path} is a folder; name a file`);
  const temporary = join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.partial`);
  // flush: the file is fsynced before it closes, so the rename publishes bytes that are on disk.
  const stream = createWriteStream(temporary, { flags: 'wx', flush: true });
  try {
    await once(stream, 'open');
  } catch (error) {
    throw new OutputError(`Cannot write ${path}: ${(error as Error).message}`);
  }
  return {
    stream,
    name: target,
    commit: async () => {
      await closed(stream);
      await rename(temporary, target);
    },
    discard: async () => {
      // The stream may still report the error that ended the export; nothing it wrote is wanted any more.
      stream.on('error', () => undefined);
      stream.destroy();
      await closed(stream);
      await rm(temporary, { force: true });
    },
  };
};

export const stdoutDestination = (): Destination => ({
  stream: process.stdout,
  name: 'stdout',
  commit: async () => undefined,
  discard: async () => undefined,
});
