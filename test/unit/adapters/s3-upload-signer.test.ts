import { S3Client } from '@aws-sdk/client-s3';
import { S3UploadSigner } from '../../../functions/adapters/s3-upload-signer';

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };

describe('S3UploadSigner (real presigning, computed offline)', () => {
  const signer = new S3UploadSigner(new S3Client({ region: 'us-east-1', credentials }), 'serverlessapp-test-images');

  it('signs a POST policy with exactly the ticket conditions: key, Content-Type, 1..maxBytes, expiry', async () => {
    const before = Date.now();
    const post = await signer.presignPost({ key: 'input/id-1.jpg', contentType: 'image/jpeg', maxBytes: 5000, expiresInSeconds: 600 });
    expect(post.url).toBe('https://serverlessapp-test-images.s3.us-east-1.amazonaws.com/');
    expect(post.fields).toMatchObject({
      key: 'input/id-1.jpg',
      'Content-Type': 'image/jpeg',
      bucket: 'serverlessapp-test-images',
      'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
      'X-Amz-Credential': expect.stringMatching(/^AKIDEXAMPLE\/\d{8}\/us-east-1\/s3\/aws4_request$/),
      'X-Amz-Signature': expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    const policy = JSON.parse(Buffer.from(post.fields.Policy!, 'base64').toString()) as {
      expiration: string;
      conditions: unknown[];
    };
    expect(policy.conditions).toEqual(
      expect.arrayContaining([
        { key: 'input/id-1.jpg' },
        { 'Content-Type': 'image/jpeg' },
        ['content-length-range', 1, 5000],
        { bucket: 'serverlessapp-test-images' },
      ]),
    );
    expect(policy.conditions.some((c) => Array.isArray(c) && c[0] === 'starts-with')).toBe(false);
    const expiresIn = (Date.parse(policy.expiration) - before) / 1000;
    expect(expiresIn).toBeGreaterThan(590);
    expect(expiresIn).toBeLessThanOrEqual(601);
  });

  it('uses a path-style URL when S3_FORCE_PATH_STYLE is on (local emulator)', async () => {
    const local = new S3UploadSigner(
      new S3Client({ region: 'us-east-1', credentials, forcePathStyle: true, endpoint: 'http://127.0.0.1:4569' }),
      'serverlessapp-local-images',
    );
    const post = await local.presignPost({ key: 'input/x.png', contentType: 'image/png', maxBytes: 10, expiresInSeconds: 300 });
    expect(post.url).toBe('http://127.0.0.1:4569/serverlessapp-local-images');
  });

  it('presigns a short-lived GET for a filed image', async () => {
    const url = new URL(await signer.presignGet('cats/id-1.jpg', 900));
    expect(url.pathname).toBe('/cats/id-1.jpg');
    expect(url.searchParams.get('X-Amz-Expires')).toBe('900');
    expect(url.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
  });
});
