/**
 * Bad input, on every port of a running stack: each malformed or hostile request gets a named error (S3's
 * XML codes on the S3 port, AppSync's shapes on the API and the real-time endpoint), never a hang or a
 * crash. After each one GET /local/health still answers 200, and at the end a normal upload completes.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { CopyObjectCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from '@aws-crypto/sha256-js';
import WebSocket from 'ws';
import { generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';
import { signIn } from '../../../local/client/sign-in';
import { LIST_IMAGES } from '../../../local/client/graphql';
import { postToTicket, requestUpload } from '../../../local/client/upload';
import { isFinal, photo, startTestStack, subscribe, upload, waitFor, type TestStack } from './helpers';

jest.setTimeout(120_000);

let t: TestStack;
const EVIL = 'https://evil.example';
const CAT = photo('cat/pkgdown-kitten.jpg');

beforeAll(async () => {
  t = await startTestStack();
});

afterAll(async () => {
  await t?.stop();
});

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

const portOf = (url: string) => Number(new URL(url).port);
const s3Port = () => portOf(t.stack.endpoints.s3);
const apiPort = () => portOf(t.stack.endpoints.graphqlUrl);
const bucket = () => t.stack.outputs.BucketName;

/** One HTTP request as written, the path sent verbatim (no URL normalisation on our side). */
const send = (
  port: number,
  options: { method?: string; path: string; headers?: Record<string, string | number>; body?: string | Buffer; tls?: boolean },
): Promise<Answer> =>
  new Promise((resolve, reject) => {
    const make = options.tls ? httpsRequest : httpRequest;
    const req = make(
      { host: '127.0.0.1', port, method: options.method ?? 'GET', path: options.path, headers: options.headers, rejectUnauthorized: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.setTimeout(10_000, () => req.destroy(new Error(`no answer from ${options.method ?? 'GET'} ${options.path}`)));
    req.on('error', reject);
    req.end(options.body);
  });

/** Bytes on a raw socket, for request lines no HTTP client would write; resolves with what came back. */
const sendRaw = (port: number, text: string): Promise<string> =>
  new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(text));
    let received = '';
    socket.setTimeout(10_000, () => socket.destroy(new Error('no answer')));
    socket.on('data', (chunk) => (received += chunk.toString('utf8')));
    socket.on('end', () => resolve(received));
    socket.on('close', () => resolve(received));
    socket.on('error', reject);
  });

const s3Code = (answer: Answer) => /<Code>([^<]+)<\/Code>/.exec(answer.body)?.[1];
const appsyncErrorType = (answer: Answer) => (JSON.parse(answer.body) as { errors?: Array<{ errorType?: string }> }).errors?.[0]?.errorType;
const graphqlMessages = (answer: Answer) => ((JSON.parse(answer.body) as { errors?: Array<{ message: string }> }).errors ?? []).map((e) => e.message).join(' | ');

