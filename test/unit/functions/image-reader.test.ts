import { BatchGetCommand, DynamoDBDocumentClient, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { captureConsole, lambdaContext, LAMBDA_ENV, TEST_CONNECTION } from './support/lambda-env';
import { createHandler } from '../../../functions/image-reader/handler';
import { loadImageReaderConfig } from '../../../functions/runtime/config';
import { telemetryFromEnvironment } from '../../../functions/runtime/telemetry';
import { imageReaderDeps } from '../../../functions/runtime/wiring/image-reader';
import { recordToItem } from '../../../functions/core/record-mapping';
import { pendingRecord } from '../core/support/in-memory-ports';

const handler = createHandler(imageReaderDeps(loadImageReaderConfig(LAMBDA_ENV), telemetryFromEnvironment(LAMBDA_ENV), TEST_CONNECTION));
const ddb = mockClient(DynamoDBDocumentClient);
const context = lambdaContext('serverlessapp-test-image-reader');
const issuer = 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Example';
const analyst = { sub: 'sub-c', issuer, groups: ['analysts'] };
const userA = { sub: 'owner-a', issuer, groups: null };
const call = (fieldName: string, args: Record<string, unknown>, identity: unknown = analyst) =>
  handler({ fieldName, parentTypeName: 'Query', arguments: args, identity } as never, context);

let output: ReturnType<typeof captureConsole>;
beforeEach(() => {
  ddb.reset();
  output = captureConsole();
});
afterEach(() => output.restore());

describe('image-reader handler', () => {
  it('answers Query.images from the index entries alone (whole items), as GraphQL images', async () => {
    const entry = (id: string, second: number) => ({
      ...recordToItem(pendingRecord(id, { createdAt: `2026-11-22T02:59:0${second}.000Z` })),
      StatusPK: 'pending#2',
    });
    // Both in shard 2 of the 4 (INDEX_SHARDS); the other shards' partitions are empty.
    ddb.on(QueryCommand).callsFake((input: QueryCommandInput) => ({
      Items: input.ExpressionAttributeValues?.[':pk'] === 'pending#2' ? [entry('a', 2), entry('b', 1)] : [],
    }));
    const result = await call('images', { filter: { status: 'PENDING' }, limit: 5 });
    expect(result).toMatchObject({
      data: { items: [{ id: 'a', status: 'PENDING', fileName: 'whiskers.jpg' }, { id: 'b' }], nextToken: null },
    });
    expect(ddb).toHaveReceivedCommandWith(QueryCommand, { TableName: LAMBDA_ENV.TABLE_NAME, IndexName: 'ByStatus' });
    expect(ddb.commandCalls(BatchGetCommand)).toHaveLength(0);
  });

  it("reads a user's filtered images from its own twin of ByStatus, and an API-key caller's from the public ByOwner partition", async () => {
    ddb.on(QueryCommand).resolves({ Items: [] });
    await call('images', { filter: { status: 'PENDING' } }, userA);
    await call('images', {}, null);
    // One Query per write shard (INDEX_SHARDS = 4) of the caller's own partitions.
    const asked = (c: { args: [{ input: QueryCommandInput }] }) => [c.args[0].input.IndexName, c.args[0].input.ExpressionAttributeValues?.[':owner'], c.args[0].input.ExpressionAttributeValues?.[':pk']];
    expect(ddb.commandCalls(QueryCommand).map(asked)).toEqual([
      ...[0, 1, 2, 3].map((shard) => ['ByOwnerStatus', 'owner-a', `pending#${shard}`]),
      ...[0, 1, 2, 3].map((shard) => ['ByOwner', undefined, `public#${shard}`]),
    ]);
  });

  it("leaves someone else's images out of imageUrls", async () => {
    const filed = { ...pendingRecord('a'), status: 'COMPLETED' as const, objectKey: 'cats/a.jpg' };
    ddb.on(BatchGetCommand).resolves({ Responses: { [LAMBDA_ENV.TABLE_NAME]: [recordToItem(filed)] } });
    expect(await call('imageUrls', { ids: ['a'] }, { sub: 'owner-b', issuer })).toEqual({ data: [] });
    expect(await call('imageUrls', { ids: ['a'] }, null)).toEqual({ data: [] });
    expect((await call('imageUrls', { ids: ['a'] }, userA)) as { data: unknown[] }).toMatchObject({ data: [{ id: 'a' }] });
  });

  it('answers a bad limit or token with a named error', async () => {
    expect(await call('images', { limit: 500 })).toMatchObject({ error: { type: 'InvalidLimit' } });
    expect(await call('images', { nextToken: 'garbage' })).toMatchObject({ error: { type: 'InvalidNextToken' } });
    expect(ddb.calls()).toHaveLength(0);
  });

  it('answers Query.imageUrls with presigned GETs for filed images only', async () => {
    const filed = { ...pendingRecord('a'), status: 'COMPLETED' as const, objectKey: 'cats/a.jpg' };
    ddb.on(BatchGetCommand).resolves({ Responses: { [LAMBDA_ENV.TABLE_NAME]: [recordToItem(filed), recordToItem(pendingRecord('b'))] } });
    const result = (await call('imageUrls', { ids: ['a', 'b'] })) as { data: Array<{ id: string; url: string }> };
    expect(result.data.map((u) => u.id)).toEqual(['a']);
    expect(new URL(result.data[0]!.url).pathname).toContain('cats/a.jpg');
  });

  it('refuses a field it does not resolve', async () => {
    expect(await call('image', { id: 'a' })).toMatchObject({ error: { type: 'InvalidArgument' } });
  });
});
