/**
 * What the local AppSync server's integration tests share: a real server over DynamoDB Local and the
 * real Lambda handlers, with resolver bundles built by the real build into a temporary folder (so the
 * tests do not depend on a previous `npm run build`), plus small HTTP / SigV4 / WebSocket clients.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Sha256 } from '@aws-crypto/sha256-js';
import { CognitoIdentityProviderClient, InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import WebSocket from 'ws';
import { buildResolvers } from '../../../appsync/build-resolvers';
import { startCognitoLocal, type CognitoLocal } from '../../../local/emulators/cognito-local';
import { startDynamoDbLocal, type DynamoDbLocal } from '../../../local/emulators/dynamodb-local';
import { ensureUser, ensureUserPool, type NewUser, type UserPoolInfo } from '../../../local/provision/user-pool';
import { ensureDetectionLogsTable, ensureImageStatsTable } from '../../../local/provision/table';
import { startAppSyncServer, type AppSyncServer, type AppSyncServerOptions, type LocalLambdaHandler } from '../../../local/appsync-server';
import { LOCAL_API_KEY, LOCAL_CREDENTIALS, LOCAL_REGION } from '../../../local/common/naming';
import { createLocalHandlers } from '../../../local/runtime/handlers';

export const REPO_ROOT = path.resolve(__dirname, '../../..');
export const API_KEY = LOCAL_API_KEY;
export const CREDENTIALS = LOCAL_CREDENTIALS;
export const REGION = LOCAL_REGION;
const TABLE = 'appsync-server-test-detection-logs';
const STATS_TABLE_NAME = 'appsync-server-test-image-stats';

export interface TestStack {
  server: AppSyncServer;
  dynamodb: DynamoDbLocal;
  /** A client on DynamoDB Local and the DetectionLogs table made there. */
  client: DynamoDBClient;
  tableName: string;
  statsTableName: string;
  /** Write shards of the list indexes the handlers read and write. */
  indexShards: number;
  tmpDir: string;
  /** Set when started with userPool: the cognito-local pool whose tokens the server accepts. */
  cognito?: TestUserPool;
  stop(): Promise<void>;
}

export interface SignedInUser {
  email: string;
  sub: string;
  idToken: string;
  accessToken: string;
}

export interface TestUserPool extends UserPoolInfo {
  emulator: CognitoLocal;
  issuer: string;
  idp: CognitoIdentityProviderClient;
  /** Makes a confirmed user (in a group when given) and signs it in with USER_PASSWORD_AUTH. */
  signIn(user: NewUser): Promise<SignedInUser>;
}

const claimsOf = (jwt: string): Record<string, unknown> =>
  JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;

const startTestUserPool = async (dir: string): Promise<TestUserPool> => {
  const emulator = await startCognitoLocal({ stateDir: dir });
  const idp = new CognitoIdentityProviderClient({ endpoint: emulator.endpoint, region: REGION, credentials: CREDENTIALS });
  try {
    const pool = await ensureUserPool(idp, { pool: 'test-users', client: 'test-app' });
    return {
      ...pool,
      emulator,
      issuer: emulator.issuerOf(pool.userPoolId),
      idp,
      signIn: async (user) => {
        await ensureUser(idp, pool.userPoolId, user);
        const out = await idp.send(
          new InitiateAuthCommand({
            ClientId: pool.userPoolClientId,
            AuthFlow: 'USER_PASSWORD_AUTH',
            AuthParameters: { USERNAME: user.email, PASSWORD: user.password },
          }),
        );
        const idToken = out.AuthenticationResult?.IdToken;
        const accessToken = out.AuthenticationResult?.AccessToken;
        if (!idToken || !accessToken) throw new Error(`${user.email} got no tokens`);
        return { email: user.email, sub: String(claimsOf(idToken).sub), idToken, accessToken };
      },
    };
  } catch (error) {
    idp.destroy();
    await emulator.stop();
    throw error;
  }
};

