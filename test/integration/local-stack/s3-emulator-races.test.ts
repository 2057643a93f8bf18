/**
 * The S3 emulator under the stack's own traffic: processors delete their input/ objects while new uploads
 * arrive in the same folder, and the start-up tidy deletes many input/ keys at once. Stock s3rver 3.7.1
 * answered some of those with InternalError (500) and could even die (local/emulators/s3rver-store.ts);
 * this drives the real child process the stack runs, straight on s3rver's port.
 */
import { existsSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startNodeEmulators, type NodeEmulators } from '../../../local/emulators/node-emulators';

jest.setTimeout(60_000);

const BUCKET = 'race-bucket';
let emulators: NodeEmulators;
let directory: string;

// A fresh emulator each: a race that kills one must not decide the next test.
beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'pet-detector-s3-race-'));
  emulators = await startNodeEmulators({ s3Directory: directory, bucket: BUCKET, accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local-secret', region: 'us-east-1' });
});

afterEach(async () => {
  await emulators?.stop();
  await rm(directory, { recursive: true, force: true });
});

/** Unsigned requests straight to s3rver (it serves anonymous callers; the gateway is not under test here). */
const call = async (method: string, path: string, body?: string): Promise<string> => {
  const res = await fetch(`${emulators.s3rverEndpoint}/${BUCKET}${path}`, { method, body });
  const text = await res.text();
  return `${method} ${res.status}${res.status >= 500 ? ` ${text}` : ''}`;
};

const tally = (answers: string[]) => answers.reduce<Record<string, number>>((t, a) => ({ ...t, [a]: (t[a] ?? 0) + 1 }), {});

it('answers every put, delete, list and copy in one folder without InternalError, and stays up', async () => {
  const answers: string[] = [];
  for (let round = 0; round < 40; round += 1) {
    const keys = ['a', 'b', 'c'].map((k) => `input/${k}${round}.jpg`);
    answers.push(...(await Promise.all(keys.map((k) => call('PUT', `/${k}`, 'x'.repeat(1000))))));
    // Empty the folder from several sides while an upload and a listing arrive, and a copy reads a key being deleted.
    answers.push(
      ...(await Promise.all([
        ...keys.map((k) => call('DELETE', `/${k}`)),
        call('PUT', `/input/late${round}.jpg`, 'y'),
        call('GET', '?list-type=2&prefix=input/'),
        fetch(`${emulators.s3rverEndpoint}/${BUCKET}/cats/copy${round}.jpg`, { method: 'PUT', headers: { 'x-amz-copy-source': `/${BUCKET}/${keys[0]}` } }).then(
          async (res) => `COPY ${res.status === 404 || res.status === 200 ? 'ok' : `${res.status} ${await res.text()}`}`,
        ),
      ])),
    );
    answers.push(await call('DELETE', `/input/late${round}.jpg`));
  }
  expect(answers.filter((a) => /^\w+ 5\d\d|^COPY (?!ok)/.test(a))).toEqual([]);
  expect(tally(answers)).toMatchObject({ 'PUT 200': 160, 'DELETE 204': 160, 'GET 200': 40 });
  expect(emulators.process.exitCode).toBeNull();
});

it('deletes many keys of one folder in one DeleteObjects (the start-up tidy) without InternalError', async () => {
  for (let round = 0; round < 10; round += 1) {
    const keys = Array.from({ length: 8 }, (_, i) => `input/tidy${round}-${i}.jpg`);
    await Promise.all(keys.map((k) => call('PUT', `/${k}`, 'z')));
    const body = `<Delete><Quiet>true</Quiet>${keys.map((k) => `<Object><Key>${k}</Key></Object>`).join('')}</Delete>`;
    const res = await fetch(`${emulators.s3rverEndpoint}/${BUCKET}?delete`, { method: 'POST', body, headers: { 'content-type': 'application/xml' } });
    expect(`${res.status} ${res.status >= 500 ? await res.text() : ''}`).toBe('200 ');
  }
  const listing = await (await fetch(`${emulators.s3rverEndpoint}/${BUCKET}?list-type=2&prefix=input/tidy`)).text();
  expect(listing).not.toContain('<Key>');
});

it("refuses, on its own port, a key that climbs out of the bucket with '..' or is over 1,024 bytes, and stays up", async () => {
  // Requests straight to s3rver skip the gateway's checks: its store must not write outside the bucket.
  const escaped = join(directory, 'escape-probe._S3rver_object');
  // node:http sends the path as written (fetch would resolve the `..` away first).
  const climb = await new Promise<number>((resolve, reject) => {
    const { hostname, port } = new URL(emulators.s3rverEndpoint);
    const req = httpRequest({ host: hostname, port, method: 'PUT', path: `/${BUCKET}/../escape-probe` }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end('x');
  });
  expect(climb).toBe(400);
  expect(existsSync(escaped)).toBe(false);
  expect((await fetch(`${emulators.s3rverEndpoint}/${BUCKET}/${'a'.repeat(5000)}`, { method: 'PUT', body: 'x' })).status).toBe(400);
  expect(await call('PUT', '/cats/after.jpg', 'x')).toBe('PUT 200');
  expect(emulators.process.exitCode).toBeNull();
});
