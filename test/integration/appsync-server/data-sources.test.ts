/**
 * The data sources as AppSync runs them: DynamoDB request objects executed against DynamoDB Local, the
 * Lambda data source's in-process invocation and context, NONE; and the server's other HTTP routes
 * (CORS preflight, the local stack's extra routes, a static web console with index.html fallback).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { tmpdir } from 'node:os';
import type { Context } from 'aws-lambda';
import { toMapValues } from '../../../appsync/runtime/dynamodb';
import { createDynamoDBDataSource } from '../../../local/appsync-server/data-sources/dynamodb';
import { createLambdaDataSource } from '../../../local/appsync-server/data-sources/lambda';
import { createNoneDataSource } from '../../../local/appsync-server/data-sources/none';
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

const item = (id: string, status: string, createdAt: string) =>
  toMapValues({ ImageID: id, ProcessingStatus: status, CreatedAt: createdAt, ListPK: 'IMAGE', FileSize: 10, Tags: ['a', 'b'] });

describe('DynamoDB data source', () => {
  it('puts with a condition, reports a failed condition with its DynamoDB type, updates, gets and deletes', async () => {
    const ds = createDynamoDBDataSource({ tableName: stack.tableName, client: stack.client });
    const id = randomUUID();
    const { ImageID: _key, ...attributes } = item(id, 'pending', '2026-01-01T00:00:00.000Z');
    const condition = { expression: 'attribute_not_exists(#id)', expressionNames: { '#id': 'ImageID' } };
    const put = await ds.invoke({ operation: 'PutItem', key: toMapValues({ ImageID: id }), attributeValues: attributes, condition });
    expect(put).toEqual({ result: expect.objectContaining({ ImageID: id, FileSize: 10, Tags: ['a', 'b'] }) });

    const again = await ds.invoke({ operation: 'PutItem', key: toMapValues({ ImageID: id }), attributeValues: attributes, condition });
    expect(again.result).toBeNull();
    expect(again.error).toEqual({ type: 'DynamoDB:ConditionalCheckFailedException', message: expect.any(String) });

    const updated = await ds.invoke({
      operation: 'UpdateItem',
      key: toMapValues({ ImageID: id }),
      update: { expression: 'SET #s = :s', expressionNames: { '#s': 'ProcessingStatus' }, expressionValues: toMapValues({ ':s': 'completed' }) },
    });
    expect(updated.result).toEqual(expect.objectContaining({ ImageID: id, ProcessingStatus: 'completed' }));

    const got = await ds.invoke({ operation: 'GetItem', key: toMapValues({ ImageID: id }), consistentRead: true });
    expect(got.result).toEqual(expect.objectContaining({ ProcessingStatus: 'completed', FileSize: 10 }));

    const deleted = await ds.invoke({ operation: 'DeleteItem', key: toMapValues({ ImageID: id }) });
    expect(deleted.result).toEqual(expect.objectContaining({ ImageID: id }));
    expect((await ds.invoke({ operation: 'GetItem', key: toMapValues({ ImageID: id }) })).result).toBeNull();
  });

  it('queries an index page by page with an opaque nextToken, and refuses a forged one', async () => {
    const ds = createDynamoDBDataSource({ tableName: stack.tableName, client: stack.client });
    const status = `status-${randomUUID()}`;
    for (let i = 0; i < 5; i += 1) {
      const { ImageID: _k, ...attributes } = item(`${status}-${i}`, status, `2026-01-0${i + 1}T00:00:00.000Z`);
      await ds.invoke({ operation: 'PutItem', key: toMapValues({ ImageID: `${status}-${i}` }), attributeValues: attributes });
    }
    const query = (nextToken?: string | null) =>
      ds.invoke({
        operation: 'Query',
        index: 'ByStatus',
        query: { expression: '#s = :s', expressionNames: { '#s': 'ProcessingStatus' }, expressionValues: toMapValues({ ':s': status }) },
        scanIndexForward: false,
        limit: 3,
        nextToken,
      });
    const first = (await query()).result as { items: { ImageID: string }[]; nextToken: string | null; scannedCount: number };
    expect(first.items.map((i) => i.ImageID)).toEqual([`${status}-4`, `${status}-3`, `${status}-2`]);
    expect(typeof first.nextToken).toBe('string');
    const second = (await query(first.nextToken)).result as typeof first;
    expect(second.items.map((i) => i.ImageID)).toEqual([`${status}-1`, `${status}-0`]);
    expect(second.nextToken).toBeNull();

    const forged = await query('not-a-token');
    expect(forged.error?.type).toBe('DynamoDB:ValidationException');
  });
});

describe('Lambda data source', () => {
  it('invokes the handler in-process with the payload as JSON and a Lambda-shaped context', async () => {
    let seen: { event: unknown; context: Context } | undefined;
    const ds = createLambdaDataSource({
      name: 'ImageReader',
      region: 'us-east-1',
      timeoutMs: 2_000,
      handler: async (event, context) => {
        seen = { event, context };
        return { data: { at: new Date(0), skipped: undefined } };
      },
    });
    const outcome = await ds.invoke({ operation: 'Invoke', payload: { fieldName: 'images', parentTypeName: 'Query', arguments: { limit: 2 } } });
    // The result crossed as JSON: a Date became its string, undefined vanished.
    expect(outcome).toEqual({ result: { data: { at: '1970-01-01T00:00:00.000Z' } } });
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

  it('NONE hands the request payload back as the result', async () => {
    expect(await createNoneDataSource().invoke({ payload: { id: 'x', n: 1 } })).toEqual({ result: { id: 'x', n: 1 } });
  });
});

describe('other HTTP routes', () => {
  const base = () => stack.server.url.replace(/\/graphql$/, '');

  it('answers a CORS preflight on /graphql for the headers browsers send', async () => {
    const response = await fetch(stack.server.url, { method: 'OPTIONS' });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('access-control-allow-headers')).toEqual(expect.stringContaining('x-api-key'));
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
