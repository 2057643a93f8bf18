import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  NoSuchKey,
  NotFound,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { s3Client } from '../../../functions/adapters/clients/s3';
import { S3ObjectStore } from '../../../functions/adapters/s3-object-store';
import { ObjectNotFoundError } from '../../../functions/core/errors';

const s3 = mockClient(S3Client);
const store = new S3ObjectStore(s3Client({ region: 'us-east-1' }, false), 'images');
const meta = { $metadata: { httpStatusCode: 404 }, message: 'gone' };

beforeEach(() => s3.reset());

describe('S3ObjectStore', () => {
  it('reads the bytes of an object', async () => {
    // The SDK's streaming body, reduced to the one method the store calls.
    const body = { transformToByteArray: async () => new Uint8Array(Buffer.from('abc')) };
    s3.on(GetObjectCommand).resolves({ Body: body as never, ETag: '"e1"', VersionId: 'v1' });
    const read = await store.read('input/a.jpg');
    expect(Buffer.from(read.bytes).toString()).toBe('abc');
    expect(read.version).toEqual({ etag: '"e1"', versionId: 'v1' });
  });

  it('copies exactly the version read: its VersionId, and CopySourceIfMatch on its ETag', async () => {
    s3.on(CopyObjectCommand).resolves({});
    await store.copy('input/a.jpg', 'cats/a.jpg', { etag: '"e1"', versionId: 'v1/+' });
    expect(s3).toHaveReceivedCommandWith(CopyObjectCommand, {
      Key: 'cats/a.jpg',
      CopySource: 'images/input/a.jpg?versionId=v1%2F%2B',
      CopySourceIfMatch: '"e1"',
    });
  });

  it('reports a key overwritten since it was read (412 PreconditionFailed) as ObjectReplacedError, not an outage', async () => {
    s3.on(CopyObjectCommand).rejects(Object.assign(new Error('At least one of the pre-conditions you specified did not hold'), {
      name: 'PreconditionFailed',
      $metadata: { httpStatusCode: 412 },
    }));
    await expect(store.copy('input/a.jpg', 'cats/a.jpg', { etag: '"e1"' })).rejects.toMatchObject({ code: 'UploadReplaced', retryable: false });
  });

  it('reports a missing object as ObjectNotFoundError', async () => {
    s3.on(GetObjectCommand).rejects(new NoSuchKey(meta));
    await expect(store.read('input/a.jpg')).rejects.toBeInstanceOf(ObjectNotFoundError);
    s3.on(CopyObjectCommand).rejects(new NoSuchKey(meta));
    await expect(store.copy('input/a.jpg', 'cats/a.jpg', { etag: '"e1"' })).rejects.toBeInstanceOf(ObjectNotFoundError);
  });

  it('answers undefined from head for a missing object', async () => {
    s3.on(HeadObjectCommand).rejects(new NotFound(meta));
    expect(await store.head('input/a.jpg')).toBeUndefined();
  });

  it('reports a 403 from head as a refusal, never as a missing object', async () => {
    // S3's answer for a missing key when the caller may not list its prefix: absence is not proven.
    s3.on(HeadObjectCommand).rejects(Object.assign(new Error('Forbidden'), { name: 'Forbidden', $metadata: { httpStatusCode: 403 } }));
    await expect(store.head('input/a.jpg')).rejects.toMatchObject({ code: 'DependencyUnavailable', message: expect.stringContaining('(403)') });
  });

  it('copies within the bucket with a URL-encoded CopySource', async () => {
    s3.on(CopyObjectCommand).resolves({});
    await store.copy('input/my cat+1.jpg', 'cats/x.jpg', { etag: '"e1"' });
    expect(s3).toHaveReceivedCommandWith(CopyObjectCommand, {
      Bucket: 'images',
      Key: 'cats/x.jpg',
      CopySource: 'images/input/my%20cat%2B1.jpg',
    });
  });

  it('puts a thumbnail with its content type, and reports a failed put as retryable', async () => {
    s3.on(PutObjectCommand).resolves({});
    const bytes = new Uint8Array([1, 2, 3]);
    await store.put('thumbnails/x.webp', bytes, 'image/webp');
    expect(s3).toHaveReceivedCommandWith(PutObjectCommand, { Bucket: 'images', Key: 'thumbnails/x.webp', Body: bytes, ContentType: 'image/webp' });
    s3.on(PutObjectCommand).rejects(new Error('socket hang up'));
    await expect(store.put('thumbnails/x.webp', bytes, 'image/webp')).rejects.toMatchObject({ code: 'DependencyUnavailable', retryable: true });
  });

  it('treats deleting a missing object as done', async () => {
    s3.on(DeleteObjectCommand).rejects(new NoSuchKey(meta));
    await expect(store.delete('input/a.jpg')).resolves.toBeUndefined();
  });

  it('turns other S3 errors into a retryable DependencyUnavailable', async () => {
    s3.on(GetObjectCommand).rejects(Object.assign(new Error('slow'), { name: 'SlowDown', $metadata: { httpStatusCode: 503 } }));
    await expect(store.read('input/a.jpg')).rejects.toMatchObject({ code: 'DependencyUnavailable', retryable: true });
  });
});
