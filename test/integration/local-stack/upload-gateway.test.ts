/**
 * The local S3 endpoint refuses what S3 refuses for a presigned POST, with S3's status and XML error code,
 * and passes every other S3 request through to s3rver.
 */
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import type { UploadTicket } from '../../../local/client/graphql';
import { postToTicket, requestUpload } from '../../../local/client/upload';
import { photo, startTestStack, type TestStack } from './helpers';

jest.setTimeout(60_000);

let t: TestStack;
let clockOffsetMs = 0;
const CAT = photo('cat/pkgdown-kitten.jpg');

beforeAll(async () => {
  t = await startTestStack({ uploadClock: () => new Date(Date.now() + clockOffsetMs) });
});

afterAll(async () => {
  await t?.stop();
});

afterEach(() => {
  clockOffsetMs = 0;
});

const ticketFor = (fileSize = CAT.length, contentType = 'image/jpeg'): Promise<UploadTicket> =>
  requestUpload(t.api, { fileName: 'kitten.jpg', contentType, fileSize });

const fieldsOf = (ticket: UploadTicket) => JSON.parse(ticket.uploadFields) as Record<string, string>;

describe('a presigned POST', () => {
  it('is accepted as issued: 204, and the object lands under input/ with its key', async () => {
    const ticket = await ticketFor();
    const posted = await postToTicket(ticket, CAT, { contentType: 'image/jpeg' });
    expect(posted.status).toBe(204);
    expect(fieldsOf(ticket).key).toBe(`input/${ticket.imageId}.jpg`);
  });

  it('larger than the ticket allows: 400 EntityTooLarge', async () => {
    const ticket = await ticketFor(1_000);
    expect(ticket.maxBytes).toBeLessThan(CAT.length);
    const posted = await postToTicket(ticket, CAT);
    expect(posted).toMatchObject({ status: 400, errorCode: 'EntityTooLarge' });
    expect(posted.body).toContain(`<ProposedSize>${CAT.length}</ProposedSize>`);
    expect(posted.body).toContain(`<MaxSizeAllowed>${ticket.maxBytes}</MaxSizeAllowed>`);
  });

  it('with another Content-Type than the ticket names: 403 AccessDenied (policy condition failed)', async () => {
    const ticket = await ticketFor();
    const posted = await postToTicket(ticket, CAT, { fieldOverrides: { 'Content-Type': 'image/png' } });
    expect(posted).toMatchObject({ status: 403, errorCode: 'AccessDenied' });
    expect(posted.body).toContain('Invalid according to Policy: Policy Condition failed');
    expect(posted.body).toContain('$Content-Type');
  });

  it('after the ticket expired: 403 AccessDenied (policy expired)', async () => {
    const ticket = await ticketFor();
    clockOffsetMs = Date.parse(ticket.expiresAt) - Date.now() + 1_000;
    const posted = await postToTicket(ticket, CAT, { contentType: 'image/jpeg' });
    expect(posted).toMatchObject({ status: 403, errorCode: 'AccessDenied' });
    expect(posted.body).toContain('Policy expired');
  });

  it('to another key than the ticket names: 403 AccessDenied', async () => {
    const ticket = await ticketFor();
    const posted = await postToTicket(ticket, CAT, { fieldOverrides: { key: 'cats/sneaked-in.jpg' } });
    expect(posted).toMatchObject({ status: 403, errorCode: 'AccessDenied' });
    expect(posted.body).toContain('$key');
  });

  it('with a forged signature: 403 SignatureDoesNotMatch; with an unknown key id: 403 InvalidAccessKeyId', async () => {
    const ticket = await ticketFor();
    const fields = fieldsOf(ticket);
    const forged = await postToTicket(ticket, CAT, { fieldOverrides: { 'X-Amz-Signature': '0'.repeat(64) } });
    expect(forged).toMatchObject({ status: 403, errorCode: 'SignatureDoesNotMatch' });
    const credential = (fields['X-Amz-Credential'] as string).replace(/^[^/]+/, 'AKIANOTAKEY');
    const unknown = await postToTicket(ticket, CAT, { fieldOverrides: { 'X-Amz-Credential': credential } });
    expect(unknown).toMatchObject({ status: 403, errorCode: 'InvalidAccessKeyId' });
  });

  it('with a field the policy does not cover: 403 AccessDenied (extra input fields)', async () => {
    const ticket = await ticketFor();
    const posted = await postToTicket(ticket, CAT, { fieldOverrides: { 'x-amz-meta-owner': 'mallory' } });
    expect(posted).toMatchObject({ status: 403, errorCode: 'AccessDenied' });
    expect(posted.body).toContain('Extra input fields: x-amz-meta-owner');
  });

  it('with more than 20 KB of fields before the file: 400 MaxPostPreDataLengthExceeded', async () => {
    const ticket = await ticketFor();
    const posted = await postToTicket(ticket, CAT, { fieldOverrides: { 'x-ignore-padding': 'x'.repeat(200_000) } });
    expect(posted).toMatchObject({ status: 400, errorCode: 'MaxPostPreDataLengthExceeded' });
  });

  it('without the file, or not as multipart/form-data: S3 errors, nothing stored', async () => {
    const ticket = await ticketFor();
    const form = new FormData();
    for (const [name, value] of Object.entries(fieldsOf(ticket))) form.append(name, value);
    const noFile = await fetch(ticket.uploadUrl, { method: 'POST', body: form });
    expect(noFile.status).toBe(400);
    expect(await noFile.text()).toContain('<Code>InvalidArgument</Code>');
    const urlEncoded = await fetch(ticket.uploadUrl, { method: 'POST', body: new URLSearchParams(fieldsOf(ticket)) });
    expect(urlEncoded.status).toBe(412);
    expect(await urlEncoded.text()).toContain('<Code>PreconditionFailed</Code>');
    const listed = await t.s3.send(new ListObjectsV2Command({ Bucket: t.stack.outputs.BucketName, Prefix: `input/${ticket.imageId}` }));
    expect(listed.KeyCount ?? 0).toBe(0);
  });
});

describe('every other S3 call', () => {
  it('passes through to s3rver: put, get, and paged ListObjectsV2', async () => {
    const bucket = t.stack.outputs.BucketName;
    for (const n of [1, 2, 3]) {
      await t.s3.send(new PutObjectCommand({ Bucket: bucket, Key: `scratch/${n}.txt`, Body: `object ${n}` }));
    }
    const got = await t.s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'scratch/2.txt' }));
    expect(await got.Body?.transformToString()).toBe('object 2');
    const first = await t.s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'scratch/', MaxKeys: 2 }));
    expect(first.Contents?.map((o) => o.Key)).toEqual(['scratch/1.txt', 'scratch/2.txt']);
    expect(first.IsTruncated).toBe(true);
    const second = await t.s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: 'scratch/', MaxKeys: 2, ContinuationToken: first.NextContinuationToken }),
    );
    expect(second.Contents?.map((o) => o.Key)).toEqual(['scratch/3.txt']);
  });
});
