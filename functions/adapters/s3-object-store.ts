/**
 * ObjectStore on S3. The processor's role may not write into input/; it copies into the filed prefixes
 * and puts only what it makes itself (thumbnails/).
 */
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { ObjectNotFoundError, ObjectReplacedError, TransientError } from '../core/errors';
import type { ObjectInfo, ObjectStore, ObjectVersion, StoredObject } from '../core/ports';

const isNotFound = (error: unknown): boolean =>
  error instanceof Error &&
  (error.name === 'NoSuchKey' ||
    error.name === 'NotFound' ||
    (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404);

const isForbidden = (error: unknown): boolean =>
  error instanceof Error &&
  (error.name === 'Forbidden' || error.name === 'AccessDenied' || (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 403);

const isPreconditionFailed = (error: unknown): boolean =>
  error instanceof Error &&
  (error.name === 'PreconditionFailed' || (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 412);

const unavailable = (error: unknown): TransientError =>
  new TransientError('DependencyUnavailable', 'The image bucket is unavailable, try again', { cause: error });

/** CopySource is "<bucket>/<key>" with the key URL-encoded segment by segment. */
const copySource = (bucket: string, key: string): string => `${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`;

export class S3ObjectStore implements ObjectStore {
  constructor(
    private readonly s3: S3Client,
    readonly bucket: string,
  ) {}

  async head(key: string): Promise<ObjectInfo | undefined> {
    try {
      const out = await this.s3.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      const info: ObjectInfo = { size: out.ContentLength ?? 0 };
      if (out.ContentType) info.contentType = out.ContentType;
      return info;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      // S3 answers 403 for a missing key when the caller may not list its prefix: a refusal, never an answer.
      if (isForbidden(error)) {
        throw new TransientError('DependencyUnavailable', `S3 refused HeadObject on ${key} (403): the role may not read it, or may not list its prefix`, {
          cause: error,
        });
      }
      throw unavailable(error);
    }
  }

  async read(key: string): Promise<StoredObject> {
    try {
      const out = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      if (!out.Body) throw new ObjectNotFoundError(key);
      const bytes = await out.Body.transformToByteArray();
      return { bytes, version: { etag: out.ETag ?? '', ...(out.VersionId ? { versionId: out.VersionId } : {}) } };
    } catch (error) {
      if (error instanceof ObjectNotFoundError) throw error;
      if (isNotFound(error)) throw new ObjectNotFoundError(key);
      throw unavailable(error);
    }
  }

  /**
   * The version read, twice over: its VersionId (a versioned bucket then copies that version whatever the key
   * holds now) and CopySourceIfMatch on its ETag (without versions, S3 refuses the copy with 412 if the key
   * was overwritten).
   */
  async copy(fromKey: string, toKey: string, version: ObjectVersion): Promise<void> {
    const source = copySource(this.bucket, fromKey) + (version.versionId ? `?versionId=${encodeURIComponent(version.versionId)}` : '');
    try {
      await this.s3.send(
        new CopyObjectCommand({
          Bucket: this.bucket,
          Key: toKey,
          CopySource: source,
          ...(version.etag ? { CopySourceIfMatch: version.etag } : {}),
        }),
      );
    } catch (error) {
      if (isPreconditionFailed(error)) throw new ObjectReplacedError(fromKey);
      if (isNotFound(error)) throw new ObjectNotFoundError(fromKey);
      throw unavailable(error);
    }
  }

  async put(key: string, bytes: Uint8Array, contentType: string): Promise<void> {
    try {
      await this.s3.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: bytes, ContentType: contentType }));
    } catch (error) {
      throw unavailable(error);
    }
  }

  async delete(key: string): Promise<void> {
    try {
      await this.s3.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
    } catch (error) {
      if (isNotFound(error)) return;
      throw unavailable(error);
    }
  }
}
