import { callerScope, PUBLIC_OWNER } from '../../../../functions/core/caller-scope';
import { DuplicateImageError, ValidationError } from '../../../../functions/core/errors';
import { requestUpload, type RequestUploadDeps } from '../../../../functions/core/use-cases/request-upload';
import { fixedClock, InMemoryDetectionLog, RecordingSigner } from '../support/in-memory-ports';

const setup = (overrides: Partial<RequestUploadDeps> = {}) => {
  const log = new InMemoryDetectionLog();
  const signer = new RecordingSigner();
  const deps: RequestUploadDeps = {
    log,
    signer,
    clock: fixedClock('2026-11-22T03:00:00.000Z'),
    newId: () => '0b5c8a8e-1f0e-4a53-9d1a-2f4f3c1e9b7a',
    bucket: 'images-bucket',
    uploadUrlTtlSeconds: 600,
    retentionDays: 90,
    ...overrides,
  };
  return { log, signer, deps };
};

const user = callerScope({ sub: 'a1b2c3d4-0000-4000-8000-000000000001', issuer: 'https://cognito-idp.example/pool', groups: null });

describe('requestUpload', () => {
  it('records a PENDING image with a TTL and returns a POST ticket bound to its key, type and size', async () => {
    const { log, signer, deps } = setup();
    const ticket = await requestUpload(deps, user, { fileName: 'my cat.png', contentType: 'image/png', fileSize: 2048 });

    expect(ticket).toEqual({
      imageId: '0b5c8a8e-1f0e-4a53-9d1a-2f4f3c1e9b7a',
      uploadUrl: 'https://bucket.example/',
      uploadFields: JSON.stringify({
        key: 'input/0b5c8a8e-1f0e-4a53-9d1a-2f4f3c1e9b7a.png',
        'Content-Type': 'image/png',
        Policy: 'p',
      }),
      expiresAt: '2026-11-22T03:10:00.000Z',
      maxBytes: 2048,
    });
    expect(signer.posts).toEqual([
      { key: 'input/0b5c8a8e-1f0e-4a53-9d1a-2f4f3c1e9b7a.png', contentType: 'image/png', maxBytes: 2048, expiresInSeconds: 600 },
    ]);
    expect(await log.get(ticket.imageId)).toEqual({
      id: ticket.imageId,
      owner: 'a1b2c3d4-0000-4000-8000-000000000001',
      status: 'PENDING',
      fileName: 'my cat.png',
      fileSize: 2048,
      imageFormat: 'png',
      contentType: 'image/png',
      objectKey: 'input/0b5c8a8e-1f0e-4a53-9d1a-2f4f3c1e9b7a.png',
      s3Location: 's3://images-bucket/input/0b5c8a8e-1f0e-4a53-9d1a-2f4f3c1e9b7a.png',
      createdAt: '2026-11-22T03:00:00.000Z',
      updatedAt: '2026-11-22T03:00:00.000Z',
      expiresAt: Date.parse('2026-11-22T03:00:00.000Z') / 1000 + 90 * 86_400,
    });
  });

  it('keeps the ticket expiry within 5 to 15 minutes', async () => {
    const short = setup({ uploadUrlTtlSeconds: 30 });
    await requestUpload(short.deps, user, { fileName: 'a.jpg', contentType: 'image/jpeg', fileSize: 1 });
    const long = setup({ uploadUrlTtlSeconds: 86_400 });
    await requestUpload(long.deps, user, { fileName: 'a.jpg', contentType: 'image/jpeg', fileSize: 1 });
    expect([short.signer.posts[0]?.expiresInSeconds, long.signer.posts[0]?.expiresInSeconds]).toEqual([300, 900]);
  });

  it('issues nothing and records nothing for invalid input', async () => {
    const { log, signer, deps } = setup();
    await expect(
      requestUpload(deps, user, { fileName: '../../x.jpg', contentType: 'image/jpeg', fileSize: 10 }),
    ).rejects.toBeInstanceOf(ValidationError);
    await expect(requestUpload(deps, user, { fileName: 'x.gif', contentType: 'image/gif', fileSize: 10 })).rejects.toMatchObject({
      code: 'UnsupportedContentType',
    });
    expect(log.records.size).toBe(0);
    expect(signer.posts).toHaveLength(0);
  });

  it('never overwrites an existing image (conditional put)', async () => {
    const { signer, deps } = setup();
    await requestUpload(deps, user, { fileName: 'a.jpg', contentType: 'image/jpeg', fileSize: 5 });
    await expect(requestUpload(deps, user, { fileName: 'b.jpg', contentType: 'image/jpeg', fileSize: 5 })).rejects.toBeInstanceOf(
      DuplicateImageError,
    );
    expect(signer.posts).toHaveLength(1);
  });

  it('records an API-key upload under the public owner', async () => {
    const { log, deps } = setup();
    const ticket = await requestUpload(deps, callerScope(null), { fileName: 'a.jpg', contentType: 'image/jpeg', fileSize: 5 });
    expect((await log.get(ticket.imageId))?.owner).toBe(PUBLIC_OWNER);
  });

  it('refuses analysts and callers without a scope, recording nothing', async () => {
    const { log, signer, deps } = setup();
    const analyst = callerScope({ sub: 'c', issuer: 'https://cognito-idp.example/pool', groups: ['analysts'] });
    const iam = callerScope({ accountId: '000000000000', userArn: 'arn:aws:iam::000000000000:user/x' });
    for (const scope of [analyst, iam]) {
      await expect(requestUpload(deps, scope, { fileName: 'a.jpg', contentType: 'image/jpeg', fileSize: 5 })).rejects.toMatchObject({
        code: 'Unauthorized',
        message: 'Not Authorized to access requestUpload on type Mutation',
      });
    }
    expect(log.records.size).toBe(0);
    expect(signer.posts).toHaveLength(0);
  });
});