const gql = (body: unknown, headers: Record<string, string> = {}) =>
  send(apiPort(), {
    method: 'POST',
    path: '/graphql',
    headers: { 'content-type': 'application/json', 'x-api-key': t.stack.apiKey, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

const healthy = async (): Promise<void> => {
  const answer = await send(apiPort(), { path: '/local/health' });
  if (answer.status !== 200) throw new Error(`GET /local/health answered ${answer.status}: ${answer.body}`);
};

/** A multipart body by hand, so parts can be missing, doubled or cut short. */
const multipart = (parts: Array<{ name: string; value: string | Buffer; fileName?: string }>, options: { truncate?: boolean } = {}) => {
  const boundary = '----hostile-boundary';
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const disposition = `form-data; name="${part.name}"${part.fileName ? `; filename="${part.fileName}"` : ''}`;
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}\r\n\r\n`), Buffer.from(part.value), Buffer.from('\r\n'));
  }
  if (!options.truncate) chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
};

const ticketFields = async () => {
  const ticket = await requestUpload(t.api, { fileName: 'kitten.jpg', contentType: 'image/jpeg', fileSize: CAT.length });
  return { ticket, fields: JSON.parse(ticket.uploadFields) as Record<string, string> };
};

const postForm = (parts: Parameters<typeof multipart>[0], options: { truncate?: boolean; headers?: Record<string, string> } = {}) => {
  const { body, contentType } = multipart(parts, options);
  return send(s3Port(), { method: 'POST', path: `/${bucket()}`, headers: { 'content-type': contentType, ...options.headers }, body });
};

const fieldParts = (fields: Record<string, string>) => Object.entries(fields).map(([name, value]) => ({ name, value }));

/** A SigV4 header signature for AppSync, made with any key, date or body. */
const signAppSync = async (body: string, options: { secret?: string; date?: Date } = {}) => {
  const url = new URL(t.stack.endpoints.graphqlUrl);
  const signer = new SignatureV4({
    credentials: { accessKeyId: t.stack.credentials.accessKeyId, secretAccessKey: options.secret ?? t.stack.credentials.secretAccessKey },
    region: t.stack.region,
    service: 'appsync',
    sha256: Sha256,
  });
  const signed = await signer.sign(
    new HttpRequest({ method: 'POST', protocol: 'http:', hostname: url.host, path: url.pathname, headers: { host: url.host, 'content-type': 'application/json' }, body }),
    options.date ? { signingDate: options.date } : {},
  );
  return signed.headers as Record<string, string>;
};

const realtimeUrl = (auth: Record<string, string> = { host: new URL(t.stack.endpoints.graphqlUrl).host, 'x-api-key': t.stack.apiKey }) =>
  `${t.stack.endpoints.realtimeUrl}?header=${Buffer.from(JSON.stringify(auth)).toString('base64')}&payload=e30=`;

interface Conversation {
  messages: Array<{ type?: string; id?: string; payload?: { errors?: Array<{ errorType?: string; message?: string }> } }>;
  closeCode?: number;
}

/** Opens a real-time connection, sends frames one by one, and collects what comes back until it settles. */
const converse = async (
  frames: Array<string | Buffer | { afterAck: string | Buffer }>,
  options: { url?: string; waitFor?: (c: Conversation) => boolean; settleMs?: number } = {},
) => {
  const ws = new WebSocket(options.url ?? realtimeUrl(), ['graphql-ws']);
  const conversation: Conversation = { messages: [] };
  ws.on('message', (data) => conversation.messages.push(JSON.parse(String(data)) as Conversation['messages'][number]));
  const closed = new Promise<void>((resolve) => ws.on('close', (code) => ((conversation.closeCode = code), resolve())));
  ws.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  for (const frame of frames) {
    if (typeof frame === 'object' && 'afterAck' in frame) {
      await waitFor(() => conversation.messages.some((m) => m.type === 'connection_ack'), 'connection_ack', 10_000);
      ws.send(frame.afterAck);
    } else ws.send(frame);
  }
  await Promise.race([
    closed,
    waitFor(() => (options.waitFor ?? ((c) => c.messages.some((m) => m.type?.includes('error'))))(conversation), 'an answer', options.settleMs ?? 10_000),
  ]);
  ws.close();
  return conversation;
};

const upgradeStatus = (headers: Record<string, string>, path = '/graphql/realtime') =>
  new Promise<number>((resolve, reject) => {
    const req = httpRequest({
      host: '127.0.0.1',
      port: apiPort(),
      path,
      headers: { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==', ...headers },
    });
    req.on('response', (res) => resolve(res.statusCode ?? 0));
    req.on('upgrade', (res, socket) => {
      socket.destroy();
      resolve(res.statusCode ?? 101);
    });
    req.on('error', reject);
    req.end();
  });

const INIT = JSON.stringify({ type: 'connection_init' });
const start = (id: string, data: unknown) =>
  JSON.stringify({
    id,
    type: 'start',
    payload: {
      data: typeof data === 'string' ? data : JSON.stringify(data),
      extensions: { authorization: { host: new URL(t.stack.endpoints.graphqlUrl).host, 'x-api-key': t.stack.apiKey } },
    },
  });

type Case = [name: string, run: () => Promise<void>];

const s3Cases: Case[] = [
  ['POST /%zz: 400 InvalidURI', async () => expect(s3Code(await send(s3Port(), { method: 'POST', path: '/%zz' }))).toBe('InvalidURI')],
  ['GET /%zz: 400 InvalidURI', async () => expect(s3Code(await send(s3Port(), { path: '/%zz' }))).toBe('InvalidURI')],
  ['GET /bucket/%E0%A4%A: 400 InvalidURI', async () => expect(s3Code(await send(s3Port(), { path: `/${bucket()}/%E0%A4%A` }))).toBe('InvalidURI')],
  ['PUT with a raw ../ key: 400 InvalidURI', async () => {
    const answer = await send(s3Port(), { method: 'PUT', path: `/${bucket()}/input/../../../escape.txt`, body: 'x' });
    expect([answer.status, s3Code(answer)]).toEqual([400, 'InvalidURI']);
  }],
  ['PUT with a percent-encoded %2e%2e%2f key: 400 InvalidURI', async () => {
    const answer = await send(s3Port(), { method: 'PUT', path: `/${bucket()}/input%2F%2e%2e%2F%2e%2e%2Fescape.txt`, body: 'x' });
    expect([answer.status, s3Code(answer)]).toEqual([400, 'InvalidURI']);
  }],
  ['a signed PutObject whose key climbs out with ..: 400 InvalidURI, nothing written', async () => {
    await expect(t.s3.send(new PutObjectCommand({ Bucket: bucket(), Key: 'input/../../../../escape.txt', Body: 'x' }))).rejects.toMatchObject({
      name: 'InvalidURI',
    });
  }],
  ['a signed PutObject with a 5,000-byte key: 400 KeyTooLongError, and the S3 emulator lives', async () => {
    // Past PATH_MAX, s3rver's file store ended the emulators' process, and the stack stopped itself.
    await expect(t.s3.send(new PutObjectCommand({ Bucket: bucket(), Key: `input/${'a'.repeat(5000)}.jpg`, Body: 'x' }))).rejects.toMatchObject({
      name: 'KeyTooLongError',
    });
  }],
  ['a signed PutObject whose key holds a 300-byte part: 400 InvalidURI, not a 500', async () => {
    await expect(t.s3.send(new PutObjectCommand({ Bucket: bucket(), Key: `others/${'b'.repeat(300)}/x.jpg`, Body: 'x' }))).rejects.toMatchObject({ name: 'InvalidURI' });
  }],
  ['a signed GetObject whose key holds a NUL: 400 InvalidURI, not a 500', async () => {
    await expect(t.s3.send(new GetObjectCommand({ Bucket: bucket(), Key: 'cats/a\u0000b.jpg' }))).rejects.toMatchObject({ name: 'InvalidURI' });
  }],
  ['CopyObject from a 5,000-byte key: 400 KeyTooLongError', async () => {
    const answer = t.s3.send(new CopyObjectCommand({ Bucket: bucket(), Key: 'others/copy.jpg', CopySource: `${bucket()}/cats/${'c'.repeat(5000)}.jpg` }));
    await expect(answer).rejects.toMatchObject({ name: 'KeyTooLongError' });
  }],
  ['CopyObject from a ../ source: 400 InvalidURI', async () => {
    const answer = await send(s3Port(), { method: 'PUT', path: `/${bucket()}/cats/x.jpg`, headers: { 'x-amz-copy-source': `/${bucket()}/../../etc/passwd` } });
    expect(s3Code(answer)).toBe('InvalidURI');
  }],
  ['unsigned GET: 403 AccessDenied', async () => {
    const answer = await send(s3Port(), { path: `/${bucket()}/input/anything.jpg` });
    expect([answer.status, s3Code(answer)]).toEqual([403, 'AccessDenied']);
  }],
  ['unsigned PUT: 403 AccessDenied', async () => {
    const answer = await send(s3Port(), { method: 'PUT', path: `/${bucket()}/input/planted.jpg`, body: 'not a photo' });
    expect([answer.status, s3Code(answer)]).toEqual([403, 'AccessDenied']);
  }],
  ['unsigned DELETE: 403 AccessDenied', async () => expect(s3Code(await send(s3Port(), { method: 'DELETE', path: `/${bucket()}/cats/x.jpg` }))).toBe('AccessDenied')],
  ['unsigned ListObjects: 403 AccessDenied', async () => expect(s3Code(await send(s3Port(), { path: `/${bucket()}?list-type=2` }))).toBe('AccessDenied')],
  ['a header signature with an unknown key: 403 AccessDenied', async () => {
    const answer = await send(s3Port(), {
      path: `/${bucket()}/x`,
      headers: { authorization: 'AWS4-HMAC-SHA256 Credential=AKIDEVIL/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=00' },
    });
    expect(s3Code(answer)).toBe('AccessDenied');
  }],
  ['a forged header signature with our key: 403 SignatureDoesNotMatch', async () => {
    const answer = await send(s3Port(), {
      path: `/${bucket()}/x`,
      headers: {
        'x-amz-date': new Date().toISOString().replace(/[-:]|\.\d{3}/g, ''),
        'x-amz-content-sha256': 'UNSIGNED-PAYLOAD',
        authorization: `AWS4-HMAC-SHA256 Credential=${t.stack.credentials.accessKeyId}/${new Date().toISOString().slice(0, 10).replace(/-/g, '')}/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=${'0'.repeat(64)}`,
      },
    });
    expect(s3Code(answer)).toBe('SignatureDoesNotMatch');
  }],
  ['a presigned GET with a changed signature: 403 SignatureDoesNotMatch', async () => {
    const url = new URL(await getSignedUrl(t.s3, new GetObjectCommand({ Bucket: bucket(), Key: 'cats/none.jpg' }), { expiresIn: 60 }));
    url.searchParams.set('X-Amz-Signature', '0'.repeat(64));
    expect(s3Code(await send(s3Port(), { path: url.pathname + url.search }))).toBe('SignatureDoesNotMatch');
  }],
  ['a presigned GET whose key was swapped: 403 SignatureDoesNotMatch', async () => {
    const url = new URL(await getSignedUrl(t.s3, new GetObjectCommand({ Bucket: bucket(), Key: 'cats/a.jpg' }), { expiresIn: 60 }));
    expect(s3Code(await send(s3Port(), { path: url.pathname.replace('a.jpg', 'b.jpg') + url.search }))).toBe('SignatureDoesNotMatch');
  }],
  ['a request from another web origin: 403 AccessForbidden', async () => {
    const answer = await send(s3Port(), { path: `/${bucket()}/x`, headers: { origin: EVIL } });
    expect([answer.status, s3Code(answer), answer.headers['access-control-allow-origin']]).toEqual([403, 'AccessForbidden', undefined]);
  }],
  ['a CORS preflight from another origin: 403 AccessForbidden', async () => {
    const answer = await send(s3Port(), { method: 'OPTIONS', path: `/${bucket()}/x`, headers: { origin: EVIL, 'access-control-request-method': 'PUT' } });
    expect(s3Code(answer)).toBe('AccessForbidden');
  }],
  ['an upload POST from another origin: 403 AccessForbidden', async () => {
    const { fields } = await ticketFields();
    expect(s3Code(await postForm([...fieldParts(fields), { name: 'file', value: CAT, fileName: 'a.jpg' }], { headers: { origin: EVIL } }))).toBe(
      'AccessForbidden',
    );
  }],
  ['POST as application/json: 412 PreconditionFailed', async () => {
    const answer = await send(s3Port(), { method: 'POST', path: `/${bucket()}`, headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(s3Code(answer)).toBe('PreconditionFailed');
  }],
  ['POST multipart without a boundary: 400 MalformedPOSTRequest', async () => {
    const answer = await send(s3Port(), { method: 'POST', path: `/${bucket()}`, headers: { 'content-type': 'multipart/form-data' }, body: 'x' });
    expect(s3Code(answer)).toBe('MalformedPOSTRequest');
  }],
  ['POST multipart cut short (no closing boundary): 400 MalformedPOSTRequest', async () => {
    const { fields } = await ticketFields();
    expect(s3Code(await postForm([...fieldParts(fields), { name: 'file', value: CAT.subarray(0, 1000), fileName: 'a.jpg' }], { truncate: true }))).toBe(
      'MalformedPOSTRequest',
    );
  }],
  ['POST without a file part: 400 InvalidArgument', async () => {
    const { fields } = await ticketFields();
    expect(s3Code(await postForm(fieldParts(fields)))).toBe('InvalidArgument');
  }],
  ['POST with two file parts: 400 InvalidArgument', async () => {
    const { fields } = await ticketFields();
    const file = { name: 'file', value: CAT, fileName: 'a.jpg' };
    expect(s3Code(await postForm([...fieldParts(fields), file, file]))).toBe('InvalidArgument');
  }],
  ['POST without a key field: 400 InvalidArgument', async () => {
    const { fields } = await ticketFields();
    const { key: _key, ...rest } = fields;
    expect(s3Code(await postForm([...fieldParts(rest), { name: 'file', value: CAT, fileName: 'a.jpg' }]))).toBe('InvalidArgument');
  }],
  ['POST with 100 KB of fields before the file: 400 MaxPostPreDataLengthExceeded', async () => {
    const { fields } = await ticketFields();
    const filler = Array.from({ length: 10 }, (_, i) => ({ name: `x-amz-meta-f${i}`, value: 'a'.repeat(10_000) }));
    expect(s3Code(await postForm([...fieldParts(fields), ...filler, { name: 'file', value: CAT, fileName: 'a.jpg' }]))).toBe(
      'MaxPostPreDataLengthExceeded',
    );
  }],
  ['POST that goes on sending distinct fields after its first 20 KB (80 MB of them): refused, and none of them kept', async () => {
    // The stack runs in this process, so its heap is ours to weigh: the fields after the refusal used to be
    // kept, 20 KB each, for as long as the client kept sending.
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const boundary = '----endless-fields';
    const value = 'v'.repeat(20 * 1024);
    const req = httpRequest({ host: '127.0.0.1', port: s3Port(), method: 'POST', path: `/${bucket()}`, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } });
    const answer = new Promise<Answer>((resolve, reject) => {
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      });
      req.on('error', reject);
    });
    gc();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < 4_000; i += 1) {
      const part = `--${boundary}\r\nContent-Disposition: form-data; name="field-${i}"\r\n\r\n${value}\r\n`;
      if (!req.write(part)) await new Promise((resolve) => req.once('drain', resolve));
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
    gc();
    const grown = process.memoryUsage().heapUsed - before;
    req.end(`--${boundary}--\r\n`);
    expect(s3Code(await answer)).toBe('MaxPostPreDataLengthExceeded');
    expect(grown).toBeLessThan(30 * 1024 * 1024);
  }],
  ['POST with a forged policy signature: 403 SignatureDoesNotMatch', async () => {
    const { fields } = await ticketFields();
    const parts = fieldParts({ ...fields, 'X-Amz-Signature': '0'.repeat(64) });
    expect(s3Code(await postForm([...parts, { name: 'file', value: CAT, fileName: 'a.jpg' }]))).toBe('SignatureDoesNotMatch');
  }],
  ['POST with a policy signed by an unknown key: 403 InvalidAccessKeyId', async () => {
    const { fields } = await ticketFields();
    const credential = (fields['X-Amz-Credential'] ?? '').replace(/^[^/]+/, 'AKIDEVIL');
    const parts = fieldParts({ ...fields, 'X-Amz-Credential': credential });
    expect(s3Code(await postForm([...parts, { name: 'file', value: CAT, fileName: 'a.jpg' }]))).toBe('InvalidAccessKeyId');
  }],
  ['POST to a key outside input/: 403 AccessDenied (policy condition)', async () => {
    const { fields } = await ticketFields();
    const parts = fieldParts({ ...fields, key: 'cats/planted.jpg' });
    expect(s3Code(await postForm([...parts, { name: 'file', value: CAT, fileName: 'a.jpg' }]))).toBe('AccessDenied');
  }],
  ['POST to a key with ..: 400 InvalidURI', async () => {
    const { fields } = await ticketFields();
    const parts = fieldParts({ ...fields, key: 'input/../../escape.jpg' });
    expect(s3Code(await postForm([...parts, { name: 'file', value: CAT, fileName: 'a.jpg' }]))).toBe('InvalidURI');
  }],
  ['POST larger than the ticket: 400 EntityTooLarge', async () => {
    const ticket = await requestUpload(t.api, { fileName: 'k.jpg', contentType: 'image/jpeg', fileSize: 1_000 });
    expect((await postToTicket(ticket, CAT, { contentType: 'image/jpeg' })).errorCode).toBe('EntityTooLarge');
  }],
  ['POST of 20 MB on a ticket whose policy sets no size limit: 400 EntityTooLarge at 15 MB, not buffered', async () => {
    // A policy signed with the stack's own key but without content-length-range: only the gateway's bound is left.
    const { fields } = await createPresignedPost(t.s3, { Bucket: bucket(), Key: 'input/no-range.jpg', Fields: { 'Content-Type': 'image/jpeg' }, Expires: 60 });
    const answer = await postForm([...fieldParts(fields), { name: 'file', value: Buffer.alloc(20 * 1024 * 1024), fileName: 'big.jpg' }]);
    expect([answer.status, s3Code(answer)]).toEqual([400, 'EntityTooLarge']);
    expect(answer.body).toContain('<MaxSizeAllowed>15728640</MaxSizeAllowed>');
  }],
  ['POST on a policy whose content-length-range is not numbers: 400 InvalidPolicyDocument, nothing stored', async () => {
    // Read as NaN, such bounds compared false and lifted every size limit, the gateway's own included.
    const { fields } = await createPresignedPost(t.s3, {
      Bucket: bucket(),
      Key: 'input/nan-range.jpg',
      Fields: { 'Content-Type': 'image/jpeg' },
      Conditions: [['content-length-range', 'none' as unknown as number, 'unbounded' as unknown as number]],
      Expires: 60,
    });
    const answer = await postForm([...fieldParts(fields), { name: 'file', value: CAT, fileName: 'a.jpg' }]);
    expect([answer.status, s3Code(answer)]).toEqual([400, 'InvalidPolicyDocument']);
    await expect(t.s3.send(new HeadObjectCommand({ Bucket: bucket(), Key: 'input/nan-range.jpg' }))).rejects.toMatchObject({ name: 'NotFound' });
  }],
  ['40 downloads abandoned after their first bytes: the gateway lets go of their connections to the emulator', async () => {
    // The stack runs in this process, so its sockets are ours to count. Each abandoned download used to keep
    // its connection to s3rver for ever (and, while the gateway's pool was capped, stalled every S3 call).
    const key = 'others/hostile-large.bin';
    await t.s3.send(new PutObjectCommand({ Bucket: bucket(), Key: key, Body: Buffer.alloc(15 * 1024 * 1024, 7) }));
    const url = new URL(await getSignedUrl(t.s3, new GetObjectCommand({ Bucket: bucket(), Key: key }), { expiresIn: 600 }));
    const tcpSockets = () => process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length;
    const before = tcpSockets();
    for (let i = 0; i < 40; i += 1) {
      await new Promise<void>((resolve, reject) => {
        const req = httpRequest({ host: '127.0.0.1', port: s3Port(), path: `${url.pathname}${url.search}` }, (res) =>
          res.once('data', () => {
            req.destroy();
            resolve();
          }),
        );
        req.setTimeout(10_000, () => req.destroy(new Error(`abandoned download ${i} got no answer`)));
        req.on('error', (error) => (error.message.includes('abandoned') ? reject(error) : undefined));
        req.end();
      });
    }
    await waitFor(() => tcpSockets() - before < 10 || undefined, 'the abandoned downloads\' sockets to close', 5_000).catch(() => undefined);
    expect(tcpSockets() - before).toBeLessThan(10);
  }],
  ['40 downloads that stop reading after their first bytes (connections held open): S3 still answers everyone else', async () => {
    // A download whose client stops reading holds its connection to s3rver while the client holds its own:
    // such clients must not take the connections every other S3 call (the processor's too) waits for.
    const key = 'others/hostile-large.bin';
    await t.s3.send(new PutObjectCommand({ Bucket: bucket(), Key: key, Body: Buffer.alloc(15 * 1024 * 1024, 7) }));
    const url = new URL(await getSignedUrl(t.s3, new GetObjectCommand({ Bucket: bucket(), Key: key }), { expiresIn: 600 }));
    const held: Array<{ destroy(): void }> = [];
    try {
      for (let i = 0; i < 40; i += 1) {
        await new Promise<void>((resolve, reject) => {
          const req = httpRequest({ host: '127.0.0.1', port: s3Port(), path: `${url.pathname}${url.search}` }, (res) =>
            res.once('data', () => {
              res.pause();
              // Held from here on, for as long as the test runs: no client-side timeout frees it.
              req.setTimeout(0);
              held.push(req);
              resolve();
            }),
          );
          req.setTimeout(10_000, () => req.destroy(new Error(`held download ${i} got no answer: the gateway's pool is exhausted`)));
          req.on('error', (error) => (error.message.includes('held download') ? reject(error) : undefined));
          req.end();
        });
      }
      const head = t.s3.send(new HeadObjectCommand({ Bucket: bucket(), Key: key }));
      const stalled = new Promise<never>((_resolve, reject) => setTimeout(() => reject(new Error('HeadObject got no answer in 10 s')), 10_000).unref());
      expect((await Promise.race([head, stalled])).ContentLength).toBe(15 * 1024 * 1024);
    } finally {
      for (const req of held) req.destroy();
    }
  }],
  ['POST on an expired ticket (a policy signed with our key, expired a minute ago): 403 AccessDenied "Policy expired"', async () => {
    const { fields } = await createPresignedPost(t.s3, {
      Bucket: bucket(),
      Key: 'input/expired.jpg',
      Fields: { 'Content-Type': 'image/jpeg' },
      Conditions: [['content-length-range', 1, CAT.length]],
      Expires: -60,
    });
    const answer = await postForm([...fieldParts(fields), { name: 'file', value: CAT, fileName: 'a.jpg' }]);
    expect([answer.status, s3Code(answer)]).toEqual([403, 'AccessDenied']);
    expect(answer.body).toContain('Policy expired');
  }],
  ['POST without the policy field: 403 AccessDenied, nothing stored', async () => {
    const { fields } = await ticketFields();
    const { Policy: _policy, ...rest } = fields;
    const answer = await postForm([...fieldParts(rest), { name: 'file', value: CAT, fileName: 'a.jpg' }]);
    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(s3Code(answer)).toMatch(/^(AccessDenied|InvalidArgument|InvalidPolicyDocument)$/);
  }],
  ['a presigned GET that expired (signed 2 h ago for 1 h): 403 AccessDenied "Request has expired"', async () => {
    const url = new URL(
      await getSignedUrl(t.s3, new GetObjectCommand({ Bucket: bucket(), Key: 'cats/none.jpg' }), { expiresIn: 3600, signingDate: new Date(Date.now() - 7_200_000) }),
    );
    const answer = await send(s3Port(), { path: url.pathname + url.search });
    expect([answer.status, s3Code(answer)]).toEqual([403, 'AccessDenied']);
    expect(answer.body).toContain('Request has expired');
  }],
  ['a header signature dated 20 minutes ago: 403 RequestTimeTooSkewed', async () => {
    const stale = new S3Client({ region: t.stack.region, endpoint: t.stack.endpoints.s3, forcePathStyle: true, credentials: t.stack.credentials, maxAttempts: 1, systemClockOffset: -20 * 60_000 });
    try {
      await expect(stale.send(new GetObjectCommand({ Bucket: bucket(), Key: 'cats/none.jpg' }))).rejects.toMatchObject({ name: 'RequestTimeTooSkewed' });
    } finally {
      stale.destroy();
    }
  }],
  ['a request line that is not HTTP: 400 Bad Request', async () => expect(await sendRaw(s3Port(), 'HELLO\r\n\r\n')).toMatch(/^HTTP\/1\.1 400/)],
];