export const startTestStack = async (
  options: {
    https?: boolean;
    userPool?: boolean;
    /** Default 8: every page these tests read is a real fan-out and merge on DynamoDB Local. */
    indexShards?: number;
    server?: Pick<AppSyncServerOptions, 'staticDir' | 'extraRoutes' | 'queryLimits'>;
  } = {},
): Promise<TestStack> => {
  const indexShards = options.indexShards ?? 8;
  const tmpDir = mkdtempSync(path.join(tmpdir(), 'appsync-server-test-'));
  const bundles = path.join(tmpDir, 'resolvers');
  await buildResolvers({ outDir: bundles });
  const dynamodb = await startDynamoDbLocal({});
  let cognito: TestUserPool | undefined;
  try {
    if (options.userPool) cognito = await startTestUserPool(path.join(tmpDir, 'cognito'));
    const client = new DynamoDBClient({ endpoint: dynamodb.endpoint, region: REGION, credentials: CREDENTIALS });
    await Promise.all([ensureDetectionLogsTable(client, TABLE), ensureImageStatsTable(client, STATS_TABLE_NAME)]);
    // The local stack's own handlers, on this DynamoDB Local; presigning is offline, so nothing listens at the S3 endpoint.
    const handlers = createLocalHandlers({
      region: REGION,
      credentials: CREDENTIALS,
      endpoints: { dynamodb: dynamodb.endpoint, s3: 'http://127.0.0.1:9' },
      tableName: TABLE,
      statsTableName: STATS_TABLE_NAME,
      indexShards,
      bucketName: 'appsync-server-test-images',
      logLevel: 'SILENT',
    });
    const server = await startAppSyncServer({
      host: '127.0.0.1',
      port: 0,
      ...(options.https ? { httpsPort: 0, tls: { dir: path.join(tmpDir, 'tls') } } : {}),
      apiKey: API_KEY,
      ...(cognito ? { userPool: { issuer: cognito.issuer, clientIds: [cognito.userPoolClientId] } } : {}),
      iamCredentials: CREDENTIALS,
      region: REGION,
      schemaPaths: [path.join(REPO_ROOT, 'schema.graphql'), path.join(REPO_ROOT, 'appsync', 'builtins.graphql')],
      resolversDir: bundles,
      dataSources: {
        DetectionLogs: { type: 'dynamodb', tableName: TABLE, client },
        ImageReader: { type: 'lambda', handler: handlers.imageReader as LocalLambdaHandler },
        RequestUpload: { type: 'lambda', handler: handlers.requestUpload as LocalLambdaHandler },
        None: { type: 'none' },
      },
      keepAliveIntervalMs: 500,
      ...options.server,
    });
    return {
      server,
      dynamodb,
      client,
      tableName: TABLE,
      statsTableName: STATS_TABLE_NAME,
      indexShards,
      tmpDir,
      ...(cognito ? { cognito } : {}),
      stop: async () => {
        await server.close();
        client.destroy();
        cognito?.idp.destroy();
        await cognito?.emulator.stop();
        await dynamodb.stop();
        rmSync(tmpDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    cognito?.idp.destroy();
    await cognito?.emulator.stop();
    await dynamodb.stop();
    throw error;
  }
};

export interface GraphQLResult {
  status: number;
  body: { data?: Record<string, unknown> | null; errors?: { errorType?: string; message: string; path?: unknown }[] };
}

export const postGraphQL = async (url: string, body: unknown, headers: Record<string, string> = { 'x-api-key': API_KEY }): Promise<GraphQLResult> => {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as GraphQLResult['body'] };
};

/** Signs a GraphQL POST with SigV4 exactly as an AWS SDK client does (service appsync). */
export const signedHeaders = async (
  url: string,
  body: string,
  options: { credentials?: { accessKeyId: string; secretAccessKey: string }; signingDate?: Date } = {},
): Promise<Record<string, string>> => {
  const target = new URL(url);
  const signer = new SignatureV4({ credentials: options.credentials ?? CREDENTIALS, region: REGION, service: 'appsync', sha256: Sha256 });
  const signed = await signer.sign(
    new HttpRequest({
      method: 'POST',
      protocol: target.protocol,
      hostname: target.hostname,
      ...(target.port ? { port: Number(target.port) } : {}),
      path: target.pathname,
      headers: { 'content-type': 'application/json', host: target.host },
      body,
    }),
    options.signingDate ? { signingDate: options.signingDate } : {},
  );
  return signed.headers as Record<string, string>;
};

export const postSigned = async (
  url: string,
  query: string,
  variables: Record<string, unknown>,
  options: Parameters<typeof signedHeaders>[2] = {},
): Promise<GraphQLResult> => {
  const body = JSON.stringify({ query, variables });
  const headers = await signedHeaders(url, body, options);
  // fetch computes host itself; the signed one must match it, which it does for the same URL.
  const { host: _host, ...rest } = headers;
  const response = await fetch(url, { method: 'POST', headers: rest, body });
  return { status: response.status, body: (await response.json()) as GraphQLResult['body'] };
};

/** An HTTPS POST trusting only the given CA (fetch in Node 20 cannot take a CA). */
export const postHttps = (url: string, body: string, headers: Record<string, string>, ca: string): Promise<GraphQLResult> =>
  new Promise((resolve, reject) => {
    const request = httpsRequest(url, { method: 'POST', headers, ca }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (c: Buffer) => chunks.push(c));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as GraphQLResult['body'] }));
    });
    request.on('error', reject);
    request.end(body);
  });

