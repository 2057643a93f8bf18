/**
 * Cognito user-pool sign-in on the local AppSync server, against a real cognito-local pool: tokens are
 * verified as AppSync verifies them, on HTTP and on the real-time protocol, and every read and every
 * subscription sees only the caller's images (analysts: everyone's; the API key: the public tenant's).
 */
import { randomUUID, generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { importJWK, SignJWT, type JWK, type JWTPayload } from 'jose';
import { recordToItem } from '../../../functions/core/record-mapping';
import { createUserPoolVerifier, TOKEN_EXPIRED } from '../../../local/appsync-server/auth/user-pool';
import { pendingRecord } from '../../unit/core/support/in-memory-ports';
import {
  API_KEY,
  apiKeyAuthorization,
  postGraphQL,
  postSigned,
  RealtimeClient,
  startTestStack,
  type SignedInUser,
  type TestStack,
} from './support';

jest.setTimeout(90_000);

const PASSWORD = 'Correct-horse-9!';
const PUBLISH = `mutation Publish($input: PublishImageClassifiedInput!) {
  publishImageClassified(input: $input) { id owner status detectedAnimal createdAt }
}`;
const SUBSCRIBE = `subscription On($id: ID) { onImageClassified(id: $id) { id owner status } }`;
const UPLOAD = `mutation { requestUpload(input: { fileName: "rex.jpg", contentType: "image/jpeg", fileSize: 1000 }) { imageId } }`;

let stack: TestStack;
let a: SignedInUser;
let b: SignedInUser;
let analyst: SignedInUser;
const sockets: RealtimeClient[] = [];

beforeAll(async () => {
  stack = await startTestStack({ userPool: true });
  const pool = stack.cognito!;
  [a, b, analyst] = await Promise.all([
    pool.signIn({ email: 'a@example.com', password: PASSWORD }),
    pool.signIn({ email: 'b@example.com', password: PASSWORD }),
    pool.signIn({ email: 'c@example.com', password: PASSWORD, group: 'analysts' }),
  ]);
});

afterEach(async () => {
  await Promise.all(sockets.splice(0).map((s) => s.close()));
});

afterAll(async () => {
  await stack?.stop();
});

const as = (token: string) => ({ authorization: token });
const gql = (query: string, variables: Record<string, unknown>, headers: Record<string, string>) =>
  postGraphQL(stack.server.url, { query, variables }, headers);
const imageOf = async (id: string, headers: Record<string, string>) =>
  (await gql('query($id: ID!) { image(id: $id) { id owner } }', { id }, headers)).body;
const listed = async (headers: Record<string, string>): Promise<string[]> => {
  const { body } = await gql('{ images(limit: 100) { items { id } } }', {}, headers);
  expect(body.errors).toBeUndefined();
  return (body.data!.images as { items: { id: string }[] }).items.map((i) => i.id);
};
const upload = async (headers: Record<string, string>): Promise<string> => {
  const { body } = await gql(UPLOAD, {}, headers);
  expect(body.errors).toBeUndefined();
  return (body.data!.requestUpload as { imageId: string }).imageId;
};

/** A filed image owned by `owner`, written straight to the table (imageUrls signs filed images only). */
const putFiled = async (owner: string): Promise<string> => {
  const id = randomUUID();
  const record = { ...pendingRecord(id, { createdAt: new Date().toISOString() }), owner, status: 'COMPLETED' as const, objectKey: `cats/${id}.jpg` };
  await stack.client.send(new PutItemCommand({ TableName: stack.tableName, Item: marshall(recordToItem(record), { removeUndefinedValues: true }) }));
  return id;
};

describe('HTTP: owner-scoped reads for signed-in users, analysts and the API key', () => {
  it("records A's upload under A's sub and shows it to A and the analyst only, exactly like a missing id to the others", async () => {
    const id = await upload(as(a.idToken));
    expect(await imageOf(id, as(a.accessToken))).toEqual({ data: { image: { id, owner: a.sub } } });
    expect(await imageOf(id, as(analyst.idToken))).toEqual({ data: { image: { id, owner: a.sub } } });
    const missing = await imageOf(randomUUID(), as(b.idToken));
    expect(await imageOf(id, as(b.idToken))).toEqual(missing);
    expect(await imageOf(id, { 'x-api-key': API_KEY })).toEqual(missing);

    expect(await listed(as(a.idToken))).toContain(id);
    expect(await listed(as(analyst.accessToken))).toContain(id);
    expect(await listed(as(b.idToken))).not.toContain(id);
    expect(await listed({ 'x-api-key': API_KEY })).not.toContain(id);
  });

  it("leaves another owner's filed images out of imageUrls", async () => {
    const mine = await putFiled(a.sub);
    const theirs = await putFiled(b.sub);
    const urls = async (headers: Record<string, string>) => {
      const { body } = await gql('query($ids: [ID!]!) { imageUrls(ids: $ids) { id } }', { ids: [mine, theirs] }, headers);
      return (body.data!.imageUrls as { id: string }[]).map((u) => u.id).sort();
    };
    expect(await urls(as(a.idToken))).toEqual([mine]);
    expect(await urls(as(b.accessToken))).toEqual([theirs]);
    expect(await urls(as(analyst.idToken))).toEqual([mine, theirs].sort());
    expect(await urls({ 'x-api-key': API_KEY })).toEqual([]);
  });

  it('refuses an upload by an analyst', async () => {
    const { body } = await gql(UPLOAD, {}, as(analyst.idToken));
    expect(body.errors?.[0]).toMatchObject({ errorType: 'Unauthorized', message: 'Not Authorized to access requestUpload on type Mutation' });
  });

  it('refuses a user-pool caller on the IAM-only publish mutation, field by field as AppSync does', async () => {
    const input = { id: randomUUID(), owner: a.sub, status: 'COMPLETED', createdAt: new Date().toISOString() };
    const { status, body } = await gql(PUBLISH, { input }, as(a.idToken));
    expect(status).toBe(200);
    expect(body).toMatchObject({
      data: { publishImageClassified: null },
      errors: [{ errorType: 'Unauthorized', message: 'Not Authorized to access publishImageClassified on type Mutation' }],
    });
  });
});

// --- tokens that must be refused ------------------------------------------------------------------------

const localKey = (JSON.parse(readFileSync(require.resolve('cognito-local/lib/keys/cognitoLocal.private.json'), 'utf8')) as { jwk: JWK }).jwk;
const claims = (token: string): JWTPayload => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as JWTPayload;
const now = () => Math.floor(Date.now() / 1000);

/** A token signed with cognito-local's own key (shipped in its package): everything but one claim is right. */
const signedLocally = async (payload: JWTPayload, key: JWK = localKey, kid = 'CognitoLocal'): Promise<string> =>
  new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid }).sign(await importJWK(key, 'RS256'));