const apiCases: Case[] = [
  ['GET /%zz: 400 BadRequestException', async () => expect(appsyncErrorType(await send(apiPort(), { path: '/%zz' }))).toBe('BadRequestException')],
  ['POST /graphql with no API key: 401 UnauthorizedException', async () => {
    const answer = await send(apiPort(), { method: 'POST', path: '/graphql', headers: { 'content-type': 'application/json' }, body: '{"query":"{__typename}"}' });
    expect([answer.status, appsyncErrorType(answer)]).toEqual([401, 'UnauthorizedException']);
  }],
  ['POST /graphql with a wrong API key: 401 UnauthorizedException', async () => {
    const answer = await gql({ query: '{ __typename }' }, { 'x-api-key': 'da2-wrong' });
    expect([answer.status, appsyncErrorType(answer)]).toEqual([401, 'UnauthorizedException']);
  }],
  ['POST /graphql with a forged SigV4 signature: 403 InvalidSignatureException', async () => {
    const body = JSON.stringify({ query: '{ __typename }' });
    const answer = await send(apiPort(), { method: 'POST', path: '/graphql', headers: await signAppSync(body, { secret: 'not-the-secret' }), body });
    expect([answer.status, appsyncErrorType(answer)]).toEqual([403, 'InvalidSignatureException']);
  }],
  ['POST /graphql with a stale SigV4 signature (1 h old): 403 InvalidSignatureException', async () => {
    const body = JSON.stringify({ query: '{ __typename }' });
    const answer = await send(apiPort(), { method: 'POST', path: '/graphql', headers: await signAppSync(body, { date: new Date(Date.now() - 3_600_000) }), body });
    expect(appsyncErrorType(answer)).toBe('InvalidSignatureException');
    expect(answer.body).toContain('Signature expired');
  }],
  ['POST /graphql with a body that is not JSON: 400 MalformedHttpRequestException', async () =>
    expect(appsyncErrorType(await gql('{not json'))).toBe('MalformedHttpRequestException')],
  ['POST /graphql with a JSON array: 400 MalformedHttpRequestException', async () => expect(appsyncErrorType(await gql('[1,2]'))).toBe('MalformedHttpRequestException')],
  ['POST /graphql with an empty body: 400 MalformedHttpRequestException', async () => expect(appsyncErrorType(await gql(''))).toBe('MalformedHttpRequestException')],
  ['POST /graphql over 1 MB: 413 PayloadTooLargeException', async () => {
    const answer = await gql({ query: `{ __typename } #${'x'.repeat(1_100_000)}` });
    expect([answer.status, appsyncErrorType(answer)]).toEqual([413, 'PayloadTooLargeException']);
  }],
  ['POST /graphql announcing 50 MB: 413 PayloadTooLargeException before reading it', async () => {
    const answer = await sendRaw(apiPort(), `POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 52428800\r\nConnection: close\r\n\r\n{`);
    expect(answer).toMatch(/^HTTP\/1\.1 413/);
    expect(answer).toContain('PayloadTooLargeException');
  }],
  ['GET /graphql: 405 MethodNotAllowedException', async () => expect(appsyncErrorType(await send(apiPort(), { path: '/graphql' }))).toBe('MethodNotAllowedException')],
  ['DELETE /graphql: 405 MethodNotAllowedException', async () =>
    expect(appsyncErrorType(await send(apiPort(), { method: 'DELETE', path: '/graphql' }))).toBe('MethodNotAllowedException')],
  ['POST /local/alerts: 405 MethodNotAllowedException', async () =>
    expect(appsyncErrorType(await send(apiPort(), { method: 'POST', path: '/local/alerts' }))).toBe('MethodNotAllowedException')],
  ['POST /graphql from another web origin: 403 ForbiddenException, no CORS grant', async () => {
    const answer = await gql({ query: '{ __typename }' }, { origin: EVIL });
    expect([answer.status, appsyncErrorType(answer), answer.headers['access-control-allow-origin']]).toEqual([403, 'ForbiddenException', undefined]);
  }],
  ['a CORS preflight for /graphql from another origin: 403 ForbiddenException', async () => {
    const answer = await send(apiPort(), { method: 'OPTIONS', path: '/graphql', headers: { origin: EVIL, 'access-control-request-method': 'POST' } });
    expect([answer.status, answer.headers['access-control-allow-origin']]).toEqual([403, undefined]);
  }],
  ['GET /local/alerts from another origin: 403 ForbiddenException', async () =>
    expect(appsyncErrorType(await send(apiPort(), { path: '/local/alerts', headers: { origin: EVIL } }))).toBe('ForbiddenException')],
  ['a DNS-rebound origin (evil name, our port): 403 ForbiddenException', async () =>
    expect(appsyncErrorType(await gql({ query: '{ __typename }' }, { origin: `http://rebind.evil.example:${apiPort()}` }))).toBe('ForbiddenException')],
  ['an unknown field: a validation error naming it', async () =>
    expect(graphqlMessages(await gql({ query: '{ image(id: "x") { id password } }' }))).toMatch(/Cannot query field "password"/)],
  ['a syntax error: a Syntax Error', async () => expect(graphqlMessages(await gql({ query: '{ image(id: "x") { id ' }))).toMatch(/Syntax Error/)],
  ['a variable of the wrong type: a validation error naming it', async () =>
    expect(graphqlMessages(await gql({ query: LIST_IMAGES, variables: { limit: 'ten' } }))).toMatch(/Variable "\$limit" got invalid value/)],
  ['an enum value that does not exist in a filter: a validation error', async () =>
    expect(graphqlMessages(await gql({ query: LIST_IMAGES, variables: { filter: { detectedAnimal: 'UNICORN' } } }))).toMatch(/UNICORN/)],
  ['an alias bomb (20,000 aliases): refused while parsing (token limit)', async () => {
    const query = `{ ${Array.from({ length: 20_000 }, (_, i) => `a${i}: __typename`).join(' ')} }`;
    expect(graphqlMessages(await gql({ query }))).toMatch(/Document contains more th\w+ 10000 tokens/);
  }],
  ['a depth bomb (selections under a scalar, 500 deep): a validation error', async () => {
    const query = `{ image(id: "x") { id ${'{ id '.repeat(500)}${'}'.repeat(500)} } }`;
    expect(graphqlMessages(await gql({ query }))).toMatch(/must not have a selection|Syntax Error|tokens/);
  }],
  ['a forged nextToken (not one the API issued): InvalidNextToken', async () =>
    expect(appsyncErrorType(await gql({ query: LIST_IMAGES, variables: { nextToken: 'eyJmb3JnZWQiOnRydWV9' } }))).toBe('InvalidNextToken')],
  ['a nextToken of the right shape whose positions were altered: InvalidNextToken "has been altered"', async () => {
    const token = Buffer.from(JSON.stringify({ v: 1, p: [1, 1, 1, 1], f: 'x', c: 'y' })).toString('base64url');
    const answer = await gql({ query: LIST_IMAGES, variables: { nextToken: token } });
    expect(appsyncErrorType(answer)).toBe('InvalidNextToken');
  }],
  ['a 100 KB nextToken: InvalidNextToken, not decoded', async () =>
    expect(appsyncErrorType(await gql({ query: LIST_IMAGES, variables: { nextToken: 'A'.repeat(100_000) } }))).toBe('InvalidNextToken')],
  ['a negative limit: InvalidLimit', async () => expect(appsyncErrorType(await gql({ query: LIST_IMAGES, variables: { limit: -5 } }))).toBe('InvalidLimit')],
  ['a limit of a million: InvalidLimit', async () =>
    expect(appsyncErrorType(await gql({ query: LIST_IMAGES, variables: { limit: 1_000_000 } }))).toBe('InvalidLimit')],
  ['a limit past 32 bits: a validation error naming Int', async () =>
    expect(graphqlMessages(await gql({ query: LIST_IMAGES, variables: { limit: 2 ** 40 } }))).toMatch(/Int cannot represent/)],
  ['minConfidence 500 in a filter: InvalidFilter', async () =>
    expect(appsyncErrorType(await gql({ query: LIST_IMAGES, variables: { filter: { minConfidence: 500 } } }))).toBe('InvalidFilter')],
  ['createdAfter later than createdBefore: InvalidFilter', async () => {
    const filter = { createdAfter: '2026-02-01T00:00:00Z', createdBefore: '2026-01-01T00:00:00Z' };
    expect(appsyncErrorType(await gql({ query: LIST_IMAGES, variables: { filter } }))).toBe('InvalidFilter');
  }],
  ['a createdAfter that is not a date-time: a validation error naming AWSDateTime', async () =>
    expect(graphqlMessages(await gql({ query: LIST_IMAGES, variables: { filter: { createdAfter: 'yesterday' } } }))).toMatch(/AWSDateTime/)],
  ['imageUrls for 10,000 ids: a named error, not 10,000 presigned URLs', async () => {
    const ids = Array.from({ length: 10_000 }, (_, i) => `id-${i}`);
    const answer = await gql({ query: 'query U($ids: [ID!]!) { imageUrls(ids: $ids) { id url } }', variables: { ids } });
    expect(appsyncErrorType(answer)).toBe('InvalidArgument');
    expect(graphqlMessages(answer)).toContain('at most 100 ids');
  }],
  ['imageStats over ten years of hours: a named error, not 87,600 buckets', async () => {
    const answer = await gql({ query: '{ imageStats(from: "2020-01-01T00:00:00Z", to: "2030-01-01T00:00:00Z", granularity: HOUR) { start total } }' });
    expect(appsyncErrorType(answer)).toBe('StatsRangeTooLarge');
  }],
  ['an unknown operationName: an error naming it', async () =>
    expect(graphqlMessages(await gql({ query: 'query A { __typename }', operationName: 'B' }))).toMatch(/operation name/i)],
  ['a subscription over HTTP: an error pointing to the real-time endpoint', async () =>
    expect(graphqlMessages(await gql({ query: 'subscription { onImageClassified { id } }' }))).toMatch(/real-time endpoint/)],
  ['publishImageClassified with the API key: Unauthorized', async () => {
    const body = JSON.parse(
      (await gql({ query: 'mutation { publishImageClassified(input: { id: "x", status: COMPLETED, createdAt: "2026-01-01T00:00:00Z" }) { id } }' })).body,
    ) as { errors?: Array<{ errorType?: string; message: string }> };
    expect(body.errors?.map((e) => `${e.errorType} ${e.message}`).join()).toMatch(/Unauthorized|Not Authorized|Validation/);
  }],
  ['a request line that is not HTTP: 400 Bad Request', async () => expect(await sendRaw(apiPort(), 'HELLO\r\n\r\n')).toMatch(/^HTTP\/1\.1 400/)],
  ['over HTTPS, GET /%zz: 400 BadRequestException', async () => {
    const answer = await send(portOf(t.stack.endpoints.graphqlUrlHttps!), { path: '/%zz', tls: true });
    expect(appsyncErrorType(answer)).toBe('BadRequestException');
  }],
  ['over HTTPS, POST /graphql from another origin: 403 ForbiddenException', async () => {
    const answer = await send(portOf(t.stack.endpoints.graphqlUrlHttps!), {
      method: 'POST',
      path: '/graphql',
      tls: true,
      headers: { origin: EVIL, 'x-api-key': t.stack.apiKey, 'content-type': 'application/json' },
      body: '{"query":"{__typename}"}',
    });
    expect(appsyncErrorType(answer)).toBe('ForbiddenException');
  }],
  ['DynamoDB Local, preflight from a web page: no CORS grant', async () => {
    const answer = await send(portOf(t.stack.endpoints.dynamodb), {
      method: 'OPTIONS',
      path: '/',
      headers: { origin: EVIL, 'access-control-request-method': 'POST', 'access-control-request-headers': 'x-amz-target' },
    });
    expect(answer.headers['access-control-allow-origin']).toBeUndefined();
  }],
];

