/**
 * The local AppSync server as clients see it: the real schema, the real bundled resolvers, DynamoDB Local
 * behind DetectionLogs, the real request-upload / image-reader handlers behind the Lambda data sources.
 */
import { randomUUID } from 'node:crypto';
import {
  API_KEY,
  RealtimeClient,
  apiKeyAuthorization,
  iamStartAuthorization,
  postGraphQL,
  postSigned,
  signedHeaders,
  sleep,
  startTestStack,
  type TestStack,
} from './support';

jest.setTimeout(60_000);

const PUBLISH = `mutation Publish($input: PublishImageClassifiedInput!) {
  publishImageClassified(input: $input) {
    id owner status detectedAnimal confidence uncertain s3Location fileName fileSize imageFormat
    labels { name confidence boundingBoxes { left top width height } }
    failureReason createdAt classifiedAt
  }
}`;

const SUBSCRIBE = `subscription OnClassified($id: ID, $detectedAnimal: Animal) {
  onImageClassified(id: $id, detectedAnimal: $detectedAnimal) { id status detectedAnimal confidence }
}`;

/** Owned by the public tenant, so the API-key subscribers below may receive it. */
const classified = (id: string, detectedAnimal: 'CAT' | 'DOG' = 'CAT') => ({
  id,
  owner: 'public',
  status: 'COMPLETED',
  detectedAnimal,
  confidence: 97.5,
  uncertain: false,
  s3Location: `s3://bucket/${detectedAnimal === 'CAT' ? 'cats' : 'dogs'}/${id}.jpg`,
  fileName: 'pet.jpg',
  fileSize: 1234,
  imageFormat: 'jpg',
  labels: [{ name: 'Cat', confidence: 97.5, boundingBoxes: [{ left: 0.1, top: 0.2, width: 0.3, height: 0.4 }] }],
  createdAt: '2026-01-01T10:00:00.000Z',
  classifiedAt: '2026-01-01T10:00:01.000Z',
});

let stack: TestStack;
const clients: RealtimeClient[] = [];
const connect = (via: 'query' | 'subprotocol' = 'query', auth?: Record<string, string>): RealtimeClient => {
  const client = new RealtimeClient(stack.server.realtimeUrl, auth ?? apiKeyAuthorization(stack.server.url), via);
  clients.push(client);
  return client;
};

