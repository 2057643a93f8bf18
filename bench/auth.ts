/**
 * `npm run bench:auth [-- --records 10000 --users 100 --pages 300 --verifications 2000]`: the two costs that
 * private-by-default adds, on the local emulators.
 * - A user's `images` page (20 newest, the image-reader's own use case and adapter) over ByOwner, in a table of
 *   `records` images spread over `users` owners: latency percentiles per page.
 * - Verifying a cognito-local ID token the way the local AppSync server does (jose, JWKS fetched once and
 *   cached): latency percentiles per verification, for a token the server has not seen (signature checked)
 *   and for one it remembers (checked in the last minute: only its exp and nbf are looked at again).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CognitoIdentityProviderClient, InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDbDetectionLog } from '../functions/adapters/dynamodb-detection-log';
import { readImages } from '../functions/core/use-cases/read-images';
import { createUserPoolVerifier } from '../local/appsync-server/auth/user-pool';
import { isRequestError } from '../local/appsync-server/auth/sigv4';
import { LOCAL_CREDENTIALS, LOCAL_INDEX_SHARDS, LOCAL_REGION } from '../local/common/naming';
import { startCognitoLocal } from '../local/emulators/cognito-local';
import { startDynamoDbLocal } from '../local/emulators/dynamodb-local';
import { ensureDetectionLogsTable } from '../local/provision/table';
import { ensureUser, ensureUserPool } from '../local/provision/user-pool';
import { describeLatency as summary } from './percentiles';
import { seededRecord, seedRecords } from './seed';

const main = async (): Promise<void> => {
  const { values } = parseArgs({
    options: {
      records: { type: 'string', default: '10000' },
      users: { type: 'string', default: '100' },
      pages: { type: 'string', default: '300' },
      verifications: { type: 'string', default: '2000' },
    },
  });
  const records = Number(values.records);
  const users = Number(values.users);
  const dir = mkdtempSync(join(tmpdir(), 'bench-auth-'));
  const dynamo = await startDynamoDbLocal({});
  const cognito = await startCognitoLocal({ stateDir: join(dir, 'cognito') });
  const ddb = new DynamoDBClient({ region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, endpoint: dynamo.endpoint });
  const idp = new CognitoIdentityProviderClient({ region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, endpoint: cognito.endpoint });
  try {
    await ensureDetectionLogsTable(ddb, 'bench-auth');
    const log = new DynamoDbDetectionLog(DynamoDBDocumentClient.from(ddb), 'bench-auth', { indexShards: LOCAL_INDEX_SHARDS });
    const owners = Array.from({ length: users }, () => randomUUID());
    const seedMs = await seedRecords(log, records, (i) => seededRecord(owners[i % users]!, i));
    console.log(`table: ${records} images across ${users} owners, written in ${(seedMs / 1000).toFixed(1)} s`);

    // Where a page's time goes: the DynamoDB calls it makes (Queries on the owner's shards, in parallel rounds),
    // each timed around the SDK's send. A page costs about (sequential rounds x one call).
    const calls = { count: 0, times: [] as number[], byCommand: new Map<string, number>() };
    ddb.middlewareStack.add(
      (next, context) => async (args) => {
        const t0 = performance.now();
        try {
          return await next(args);
        } finally {
          calls.count += 1;
          calls.times.push(performance.now() - t0);
          calls.byCommand.set(context.commandName ?? '?', (calls.byCommand.get(context.commandName ?? '?') ?? 0) + 1);
        }
      },
      { step: 'initialize', name: 'benchCallTimer' },
    );
    const pageTimes: number[] = [];
    for (let i = 0; i < Number(values.pages); i += 1) {
      const owner = owners[i % users]!;
      const t0 = performance.now();
      const page = await readImages({ log }, { kind: 'owner', owner }, { limit: 20 });
      pageTimes.push(performance.now() - t0);
      if (page.items.length !== Math.min(20, records / users) || page.items.some((image) => image.owner !== owner)) {
        throw new Error(`page of ${owner} is wrong: ${page.items.length} items`);
      }
    }
    console.log(`a user's images page (limit 20) over ByOwner: ${summary(pageTimes)}`);
    const pages = pageTimes.length;
    console.log(
      `  per page: ${(calls.count / pages).toFixed(1)} DynamoDB calls (${[...calls.byCommand].map(([name, n]) => `${(n / pages).toFixed(1)} ${name}`).join(', ')}); ` +
        `one call: ${summary(calls.times)}`,
    );

    const pool = await ensureUserPool(idp, { pool: 'bench', client: 'bench' });
    const user = { email: 'bench@example.com', password: 'Bench-password-1' };
    await ensureUser(idp, pool.userPoolId, user);
    const auth = await idp.send(
      new InitiateAuthCommand({ ClientId: pool.userPoolClientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: user.email, PASSWORD: user.password } }),
    );
    const token = auth.AuthenticationResult!.IdToken!;
    const verify = createUserPoolVerifier({ issuer: cognito.issuerOf(pool.userPoolId), clientIds: [pool.userPoolClientId] });
    const first = performance.now();
    if (isRequestError(await verify(token))) throw new Error('the bench token was refused');
    console.log(`first verification (fetches the JWKS): ${(performance.now() - first).toFixed(1)} ms`);
    const timesOf = async (calls: number, check: () => Promise<unknown>): Promise<number[]> => {
      const times: number[] = [];
      for (let i = 0; i < calls; i += 1) {
        const t0 = performance.now();
        await check();
        times.push(performance.now() - t0);
      }
      return times;
    };
    // A clock 61 s further on at each call outlives the server's memory of the token (60 s), so every call
    // checks the signature again; 50 calls stay within the token's hour.
    let at = Date.now() - 61_000;
    const unremembered = createUserPoolVerifier(
      { issuer: cognito.issuerOf(pool.userPoolId), clientIds: [pool.userPoolClientId] },
      { now: () => (at += 61_000) },
    );
    await unremembered(token);
    console.log(`token verification, signature checked (JWKS cached): ${summary(await timesOf(50, () => unremembered(token)))}`);
    console.log(`token verification, token remembered: ${summary(await timesOf(Number(values.verifications), () => verify(token)))}`);
  } finally {
    ddb.destroy();
    idp.destroy();
    await cognito.stop();
    await dynamo.stop();
    rmSync(dir, { recursive: true, force: true });
  }
};

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