export interface RealtimeMessage {
  type: string;
  id?: string;
  payload?: { data?: Record<string, unknown>; errors?: { errorType?: string; message: string; errorCode?: number }[]; connectionTimeoutMs?: number };
}

/** A bare AppSync real-time client, to see the protocol's messages as they are. */
export class RealtimeClient {
  readonly messages: RealtimeMessage[] = [];
  private waiters: { predicate: (m: RealtimeMessage) => boolean; resolve: (m: RealtimeMessage) => void }[] = [];
  readonly socket: WebSocket;
  readonly opened: Promise<void>;

  constructor(url: string, auth: Record<string, string>, via: 'query' | 'subprotocol' = 'query', ca?: string) {
    const header = Buffer.from(JSON.stringify(auth));
    const target =
      via === 'query' ? `${url}?header=${encodeURIComponent(header.toString('base64'))}&payload=${encodeURIComponent(Buffer.from('{}').toString('base64'))}` : url;
    const protocols = via === 'query' ? ['graphql-ws'] : ['graphql-ws', `header-${header.toString('base64url')}`];
    this.socket = new WebSocket(target, protocols, ca ? { ca } : {});
    this.opened = new Promise((resolve, reject) => {
      this.socket.once('open', () => resolve());
      this.socket.once('error', reject);
    });
    this.socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as RealtimeMessage;
      this.messages.push(message);
      for (const waiter of [...this.waiters]) {
        if (waiter.predicate(message)) {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          waiter.resolve(message);
        }
      }
    });
  }

  send(message: unknown): void {
    this.socket.send(JSON.stringify(message));
  }

  /** The first message (already received or still to come) that matches. */
  next(predicate: (m: RealtimeMessage) => boolean, timeoutMs = 5_000): Promise<RealtimeMessage> {
    const seen = this.messages.find(predicate);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching message within ${timeoutMs} ms; got ${JSON.stringify(this.messages)}`)), timeoutMs);
      this.waiters.push({
        predicate,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
      });
    });
  }

  async init(): Promise<RealtimeMessage> {
    await this.opened;
    this.send({ type: 'connection_init' });
    return this.next((m) => m.type === 'connection_ack' || m.type === 'connection_error');
  }

  /** Sends a start and resolves with its start_ack or error. */
  async start(id: string, query: string, variables: Record<string, unknown>, authorization: Record<string, string>): Promise<RealtimeMessage> {
    this.send({ id, type: 'start', payload: { data: JSON.stringify({ query, variables }), extensions: { authorization } } });
    return this.next((m) => m.id === id && (m.type === 'start_ack' || m.type === 'error'));
  }

  dataFor(id: string): RealtimeMessage[] {
    return this.messages.filter((m) => m.id === id && m.type === 'data');
  }

  close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      this.socket.once('close', () => resolve());
      this.socket.close();
    });
  }
}

export const apiKeyAuthorization = (url: string, apiKey = API_KEY): Record<string, string> => ({
  host: new URL(url).host,
  'x-api-key': apiKey,
});

/** The start-message authorization an IAM client sends: SigV4 over the serialized start data. */
export const iamStartAuthorization = async (graphqlUrl: string, data: string): Promise<Record<string, string>> => {
  const target = new URL(graphqlUrl);
  const signer = new SignatureV4({ credentials: CREDENTIALS, region: REGION, service: 'appsync', sha256: Sha256 });
  const signed = await signer.sign(
    new HttpRequest({
      method: 'POST',
      protocol: target.protocol,
      hostname: target.hostname,
      path: target.pathname,
      headers: {
        accept: 'application/json, text/javascript',
        'content-encoding': 'amz-1.0',
        'content-type': 'application/json; charset=UTF-8',
        host: target.host,
      },
      body: data,
    }),
  );
  return signed.headers as Record<string, string>;
};

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