const otherKey = (): JWK => generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }) as JWK;

const badTokens = async (): Promise<Array<[string, string]>> => {
  const id = claims(a.idToken);
  const access = claims(a.accessToken);
  const [header, , signature] = a.idToken.split('.');
  const base64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return [
    ['forged (payload changed, signature kept)', `${header}.${base64({ ...id, sub: b.sub })}.${signature}`],
    ['expired', await signedLocally({ ...id, iat: now() - 7200, exp: now() - 60 })],
    ['not yet valid', await signedLocally({ ...id, nbf: now() + 3600 })],
    ['signed by another key', await signedLocally(id, otherKey())],
    ['from another issuer', await signedLocally({ ...id, iss: `${stack.cognito!.emulator.endpoint}/local_Other` })],
    ['for another app client (ID token)', await signedLocally({ ...id, aud: 'another-client' })],
    ['for another app client (access token)', await signedLocally({ ...access, client_id: 'another-client' })],
    ['with a token_use that is neither id nor access', await signedLocally({ ...id, token_use: 'refresh' })],
    ['alg none', `${base64({ alg: 'none', typ: 'JWT' })}.${base64(id)}.`],
    ['HS256 keyed with the public key', await new SignJWT(id).setProtectedHeader({ alg: 'HS256', kid: 'CognitoLocal' }).sign(Buffer.from(JSON.stringify(localKey.n)))],
    ['not a JWT', 'not-a-token'],
  ];
};

describe('tokens AppSync would refuse are refused with UnauthorizedException, over HTTP', () => {
  it('accepts both the ID and the access token of a signed-in user', async () => {
    for (const token of [a.idToken, a.accessToken, `Bearer ${a.idToken}`]) {
      expect((await gql('{ images(limit: 1) { items { id } } }', {}, as(token))).status).toBe(200);
    }
  });

  it('refuses each bad token with a 401 and nothing else', async () => {
    for (const [what, token] of await badTokens()) {
      const { status, body } = await gql('{ images(limit: 100) { items { id owner } } }', {}, as(token));
      expect({ what, status, errorType: body.errors?.[0]?.errorType, data: body.data }).toEqual({
        what,
        status: 401,
        errorType: 'UnauthorizedException',
        data: undefined,
      });
    }
  });
});

