/**
 * DetectionLogs provisioning on DynamoDB Local: a table kept from an earlier version gains the indexes added
 * since, and rebuilds those whose projection changed, backfilled from the items already there.
 */
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, PutItemCommand, QueryCommand, UpdateTableCommand } from '@aws-sdk/client-dynamodb';
import { startDynamoDbLocal, type DynamoDbLocal } from '../../../local/emulators/dynamodb-local';
import { ensureDetectionLogsTable } from '../../../local/provision/table';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../../local/common/naming';
import { INDEX_PROJECTION, INDEXES } from '../../../functions/core/table-design';

jest.setTimeout(120_000);

let dynamo: DynamoDbLocal;
let ddb: DynamoDBClient;

beforeAll(async () => {
  dynamo = await startDynamoDbLocal({});
  ddb = new DynamoDBClient({ region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, endpoint: dynamo.endpoint });
});

afterAll(async () => {
  ddb?.destroy();
  await dynamo?.stop();
});

const indexNames = async (table: string): Promise<string[]> => {
  const { Table } = await ddb.send(new DescribeTableCommand({ TableName: table }));
  return (Table?.GlobalSecondaryIndexes ?? []).map((g) => g.IndexName!).sort();
};

/** The items of one index partition, as a Query returns them. */
const partition = async (table: string, index: string, key: string, value: string) =>
  (
    await ddb.send(
      new QueryCommand({
        TableName: table,
        IndexName: index,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': key },
        ExpressionAttributeValues: { ':pk': { S: value } },
      }),
    )
  ).Items ?? [];

/** A second start on the same table sends no UpdateTable: nothing is added or rebuilt again. */
const expectIdempotent = async (table: string) => {
  const send = jest.spyOn(ddb, 'send');
  await ensureDetectionLogsTable(ddb, table);
  expect(send.mock.calls.filter(([command]) => command instanceof UpdateTableCommand)).toEqual([]);
  send.mockRestore();
};

it('creates every designed index on a new table', async () => {
  await ensureDetectionLogsTable(ddb, 'fresh');
  expect(await indexNames('fresh')).toEqual(Object.values(INDEXES).map((i) => i.name).sort());
});

it('adds ByOwner to a table made before owners existed, with the owned items already in it', async () => {
  await ddb.send(
    new CreateTableCommand({
      TableName: 'kept',
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'ImageID', AttributeType: 'S' },
        { AttributeName: 'ListPK', AttributeType: 'S' },
        { AttributeName: 'CreatedAt', AttributeType: 'S' },
      ],
      KeySchema: [{ AttributeName: 'ImageID', KeyType: 'HASH' }],
      GlobalSecondaryIndexes: [
        {
          IndexName: 'ByCreatedAt',
          KeySchema: [
            { AttributeName: 'ListPK', KeyType: 'HASH' },
            { AttributeName: 'CreatedAt', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'KEYS_ONLY' },
        },
      ],
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
    }),
  );
  await ddb.send(
    new PutItemCommand({
      TableName: 'kept',
      Item: { ImageID: { S: 'a' }, ListPK: { S: 'IMAGE' }, CreatedAt: { S: '2026-01-01T00:00:00.000Z' }, Owner: { S: 'sub-a' }, OwnerPK: { S: 'sub-a#3' } },
    }),
  );
  const before = (await ddb.send(new DescribeTableCommand({ TableName: 'kept' }))).Table?.LatestStreamArn;

  const info = await ensureDetectionLogsTable(ddb, 'kept');

  expect(info.streamArn).toBe(before);
  expect(await indexNames('kept')).toEqual(Object.values(INDEXES).map((i) => i.name).sort());
  expect((await partition('kept', 'ByOwner', 'OwnerPK', 'sub-a#3')).map((i) => i.ImageID?.S)).toEqual(['a']);
  await expectIdempotent('kept');
});

it('rebuilds the indexes of a table made when they projected filter attributes only, so they serve whole items', async () => {
  const indexes = Object.values(INDEXES);
  await ddb.send(
    new CreateTableCommand({
      TableName: 'included',
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [...new Set(['ImageID', ...indexes.flatMap((i) => [i.partitionKey, i.sortKey])])].map((name) => ({ AttributeName: name, AttributeType: 'S' })),
      KeySchema: [{ AttributeName: 'ImageID', KeyType: 'HASH' }],
      GlobalSecondaryIndexes: indexes.map((index) => ({
        IndexName: index.name,
        KeySchema: [
          { AttributeName: index.partitionKey, KeyType: 'HASH' },
          { AttributeName: index.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['ProcessingStatus'] },
      })),
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
    }),
  );
  await ddb.send(
    new PutItemCommand({
      TableName: 'included',
      Item: {
        ImageID: { S: 'a' },
        ListPK: { S: 'IMAGE#1' },
        CreatedAt: { S: '2026-01-01T00:00:00.000Z' },
        ProcessingStatus: { S: 'completed' },
        FileName: { S: 'whiskers.jpg' },
        Labels: { L: [{ M: { Name: { S: 'Cat' }, Confidence: { N: '97.5' } } }] },
      },
    }),
  );
  const before = (await ddb.send(new DescribeTableCommand({ TableName: 'included' }))).Table?.LatestStreamArn;

  const info = await ensureDetectionLogsTable(ddb, 'included');

  expect(info.streamArn).toBe(before);
  const { Table } = await ddb.send(new DescribeTableCommand({ TableName: 'included' }));
  expect(Table?.GlobalSecondaryIndexes?.map((g) => [g.IndexName, g.Projection?.ProjectionType, g.IndexStatus]).sort()).toEqual(
    indexes.map((i) => [i.name, INDEX_PROJECTION, 'ACTIVE']).sort(),
  );
  const listed = await partition('included', 'ByCreatedAt', 'ListPK', 'IMAGE#1');
  expect(listed.map((i) => [i.ImageID?.S, i.FileName?.S, i.Labels?.L?.[0]?.M?.Name?.S])).toEqual([['a', 'whiskers.jpg', 'Cat']]);
  await expectIdempotent('included');
});

it('refuses, naming --reset, a kept table whose index has the keys of an older design', async () => {
  await ddb.send(
    new CreateTableCommand({
      TableName: 'unsharded',
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'ImageID', AttributeType: 'S' },
        { AttributeName: 'ProcessingStatus', AttributeType: 'S' },
        { AttributeName: 'CreatedAt', AttributeType: 'S' },
      ],
      KeySchema: [{ AttributeName: 'ImageID', KeyType: 'HASH' }],
      GlobalSecondaryIndexes: [
        {
          IndexName: 'ByStatus',
          KeySchema: [
            { AttributeName: 'ProcessingStatus', KeyType: 'HASH' },
            { AttributeName: 'CreatedAt', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'KEYS_ONLY' },
        },
      ],
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
    }),
  );
  await expect(ensureDetectionLogsTable(ddb, 'unsharded')).rejects.toThrow(/ByStatus is keyed ProcessingStatus\/CreatedAt, not StatusPK\/CreatedAt; run with --reset/);
});