beforeAll(async () => {
  stack = await startTestStack();
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

afterAll(async () => {
  await stack?.stop();
});

describe('queries and mutations over HTTP', () => {
  it('issues an upload ticket through the RequestUpload Lambda and reads the PENDING record back through DynamoDB', async () => {
    const ticket = await postGraphQL(stack.server.url, {
      query: `mutation Upload($input: RequestUploadInput!) {
        requestUpload(input: $input) { imageId uploadUrl uploadFields expiresAt maxBytes }
      }`,
      variables: { input: { fileName: 'cat.jpg', contentType: 'image/jpeg', fileSize: 2048 } },
    });
    expect(ticket.status).toBe(200);
    expect(ticket.body.errors).toBeUndefined();
    const upload = ticket.body.data!.requestUpload as { imageId: string; uploadUrl: string; uploadFields: string; expiresAt: string };
    expect(upload.uploadUrl).toMatch(/^http:\/\//);
    // AWSJSON travels as a JSON string.
    expect(typeof upload.uploadFields).toBe('string');
    expect(JSON.parse(upload.uploadFields)).toEqual(expect.objectContaining({ 'Content-Type': 'image/jpeg' }));

    const read = await postGraphQL(stack.server.url, {
      query: 'query Get($id: ID!) { image(id: $id) { id status fileName fileSize imageFormat createdAt } }',
      variables: { id: upload.imageId },
    });
    expect(read.body).toEqual({
      data: {
        image: {
          id: upload.imageId,
          status: 'PENDING',
          fileName: 'cat.jpg',
          fileSize: 2048,
          imageFormat: 'jpg',
          createdAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
        },
      },
    });
  });

  it('answers null for an unknown id and a typed error from the Lambda for invalid input', async () => {
    const missing = await postGraphQL(stack.server.url, { query: `{ image(id: "${randomUUID()}") { id } }` });
    expect(missing.body).toEqual({ data: { image: null } });

    const invalid = await postGraphQL(stack.server.url, {
      query: 'mutation { requestUpload(input: { fileName: "x.gif", contentType: "image/gif", fileSize: 10 }) { imageId } }',
    });
    expect(invalid.body.data).toBeNull();
    expect(invalid.body.errors).toEqual([
      expect.objectContaining({ errorType: 'UnsupportedContentType', path: ['requestUpload'], locations: [{ line: 1, column: 12, sourceName: null }] }),
    ]);
  });

  it('refuses a missing or wrong API key with HTTP 401 in AppSync shape', async () => {
    const query = { query: '{ image(id: "a") { id } }' };
    const missing = await postGraphQL(stack.server.url, query, {});
    expect(missing).toEqual({
      status: 401,
      body: { errors: [{ errorType: 'UnauthorizedException', message: 'Valid authorization header not provided.' }] },
    });
    const wrong = await postGraphQL(stack.server.url, query, { 'x-api-key': 'da2-wrong' });
    expect(wrong).toEqual({
      status: 401,
      body: { errors: [{ errorType: 'UnauthorizedException', message: 'You are not authorized to make this call.' }] },
    });
  });

  it('refuses the IAM-only publishImageClassified to an API-key caller', async () => {
    const result = await postGraphQL(stack.server.url, { query: PUBLISH, variables: { input: classified(randomUUID()) } });
    expect(result.status).toBe(200);
    expect(result.body.data).toEqual({ publishImageClassified: null });
    expect(result.body.errors).toEqual([
      expect.objectContaining({
        errorType: 'Unauthorized',
        message: 'Not Authorized to access publishImageClassified on type Mutation',
        path: ['publishImageClassified'],
      }),
    ]);
  });

  it('accepts a SigV4-signed publish and rejects a bad signature, a wrong secret and a stale date', async () => {
    const input = classified(randomUUID());
    const accepted = await postSigned(stack.server.url, PUBLISH, { input });
    expect(accepted.status).toBe(200);
    expect(accepted.body).toEqual({ data: { publishImageClassified: { ...input, failureReason: null } } });

    const wrongSecret = await postSigned(stack.server.url, PUBLISH, { input }, {
      credentials: { accessKeyId: 'LOCALSTACKACCESSKEY', secretAccessKey: 'not-the-secret' },
    });
    expect(wrongSecret.status).toBe(403);
    expect(wrongSecret.body.errors?.[0]).toEqual(expect.objectContaining({ errorType: 'InvalidSignatureException' }));

    const stale = await postSigned(stack.server.url, PUBLISH, { input }, { signingDate: new Date(Date.now() - 10 * 60 * 1000) });
    expect(stale.status).toBe(403);
    expect(stale.body.errors?.[0]?.message).toMatch(/^Signature expired/);

    // The body was changed after signing.
    const body = JSON.stringify({ query: PUBLISH, variables: { input } });
    const { host: _host, ...headers } = await signedHeaders(stack.server.url, body);
    const tampered = await fetch(stack.server.url, { method: 'POST', headers, body: body.replace('97.5', '12.5') });
    expect(tampered.status).toBe(403);
  });

  it('keeps an IAM caller out of fields that only the default API-key mode may use', async () => {
    const result = await postSigned(stack.server.url, 'mutation { requestUpload(input: { fileName: "a.jpg", contentType: "image/jpeg", fileSize: 5 }) { imageId } }', {});
    expect(result.body.errors?.[0]).toEqual(
      expect.objectContaining({ errorType: 'Unauthorized', message: 'Not Authorized to access requestUpload on type Mutation' }),
    );
  });

  it('validates AppSync scalars in variables', async () => {
    const result = await postSigned(stack.server.url, PUBLISH, { input: { ...classified(randomUUID()), createdAt: '2026-01-01 10:00' } });
    expect(result.body.data).toBeNull();
    expect(result.body.errors?.[0]?.message).toMatch(/AWSDateTime/);
  });
});

describe('subscriptions over the real-time WebSocket protocol', () => {
  it('acknowledges the connection with connectionTimeoutMs and sends keep-alives', async () => {
    const client = connect();
    const ack = await client.init();
    expect(ack).toEqual({ type: 'connection_ack', payload: { connectionTimeoutMs: 300_000 } });
    await client.next((m) => m.type === 'ka');
    expect(client.socket.protocol).toBe('graphql-ws');
  });

  it('delivers a publish to the subscriber of that id with only its selected fields, and nothing to others', async () => {
    const id = randomUUID();
    const client = connect();
    await client.init();
    const auth = apiKeyAuthorization(stack.server.url);
    expect(await client.start('mine', SUBSCRIBE, { id }, auth)).toEqual({ id: 'mine', type: 'start_ack' });
    expect((await client.start('other-id', SUBSCRIBE, { id: randomUUID() }, auth)).type).toBe('start_ack');
    expect((await client.start('dogs', SUBSCRIBE, { detectedAnimal: 'DOG' }, auth)).type).toBe('start_ack');
    expect((await client.start('everything', 'subscription { onImageClassified { id } }', {}, auth)).type).toBe('start_ack');

    const published = await postSigned(stack.server.url, PUBLISH, { input: classified(id, 'CAT') });
    expect(published.body.errors).toBeUndefined();

    const delivered = await client.next((m) => m.id === 'mine' && m.type === 'data');
    expect(delivered.payload).toEqual({ data: { onImageClassified: { id, status: 'COMPLETED', detectedAnimal: 'CAT', confidence: 97.5 } } });
    expect(await client.next((m) => m.id === 'everything' && m.type === 'data')).toEqual(
      expect.objectContaining({ payload: { data: { onImageClassified: { id } } } }),
    );
    await sleep(300);
    expect(client.dataFor('other-id')).toHaveLength(0);
    expect(client.dataFor('dogs')).toHaveLength(0);
    expect(client.dataFor('mine')).toHaveLength(1);
  });

  it('forwards to subscribers only the fields the publisher selected (the owner, which the filter needs, among them)', async () => {
    const id = randomUUID();
    const client = connect('subprotocol');
    expect((await client.init()).type).toBe('connection_ack');
    const auth = apiKeyAuthorization(stack.server.url);
    await client.start('s', SUBSCRIBE, { id }, auth);
    // The publisher selects only id, owner and status: subscribers see nothing else, as in AppSync.
    await postSigned(stack.server.url, 'mutation P($input: PublishImageClassifiedInput!) { publishImageClassified(input: $input) { id owner status } }', {
      input: classified(id, 'DOG'),
    });
    const delivered = await client.next((m) => m.id === 's' && m.type === 'data');
    expect(delivered.payload).toEqual({ data: { onImageClassified: { id, status: 'COMPLETED', detectedAnimal: null, confidence: null } } });
  });

  it('stops a subscription with complete and delivers nothing after it', async () => {
    const id = randomUUID();
    const client = connect();
    await client.init();
    await client.start('s', SUBSCRIBE, { id }, apiKeyAuthorization(stack.server.url));
    const before = stack.server.subscriptionCount;
    client.send({ id: 's', type: 'stop' });
    expect(await client.next((m) => m.id === 's' && m.type === 'complete')).toEqual({ id: 's', type: 'complete' });
    expect(stack.server.subscriptionCount).toBe(before - 1);
    await postSigned(stack.server.url, PUBLISH, { input: classified(id) });
    await sleep(300);
    expect(client.dataFor('s')).toHaveLength(0);
  });

  it('refuses a connection with a wrong API key with a connection_error', async () => {
    const client = connect('subprotocol', apiKeyAuthorization(stack.server.url, 'da2-wrong'));
    const answer = await client.init();
    expect(answer.type).toBe('connection_error');
    expect(answer.payload?.errors?.[0]).toEqual(expect.objectContaining({ errorCode: 401, message: 'You are not authorized to make this call.' }));
  });

  it('accepts an IAM-signed connection (SigV4 over <graphql>/connect with body {}) and refuses a forged one', async () => {
    const connectUrl = `${stack.server.url}/connect`;
    const signed = await iamStartAuthorization(connectUrl, '{}');
    const client = connect('subprotocol', signed);
    expect((await client.init()).type).toBe('connection_ack');

    const lastDigit = signed.authorization!.slice(-1);
    const forgedSignature = signed.authorization!.slice(0, -1) + (lastDigit === '0' ? '1' : '0');
    const forged = connect('query', { ...signed, authorization: forgedSignature });
    const answer = await forged.init();
    expect(answer.type).toBe('connection_error');
    expect(answer.payload?.errors?.[0]?.errorType).toBe('InvalidSignatureException');
  });

  it('checks auth on every start: a wrong key, and IAM on an API-key-only subscription field, are refused', async () => {
    const client = connect();
    await client.init();
    const before = stack.server.subscriptionCount;
    const wrongKey = await client.start('a', SUBSCRIBE, {}, apiKeyAuthorization(stack.server.url, 'da2-wrong'));
    expect(wrongKey).toEqual({
      id: 'a',
      type: 'error',
      payload: { errors: [{ errorType: 'UnauthorizedException', message: 'You are not authorized to make this call.' }] },
    });
    const data = JSON.stringify({ query: SUBSCRIBE, variables: {} });
    client.send({ id: 'b', type: 'start', payload: { data, extensions: { authorization: await iamStartAuthorization(stack.server.url, data) } } });
    const iam = await client.next((m) => m.id === 'b' && m.type !== 'ka');
    expect(iam.type).toBe('error');
    expect(iam.payload?.errors?.[0]).toEqual(
      expect.objectContaining({ errorType: 'Unauthorized', message: 'Not Authorized to access onImageClassified on type Subscription' }),
    );
    expect(stack.server.subscriptionCount).toBe(before);
  });

  it('reports an invalid subscription document as an error for that id', async () => {
    const client = connect();
    await client.init();
    const answer = await client.start('bad', 'subscription { onImageClassified { nope } }', {}, apiKeyAuthorization(stack.server.url));
    expect(answer.type).toBe('error');
    expect(answer.payload?.errors?.[0]?.message).toMatch(/nope/);
  });

  it("refuses a 101st subscription on one connection, as AppSync's default quota does", async () => {
    const client = connect();
    await client.init();
    const auth = apiKeyAuthorization(stack.server.url);
    const acks = await Promise.all(Array.from({ length: 100 }, (_, i) => client.start(`s${i}`, SUBSCRIBE, { id: `image-${i}` }, auth)));
    expect(acks.every((m) => m.type === 'start_ack')).toBe(true);
    const refused = await client.start('s100', SUBSCRIBE, { id: 'image-100' }, auth);
    expect(refused.type).toBe('error');
    expect(refused.payload?.errors?.[0]?.errorType).toBe('LimitExceededError');
  });

  it('closes a subscriber that stops reading (SlowConsumer) instead of buffering what it does not read', async () => {
    const client = connect();
    await client.init();
    expect((await client.start('slow', 'subscription { onImageClassified { id fileName } }', {}, apiKeyAuthorization(stack.server.url))).type).toBe('start_ack');
    const closed = new Promise<{ code: number; reason: string }>((resolve) => client.socket.once('close', (code, reason) => resolve({ code, reason: String(reason) })));
    // The client's socket stops reading; 40 MB is published to it, far past what the kernel's buffers hold.
    const raw = (client.socket as unknown as { _socket: { pause(): void; resume(): void } })._socket;
    raw.pause();
    const fileName = 'x'.repeat(100_000);
    for (let i = 0; i < 400; i += 1) {
      await stack.server.publish({ mutationField: 'publishImageClassified', payload: { ...classified(`slow-${i}`), fileName } });
    }
    raw.resume();
    const stillOpen = sleep(15_000).then(() => ({ code: 0, reason: 'still open 15 s after everything was read' }));
    expect(await Promise.race([closed, stillOpen])).toEqual({ code: 1008, reason: 'SlowConsumer: messages were not read' });
    expect(client.dataFor('slow').length).toBeLessThan(400);
  });

  it('refuses a start sent before connection_init', async () => {
    const client = connect();
    await client.opened;
    client.send({ id: 'early', type: 'start', payload: { data: JSON.stringify({ query: SUBSCRIBE }), extensions: { authorization: { 'x-api-key': API_KEY } } } });
    expect((await client.next((m) => m.id === 'early')).type).toBe('error');
  });
});