describe('a verified token is remembered, its validity period is not', () => {
  it('checks exp again on every request, so a remembered token is refused once it expires', async () => {
    let clock = Date.now();
    const verify = createUserPoolVerifier({ issuer: stack.cognito!.issuer, clientIds: [stack.cognito!.userPoolClientId] }, { now: () => clock });
    const token = await signedLocally({ ...claims(a.idToken), iat: now(), exp: now() + 30 });
    expect(await verify(token, '10.0.0.1')).toMatchObject({ sub: a.sub, sourceIp: ['10.0.0.1'] });
    expect(await verify(token)).toMatchObject({ sub: a.sub, sourceIp: [] });
    clock += 31_000;
    expect(await verify(token)).toEqual(TOKEN_EXPIRED);
  });
});

describe('the real-time protocol: the same tokens, the same scopes', () => {
  const host = () => new URL(stack.server.url).host;
  const tokenAuth = (token: string) => ({ host: host(), Authorization: token });
  const open = async (auth: Record<string, string>, via: 'query' | 'subprotocol' = 'subprotocol') => {
    const socket = new RealtimeClient(stack.server.realtimeUrl, auth, via);
    sockets.push(socket);
    return { socket, ack: await socket.init() };
  };

  it('refuses a connection with each bad token, and a start that carries one', async () => {
    for (const [what, token] of await badTokens()) {
      const { ack } = await open(tokenAuth(token));
      expect({ what, type: ack.type, errorType: ack.payload?.errors?.[0]?.errorType }).toEqual({
        what,
        type: 'connection_error',
        errorType: 'com.amazonaws.deepdish.graphql.auth#UnauthorizedException',
      });
    }
    const { socket } = await open(tokenAuth(a.idToken), 'query');
    const [, expired] = (await badTokens())[1]!;
    const refused = await socket.start('s', SUBSCRIBE, {}, tokenAuth(expired));
    expect(refused).toMatchObject({ id: 's', type: 'error', payload: { errors: [{ errorType: 'UnauthorizedException' }] } });
  });

  it("delivers A's event to A and the analyst only, whatever B and the API key subscribe to", async () => {
    const id = randomUUID();
    const subscribers = {
      a: await open(tokenAuth(a.idToken)),
      aById: await open(tokenAuth(a.accessToken), 'query'),
      b: await open(tokenAuth(b.idToken)),
      bById: await open(tokenAuth(b.accessToken)),
      analyst: await open(tokenAuth(analyst.idToken)),
      apiKey: await open(apiKeyAuthorization(stack.server.url)),
    };
    const starts: Record<keyof typeof subscribers, [string, Record<string, unknown>, string]> = {
      a: [SUBSCRIBE, {}, a.idToken],
      aById: [SUBSCRIBE, { id }, a.accessToken],
      b: [SUBSCRIBE, {}, b.idToken],
      bById: [SUBSCRIBE, { id }, b.accessToken],
      analyst: [SUBSCRIBE, {}, analyst.idToken],
      apiKey: [SUBSCRIBE, { id }, ''],
    };
    for (const [name, { socket }] of Object.entries(subscribers) as [keyof typeof subscribers, { socket: RealtimeClient }][]) {
      const [query, variables, token] = starts[name];
      const auth = token ? tokenAuth(token) : apiKeyAuthorization(stack.server.url);
      expect((await socket.start('s', query, variables, auth)).type).toBe('start_ack');
    }
    const published = await postSigned(stack.server.url, PUBLISH, {
      input: { id, owner: a.sub, status: 'COMPLETED', detectedAnimal: 'CAT', createdAt: new Date().toISOString() },
    });
    expect(published.body.errors).toBeUndefined();
    for (const name of ['a', 'aById', 'analyst'] as const) {
      const event = await subscribers[name].socket.next((m) => m.id === 's' && m.type === 'data');
      expect(event.payload).toEqual({ data: { onImageClassified: { id, owner: a.sub, status: 'COMPLETED' } } });
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    for (const name of ['b', 'bById', 'apiKey'] as const) expect(subscribers[name].socket.dataFor('s')).toEqual([]);
  });
});
