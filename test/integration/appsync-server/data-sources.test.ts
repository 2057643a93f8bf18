/**
 * The data sources as AppSync runs them: DynamoDB request objects executed against DynamoDB Local, the
 * Lambda data source's in-process invocation and context, NONE; and the server's other HTTP routes
 * (CORS preflight, the local stack's extra routes, a static web console with index.html fallback).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { tmpdir } from 'node:os';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { Context } from 'aws-lambda';
import type { ResolverSpec } from '../../../appsync/resolver-manifest';
import { toMapValues } from '../../../appsync/runtime/dynamodb';
import { createDynamoDBDataSource } from '../../../local/appsync-server/data-sources/dynamodb';
import { createLambdaDataSource } from '../../../local/appsync-server/data-sources/lambda';
import { createNoneDataSource } from '../../../local/appsync-server/data-sources/none';
import { ResolverRunner } from '../../../local/appsync-server/resolver-runner';
import { startTestStack, type TestStack } from './support';

jest.setTimeout(60_000);

let stack: TestStack;
const consoleDir = path.join(tmpdir(), `appsync-console-${randomUUID()}`);

beforeAll(async () => {
  mkdirSync(path.join(consoleDir, 'assets'), { recursive: true });
  writeFileSync(path.join(consoleDir, 'index.html'), '<!doctype html><title>console</title>');
  writeFileSync(path.join(consoleDir, 'assets', 'app.js'), 'console.log("app")');
  stack = await startTestStack({
    server: {
      staticDir: consoleDir,
      extraRoutes: {
        'GET /local/alerts': (_req, res) => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ alerts: ['one'] }));
        },
      },
    },
  });
});

afterAll(async () => {
  await stack?.stop();
});

describe('DynamoDB data source', () => {
  it('gets an item as plain JSON, with a projection, and null for a missing key', async () => {
    const ds = createDynamoDBDataSource({ tableName: stack.tableName, client: stack.client });
    const id = randomUUID();
    await stack.client.send(
      new PutItemCommand({
        TableName: stack.tableName,
        Item: marshall({ ImageID: id, ProcessingStatus: 'COMPLETED', CreatedAt: '2026-01-01T00:00:00.000Z', FileSize: 10, Tags: ['a', 'b'] }),
      }),
    );

    const got = await ds.invoke({ operation: 'GetItem', key: toMapValues({ ImageID: id }), consistentRead: true });
    expect(got).toEqual({ result: { ImageID: id, ProcessingStatus: 'COMPLETED', CreatedAt: '2026-01-01T00:00:00.000Z', FileSize: 10, Tags: ['a', 'b'] } });

    const projected = await ds.invoke({
      operation: 'GetItem',
      key: toMapValues({ ImageID: id }),
      consistentRead: true,
      projection: { expression: '#s, FileSize', expressionNames: { '#s': 'ProcessingStatus' } },
    });
    expect(projected).toEqual({ result: { ProcessingStatus: 'COMPLETED', FileSize: 10 } });

    expect(await ds.invoke({ operation: 'GetItem', key: toMapValues({ ImageID: randomUUID() }) })).toEqual({ result: null });
  });

  it('refuses, with a named ValidationException, an operation no resolver sends and a malformed request', async () => {
    const ds = createDynamoDBDataSource({ tableName: stack.tableName, client: stack.client });
    const put = await ds.invoke({ operation: 'PutItem', key: toMapValues({ ImageID: randomUUID() }), attributeValues: {} });
    expect(put).toEqual({ result: null, error: { type: 'DynamoDB:ValidationException', message: expect.stringContaining('Unsupported DynamoDB operation: PutItem') } });
    expect((await ds.invoke('GetItem')).error?.type).toBe('DynamoDB:ValidationException');
    expect((await ds.invoke({ operation: 'GetItem', key: 'ImageID' })).error).toEqual({
      type: 'DynamoDB:ValidationException',
      message: 'key must be a map of typed values',
    });
  });

  it('reports a DynamoDB error with its exception name', async () => {
    const ds = createDynamoDBDataSource({ tableName: 'no-such-table', client: stack.client });
    const outcome = await ds.invoke({ operation: 'GetItem', key: toMapValues({ ImageID: 'x' }) });
    expect(outcome).toEqual({ result: null, error: { type: 'DynamoDB:ResourceNotFoundException', message: expect.any(String) } });
  });
});

describe('Lambda data source', () => {
  it('invokes the handler in-process with the payload and a Lambda-shaped context', async () => {
    let seen: { event: unknown; context: Context } | undefined;
    const ds = createLambdaDataSource({
      name: 'ImageReader',
      region: 'us-east-1',
      timeoutMs: 2_000,
      handler: async (event, context) => {
        seen = { event, context };
        return { data: { n: 1 } };
      },
    });
    const outcome = await ds.invoke({ operation: 'Invoke', payload: { fieldName: 'images', parentTypeName: 'Query', arguments: { limit: 2 } } });
    expect(outcome).toEqual({ result: { data: { n: 1 } } });
    expect(seen?.event).toEqual({ fieldName: 'images', parentTypeName: 'Query', arguments: { limit: 2 } });
    expect(seen?.context).toEqual(
      expect.objectContaining({
        functionName: 'ImageReader',
        functionVersion: '$LATEST',
        invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:ImageReader',
        awsRequestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
        logGroupName: '/aws/lambda/ImageReader',
      }),
    );
    const remaining = seen!.context.getRemainingTimeInMillis();
    expect(remaining).toBeGreaterThan(0);
    expect(remaining).toBeLessThanOrEqual(2_000);
  });

  it('turns a thrown error into ctx.error of type Lambda:Unhandled, and a hung handler into a timeout', async () => {
    const throwing = createLambdaDataSource({ name: 'F', region: 'us-east-1', handler: async () => Promise.reject(new Error('kaput')) });
    expect(await throwing.invoke({ operation: 'Invoke', payload: {} })).toEqual({ result: null, error: { type: 'Lambda:Unhandled', message: 'kaput' } });

    const hanging = createLambdaDataSource({ name: 'F', region: 'us-east-1', timeoutMs: 100, handler: () => new Promise(() => undefined) });
    const outcome = await hanging.invoke({ operation: 'Invoke', payload: {} });
    expect(outcome.error).toEqual({ type: 'Lambda:Unhandled', message: 'Task timed out after 0.10 seconds' });
  });

  it("hands the response handler the handler's result as JSON, as the Invoke API does", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lambda-json-'));
    const bundlePath = path.join(dir, 'Query.images.js');
    writeFileSync(
      bundlePath,
      `export function request(ctx) { return { operation: 'Invoke', payload: ctx.args }; }
       export function response(ctx) { const d = ctx.result.data; return { keys: Object.keys(d), at: typeof d.at, nested: d.list }; }`,
    );
    const handler = async () => ({ data: { at: new Date(0), skipped: undefined, list: [undefined, 1], f: () => 1 } });
    const runner = new ResolverRunner({ dataSources: new Map([['ImageReader', createLambdaDataSource({ name: 'ImageReader', region: 'us-east-1', handler })]]) });
    const spec: ResolverSpec = { typeName: 'Query', fieldName: 'images', kind: 'UNIT', dataSource: 'ImageReader', dataSourceKind: 'AWS_LAMBDA', functions: [], sourcePath: bundlePath, bundlePath };
    const outcome = await runner.run(spec, {
      arguments: { limit: 1 },
      source: null,
      identity: null,
      request: { headers: {}, domainName: null },
      info: { fieldName: 'images', parentTypeName: 'Query', variables: {}, selectionSetList: [], selectionSetGraphQL: '' },
      authType: 'API Key Authorization',
    });
    rmSync(dir, { recursive: true, force: true });
    // A Date arrives as its string, undefined and functions vanish (a list keeps the place as null).
    expect(outcome).toEqual({ ok: true, value: { keys: ['at', 'list'], at: 'string', nested: [null, 1] }, appendedErrors: [] });
  });

  it('NONE hands the request payload back as the result', async () => {
    expect(await createNoneDataSource().invoke({ payload: { id: 'x', n: 1 } })).toEqual({ result: { id: 'x', n: 1 } });
  });
});

describe('other HTTP routes', () => {
  const base = () => stack.server.url.replace(/\/graphql$/, '');

  it('answers a CORS preflight on /graphql from its own origin, for the headers browsers send', async () => {
    const origin = new URL(stack.server.url).origin;
    const response = await fetch(stack.server.url, { method: 'OPTIONS', headers: { origin } });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(origin);
    expect(response.headers.get('access-control-allow-headers')).toEqual(expect.stringContaining('x-api-key'));
  });

  it('refuses a CORS preflight from any other origin: 403 ForbiddenException, no grant', async () => {
    const response = await fetch(stack.server.url, { method: 'OPTIONS', headers: { origin: 'https://evil.example' } });
    expect(response.status).toBe(403);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expect(await response.json()).toMatchObject({ errors: [{ errorType: 'ForbiddenException' }] });
  });

  it('serves the extra routes the local stack adds', async () => {
    const response = await fetch(`${base()}/local/alerts`);
    expect(await response.json()).toEqual({ alerts: ['one'] });
  });

  it('serves the console: files, index.html for client-side routes, 404 for a missing asset', async () => {
    const root = await fetch(`${base()}/`);
    expect(root.headers.get('content-type')).toMatch(/text\/html/);
    expect(await root.text()).toContain('<title>console</title>');
    expect(await (await fetch(`${base()}/images/abc`)).text()).toContain('<title>console</title>');
    const asset = await fetch(`${base()}/assets/app.js`);
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
    expect(await asset.text()).toBe('console.log("app")');
    expect((await fetch(`${base()}/assets/missing.js`)).status).toBe(404);
    // A path that decodes to somewhere outside the console's folder is not served.
    const escape = await fetch(`${base()}/assets/..%2F..%2F..%2F..%2Fetc%2Fhostname`);
    expect(escape.status).toBe(404);
  });
});