const cognitoPort = () => portOf(t.stack.userPool.endpoint);
/** One call on cognito-local's port, as the AWS SDK makes it (JSON 1.1, the operation in X-Amz-Target). */
const cognitoCall = (target: string | undefined, body: string | Buffer) =>
  send(cognitoPort(), {
    method: 'POST',
    path: '/',
    headers: { 'content-type': 'application/x-amz-json-1.1', ...(target ? { 'x-amz-target': `AWSCognitoIdentityProviderService.${target}` } : {}) },
    body,
  });
const cognitoType = (answer: Answer) => (JSON.parse(answer.body) as { __type?: string }).__type;
const passwordSignIn = (username: string, password: string, clientId = t.stack.userPool.userPoolClientId) =>
  cognitoCall('InitiateAuth', JSON.stringify({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: username, PASSWORD: password } }));

/** cognito-local's own port (the CLI and Amplify sign in there): it must survive bad input too. */
const cognitoCases: Case[] = [
  ['a wrong password: 400 InvalidPasswordException (cognito-local\'s name; Cognito says NotAuthorizedException)', async () => {
    const answer = await passwordSignIn(t.stack.userPool.demoUser.email, 'not-the-password');
    expect([answer.status, cognitoType(answer)]).toEqual([400, 'InvalidPasswordException']);
  }],
  ['an app client that does not exist: 400 ResourceNotFoundException', async () =>
    expect(cognitoType(await passwordSignIn(t.stack.userPool.demoUser.email, 'x', 'no-such-client'))).toBe('ResourceNotFoundException')],
  ['a body that is not JSON: 400, the emulator lives', async () => expect((await cognitoCall('InitiateAuth', '{not json')).status).toBe(400)],
  ['no X-Amz-Target: 400 naming it', async () => {
    const answer = await cognitoCall(undefined, '{}');
    expect([answer.status, answer.body]).toEqual([400, '{"message":"Missing x-amz-target header"}']);
  }],
  ['an operation cognito-local does not know: CognitoLocal#Unsupported', async () =>
    expect(cognitoType(await cognitoCall('DeleteEverything', '{}'))).toBe('CognitoLocal#Unsupported')],
  ['a 5 MB body: 413, not parsed', async () => expect((await cognitoCall('InitiateAuth', Buffer.alloc(5 * 1024 * 1024, 0x20))).status).toBe(413)],
  ['GET /%zz: 4xx, the emulator lives', async () => {
    const answer = await send(cognitoPort(), { path: '/%zz' });
    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(answer.status).toBeLessThan(500);
  }],
  ['a request line that is not HTTP: 400 Bad Request', async () => expect(await sendRaw(cognitoPort(), 'HELLO\r\n\r\n')).toMatch(/^HTTP\/1\.1 400/)],
  ['a CORS preflight from another web origin: 403 ForbiddenException, no grant', async () => {
    const answer = await send(cognitoPort(), {
      method: 'OPTIONS',
      path: '/',
      headers: { origin: EVIL, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-amz-target' },
    });
    expect([answer.status, cognitoType(answer), answer.headers['access-control-allow-origin']]).toEqual([403, 'ForbiddenException', undefined]);
  }],
  ['AdminCreateUser from another web origin (a page making itself a user): 403 ForbiddenException, no user made', async () => {
    const username = 'page-made@evil.example';
    const made = await send(cognitoPort(), {
      method: 'POST',
      path: '/',
      headers: { origin: EVIL, 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSCognitoIdentityProviderService.AdminCreateUser' },
      body: JSON.stringify({ UserPoolId: t.stack.userPool.userPoolId, Username: username, MessageAction: 'SUPPRESS' }),
    });
    expect([made.status, cognitoType(made)]).toEqual([403, 'ForbiddenException']);
    const lookup = await cognitoCall('AdminGetUser', JSON.stringify({ UserPoolId: t.stack.userPool.userPoolId, Username: username }));
    expect(cognitoType(lookup)).toBe('UserNotFoundException');
  }],
  ["a CORS preflight from the console's own origin: granted", async () => {
    const consoleOrigin = new URL(t.stack.endpoints.graphqlUrl).origin;
    const answer = await send(cognitoPort(), { method: 'OPTIONS', path: '/', headers: { origin: consoleOrigin, 'access-control-request-method': 'POST' } });
    expect([answer.status, answer.headers['access-control-allow-origin']]).toEqual([204, consoleOrigin]);
  }],
];

/** A Cognito-shaped ID token for the demo user, signed with `key` (cognito-local's own, or any other). */
const idToken = async (key: Parameters<SignJWT['sign']>[0], claims: Record<string, unknown> = {}, header: Record<string, unknown> = {}) => {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({
    sub: '00000000-0000-4000-8000-000000000000',
    'cognito:username': 'intruder',
    'cognito:groups': ['analysts'],
    token_use: 'id',
    aud: t.stack.userPool.userPoolClientId,
    iss: t.stack.userPool.issuer,
    iat: now,
    exp: now + 3600,
    ...claims,
  })
    .setProtectedHeader({ alg: 'RS256', kid: 'CognitoLocal', ...header })
    .sign(key);
};

/** cognito-local signs with a key that ships in its package (see docs/local-stack.md): a test may mint with it too. */
const cognitoLocalKey = () =>
  importJWK((JSON.parse(readFileSync(require.resolve('cognito-local/lib/keys/cognitoLocal.private.json'), 'utf8')) as { jwk: JWK }).jwk, 'RS256');

const withToken = (token: string) => gql({ query: '{ images { items { id } } }' }, { 'x-api-key': '', authorization: token });
const unauthorized = async (answer: Answer) => expect([answer.status, appsyncErrorType(answer)]).toEqual([401, 'UnauthorizedException']);

const tokenCases: Case[] = [
  ['an Authorization header that is not a JWT: 401 UnauthorizedException', async () => unauthorized(await withToken('Bearer not-a-token'))],
  ['a token with alg "none": 401 UnauthorizedException', async () => {
    const real = await signIn({ ...t.stack.userPool, region: t.stack.region }, t.stack.userPool.demoUser.email, t.stack.userPool.demoUser.password);
    const [, payload] = real.split('.');
    const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none', kid: 'CognitoLocal' })).toString('base64url')}.${payload}.`;
    await unauthorized(await withToken(unsigned));
  }],
  ['a real token whose claims were edited (analysts group added): 401 UnauthorizedException', async () => {
    const real = await signIn({ ...t.stack.userPool, region: t.stack.region }, t.stack.userPool.demoUser.email, t.stack.userPool.demoUser.password);
    const [head, payload, signature] = real.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8')) as Record<string, unknown>;
    const edited = Buffer.from(JSON.stringify({ ...claims, 'cognito:groups': ['analysts'] })).toString('base64url');
    await unauthorized(await withToken(`${head}.${edited}.${signature}`));
  }],
  ['a token signed by another key under the pool\'s kid: 401 UnauthorizedException', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    await unauthorized(await withToken(await idToken(privateKey)));
  }],
  ['an expired token (signed by the pool\'s key): 401 UnauthorizedException', async () => {
    const now = Math.floor(Date.now() / 1000);
    await unauthorized(await withToken(await idToken(await cognitoLocalKey(), { iat: now - 7200, exp: now - 3600 })));
  }],
  ['a token for another app client: 401 UnauthorizedException', async () =>
    unauthorized(await withToken(await idToken(await cognitoLocalKey(), { aud: 'some-other-client' })))],
  ['a token from another issuer: 401 UnauthorizedException', async () =>
    unauthorized(await withToken(await idToken(await cognitoLocalKey(), { iss: 'http://127.0.0.1:1/us-east-1_other' })))],
  ['a token that is neither an id nor an access token: 401 UnauthorizedException', async () =>
    unauthorized(await withToken(await idToken(await cognitoLocalKey(), { token_use: 'refresh' })))],
  ['a real-time connection with a forged token: connection_error UnauthorizedException', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    const host = new URL(t.stack.endpoints.graphqlUrl).host;
    const c = await converse([INIT], { url: realtimeUrl({ host, Authorization: await idToken(privateKey) }), waitFor: (x) => x.messages.length > 0 });
    expect(c.messages[0]?.type).toBe('connection_error');
    expect(c.messages[0]?.payload?.errors?.[0]?.errorType).toMatch(/UnauthorizedException/);
  }],
];

