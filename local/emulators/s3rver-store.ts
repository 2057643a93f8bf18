/**
 * s3rver 3.7.1's FilesystemStore, without its races between concurrent requests on one folder.
 *
 * The stock store removes a key's folder (`input/`) as soon as a DeleteObject leaves it empty. A POST
 * into that folder at the same moment then writes into a folder that is gone: S3 `InternalError` (500),
 * and the write stream's unheard ENOENT ends the whole emulator process. Two deletes that empty the folder
 * together race on its `rmdir` (500), and a listing that meets a file deleted between `readdir` and
 * `stat` fails (500). The stack does exactly this all the time: every processed image deletes its
 * `input/` object while new uploads arrive, and the start-up tidy deletes many `input/` keys in one
 * DeleteObjects (which s3rver runs in parallel). Seen as a rare `InternalError` at start or under load.
 *
 * So: folders are never removed (an empty folder is not an S3 object and lists as nothing), a listing
 * that meets a vanished file is read again, and a copy whose source vanishes is S3's `NoSuchKey`.
 * s3rver has no store option, so the stack swaps the instance's store after construction (see
 * node-emulators.process.mts); the subclass keeps every other behaviour of the stock store.
 */
import { copyFile, mkdir, rm, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { hasDotDotSegment, MAX_KEY_BYTES } from '../common/s3-keys';

/** The parts of s3rver's FilesystemStore this subclass touches. */
export interface FilesystemStoreLike {
  getResourcePath(bucket: string, key: string | undefined, resource: string): string;
  listObjects(bucket: string, options: object): Promise<unknown>;
  copyObject(srcBucket: string, srcKey: string, destBucket: string, destKey: string, replacementMetadata: unknown): Promise<unknown>;
  getMetadata(bucket: string, key: string): Promise<unknown>;
  deleteObject(bucket: string, key: string): Promise<void>;
}
export type FilesystemStoreClass = new (rootDirectory: string) => FilesystemStoreLike;
export type S3ErrorClass = new (code: string, message: string, detail?: Record<string, string>) => Error;

/** A listing is retried this often when a file vanishes under it; each retry is a fresh, consistent read. */
const LIST_ATTEMPTS = 5;

const isMissing = (error: unknown): boolean => (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';

/** Ignores a missing file: a concurrent delete got there first, which leaves the same result. */
const unlessMissing = async (work: Promise<unknown>): Promise<void> => {
  try {
    await work;
  } catch (error) {
    if (!isMissing(error)) throw error;
  }
};

export const raceFreeStore = (FilesystemStore: FilesystemStoreClass, S3Error: S3ErrorClass): FilesystemStoreClass =>
  class RaceFreeFilesystemStore extends FilesystemStore {
    /**
     * s3rver joins a key's parts into a file path: a `..` part wrote outside the bucket's folder, and a key
     * past S3's 1,024 bytes could pass PATH_MAX, which ended the process. The upload gateway refuses both
     * first; this holds for requests straight to s3rver's own loopback port, which skip the gateway.
     */
    override getResourcePath(bucket: string, key: string | undefined, resource: string): string {
      if (key !== undefined && (hasDotDotSegment(key) || Buffer.byteLength(key) > MAX_KEY_BYTES)) {
        throw new S3Error('InvalidArgument', "The local S3 emulator refuses keys with '..' parts or over 1,024 bytes.", { Key: key.slice(0, 100) });
      }
      return super.getResourcePath(bucket, key, resource);
    }

    override async deleteObject(bucket: string, key: string): Promise<void> {
      await Promise.all(['object', 'object.md5', 'metadata.json'].map((resource) => unlessMissing(unlink(this.getResourcePath(bucket, key, resource)))));
    }

    override async listObjects(bucket: string, options: object): Promise<unknown> {
      for (let attempt = 1; ; attempt += 1) {
        try {
          return await super.listObjects(bucket, options);
        } catch (error) {
          if (!isMissing(error) || attempt >= LIST_ATTEMPTS) throw error;
        }
      }
    }

    override async copyObject(srcBucket: string, srcKey: string, destBucket: string, destKey: string, replacementMetadata: unknown): Promise<unknown> {
      const path = (bucket: string, key: string, resource: string) => this.getResourcePath(bucket, key, resource);
      if (replacementMetadata || path(srcBucket, srcKey, 'object') === path(destBucket, destKey, 'object')) {
        return super.copyObject(srcBucket, srcKey, destBucket, destKey, replacementMetadata);
      }
      await mkdir(dirname(path(destBucket, destKey, 'object')), { recursive: true });
      try {
        await copyFile(path(srcBucket, srcKey, 'object'), path(destBucket, destKey, 'object'));
      } catch (error) {
        if (isMissing(error)) throw new S3Error('NoSuchKey', 'The specified key does not exist.', { Key: srcKey });
        throw error;
      }
      // The metadata and checksum files go with it; one the source lacks (a write cut short by a kill) is
      // not left behind stale at the destination: the checksum is recomputed, the metadata is optional.
      for (const resource of ['metadata.json', 'object.md5']) {
        try {
          await copyFile(path(srcBucket, srcKey, resource), path(destBucket, destKey, resource));
        } catch (error) {
          if (!isMissing(error)) throw error;
          await rm(path(destBucket, destKey, resource), { force: true });
        }
      }
      return this.getMetadata(destBucket, destKey);
    }
  };