const realtimeCases: Case[] = [
  ['an upgrade whose request line is GET http://[/: 400, the process lives', async () => {
    const answer = await sendRaw(apiPort(), 'GET http://[/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 400/);
  }],
  ['an upgrade to another path: 404', async () => expect(await upgradeStatus({ host: `127.0.0.1:${apiPort()}` }, '/elsewhere')).toBe(404)],
  ['an upgrade from another web origin: 403', async () => expect(await upgradeStatus({ host: `127.0.0.1:${apiPort()}`, origin: EVIL })).toBe(403)],
  ['an upgrade naming another Host (DNS rebinding): 403', async () => expect(await upgradeStatus({ host: `rebind.evil.example:${apiPort()}` })).toBe(403)],
  ['a frame that is not JSON: BadRequestException', async () => {
    const c = await converse([INIT, 'not json']);
    expect(c.messages.find((m) => m.type === 'error')?.payload?.errors?.[0]?.errorType).toBe('BadRequestException');
  }],
  ['an unknown message type: UnsupportedOperation', async () => {
    const c = await converse([INIT, JSON.stringify({ type: 'subscribe-please', id: '1' })]);
    expect(c.messages.find((m) => m.type === 'error')?.payload?.errors?.[0]?.errorType).toBe('UnsupportedOperation');
  }],
  ['start before connection_init: BadRequestException', async () => {
    const c = await converse([start('s1', { query: 'subscription { onImageClassified { id } }' })]);
    expect(c.messages.find((m) => m.type === 'error')?.payload?.errors?.[0]?.message).toMatch(/connection_init must come before start/);
  }],
  ['a 300 KB frame after connection_ack (over the 240 KB quota): closed with 1009 (message too big)', async () => {
    // After the ack, so that only the quota (not the smaller bound before it) can refuse the frame.
    const c = await converse([INIT, { afterAck: Buffer.alloc(300 * 1024, 0x20) }], { waitFor: () => false });
    expect(c.messages.map((m) => m.type)).toContain('connection_ack');
    expect(c.closeCode).toBe(1009);
  }],
  ['a 20 KB message before connection_ack: refused unparsed, closed with 1009', async () => {
    const c = await converse([JSON.stringify({ type: 'connection_init', padding: 'x'.repeat(20_000) })], { waitFor: () => false });
    expect(c.closeCode).toBe(1009);
    expect(c.messages[0]?.payload?.errors?.[0]?.errorType).toBe('BadRequestException');
  }],
  ['a connection without credentials: connection_error UnauthorizedException, nothing parsed', async () => {
    const c = await converse(['{ this is not even json'], { url: realtimeUrl({ host: 'x' }), waitFor: (x) => x.messages.length > 0 });
    expect(c.messages[0]?.type).toBe('connection_error');
    expect(c.messages[0]?.payload?.errors?.[0]?.errorType).toMatch(/UnauthorizedException/);
  }],
  ['a connection header whose API key is a JSON object ({"toString": 1}): connection_error UnauthorizedException, not a 500', async () => {
    const host = new URL(t.stack.endpoints.graphqlUrl).host;
    const c = await converse([INIT], { url: realtimeUrl({ host, 'x-api-key': { toString: 1 } } as unknown as Record<string, string>), waitFor: (x) => x.messages.length > 0 });
    expect(c.messages[0]?.type).toBe('connection_error');
    expect(c.messages[0]?.payload?.errors?.[0]?.errorType).toMatch(/UnauthorizedException/);
  }],
  ['a start whose authorization holds a JSON object ({"toString": 1}): UnauthorizedException, not InternalFailure', async () => {
    const host = new URL(t.stack.endpoints.graphqlUrl).host;
    const frame = JSON.stringify({
      id: 'obj-auth',
      type: 'start',
      payload: { data: JSON.stringify({ query: 'subscription { onImageClassified { id } }' }), extensions: { authorization: { host, 'x-api-key': { toString: 1 } } } },
    });
    const c = await converse([INIT, frame]);
    expect(c.messages.find((m) => m.type === 'error')?.payload?.errors?.[0]?.errorType).toBe('UnauthorizedException');
  }],
  ['a socket that never sends connection_init: connection_error ConnectionInitTimeout and closed (1008) after 10 s', async () => {
    // Once upgraded, a socket is outside the HTTP server's timeouts: without a deadline it was held for ever.
    const c = await converse([], { url: realtimeUrl({ host: 'x' }), waitFor: () => false, settleMs: 15_000 });
    expect(c.messages[0]?.payload?.errors?.[0]?.errorType).toBe('ConnectionInitTimeout');
    expect(c.closeCode).toBe(1008);
  }],
  ['a message that is JSON but not an object (null): BadRequestException, not InternalFailure', async () => {
    const c = await converse([INIT, { afterAck: 'null' }]);
    expect(c.messages.find((m) => m.type === 'error')?.payload?.errors?.[0]?.errorType).toBe('BadRequestException');
  }],
  ['a start whose data is JSON null: BadRequestException, not InternalFailure', async () => {
    const c = await converse([INIT, start('null-data', 'null')]);
    expect(c.messages.find((m) => m.type === 'error')?.payload?.errors?.[0]?.errorType).toBe('BadRequestException');
  }],
  ['a start whose data is not JSON: BadRequestException', async () => {
    const c = await converse([INIT, start('s2', '{nope')]);
    expect(c.messages.find((m) => m.type === 'error')?.payload?.errors?.[0]?.errorType).toBe('BadRequestException');
  }],
  ['a start with a syntax error: an error naming it', async () => {
    const c = await converse([INIT, start('s3', { query: 'subscription { onImageClassified { ' })]);
    expect(c.messages.find((m) => m.type === 'error')?.payload?.errors?.[0]?.message).toMatch(/Syntax Error/);
  }],
  ['a start with a query instead of a subscription: an error', async () => {
    const c = await converse([INIT, start('s4', { query: '{ __typename }' })]);
    expect(c.messages.find((m) => m.type === 'error')?.payload?.errors?.[0]?.message).toMatch(/Only subscription operations/);
  }],
  ['the same start id twice: DuplicatedOperationError', async () => {
    const data = { query: 'subscription { onImageClassified { id } }' };
    const c = await converse([INIT, start('dup', data), start('dup', data)]);
    expect(c.messages.find((m) => m.type === 'error')?.payload?.errors?.[0]?.errorType).toBe('DuplicatedOperationError');
  }],
  ['a start without an id: BadRequestException', async () => {
    const c = await converse([INIT, JSON.stringify({ type: 'start', payload: {} })]);
    expect(c.messages.find((m) => m.type === 'error')?.payload?.errors?.[0]?.errorType).toBe('BadRequestException');
  }],
];

describe.each([
  ['the S3 port (upload gateway)', s3Cases],
  ['the API port (AppSync over HTTP/HTTPS, DynamoDB Local)', apiCases],
  ['the real-time endpoint', realtimeCases],
  ['Cognito user-pool tokens (API and real-time)', tokenCases],
  ["cognito-local's port", cognitoCases],
])('%s', (_port, cases) => {
  it.each(cases)('%s; then /local/health is 200', async (_name, run) => {
    await run();
    await healthy();
  });
});

it('covers at least 60 hostile requests', () => {
  expect(s3Cases.length + apiCases.length + realtimeCases.length + tokenCases.length + cognitoCases.length).toBeGreaterThanOrEqual(60);
});

it('after all of that, a normal upload still completes', async () => {
  const subscriber = await subscribe(t.realtime, {});
  const { ticket, posted } = await upload(t.api, 'cat/pkgdown-kitten.jpg');
  expect(posted.status).toBe(204);
  const image = await waitFor(() => subscriber.events.find((e) => e.id === ticket.imageId && isFinal(e)), 'the final event', 60_000);
  subscriber.stop();
  expect(image).toMatchObject({ status: 'COMPLETED', detectedAnimal: 'CAT' });
  // Nothing the hostile requests tried landed outside the bucket's folder.
  expect(() => readFileSync('/tmp/escape.txt')).toThrow();
});
