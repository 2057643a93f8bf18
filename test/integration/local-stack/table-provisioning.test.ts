/**
 * DetectionLogs provisioning on DynamoDB Local: a table kept from an earlier version gains the indexes added
 * since, and rebuilds those whose projection changed, backfilled from the items already there.
 */
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, PutItemCommand, QueryCommand, UpdateTableCommand } from '@aws-sdk/client-dynamodb';
import { startDynamoDbLocal, type DynamoDbLocal } from '../../../local/emulators/dynamodb-local';
import { ensureDetectionLogsTable } from '../../../local/provision/table';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../../local/common/naming';
import { INDEX_PROJECTION, INDEXES, partitionKeyAttributes } from '../../../functions/core/table-design';

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

it("adds the owner's three twins, one at a time, to a table made with the five indexes before them, backfilled from its items", async () => {
  const before = Object.values(INDEXES).filter((i) => !i.ownerKey);
  expect(before.map((i) => i.name).sort()).toEqual(['ByAnimal', 'ByCreatedAt', 'ByOwner', 'ByStatus', 'ByUncertain']);
  await ddb.send(
    new CreateTableCommand({
      TableName: 'five',
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [...new Set(['ImageID', ...before.flatMap((i) => [i.partitionKey, i.sortKey])])].map((name) => ({ AttributeName: name, AttributeType: 'S' })),
      KeySchema: [{ AttributeName: 'ImageID', KeyType: 'HASH' }],
      GlobalSecondaryIndexes: before.map((index) => ({
        IndexName: index.name,
        KeySchema: [
          { AttributeName: index.partitionKey, KeyType: 'HASH' },
          { AttributeName: index.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      })),
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
    }),
  );
  const item = (id: string, owner: string, status: string, extra: Record<string, { S: string }> = {}) =>
    new PutItemCommand({
      TableName: 'five',
      Item: { ImageID: { S: id }, CreatedAt: { S: `2026-01-01T00:00:0${id.length}.000Z` }, Owner: { S: owner }, OwnerPK: { S: `${owner}#1` }, StatusPK: { S: `${status}#1` }, ...extra },
    });
  await ddb.send(item('a', 'sub-a', 'completed', { AnimalPK: { S: 'cat#1' }, UncertainKey: { S: 'UNCERTAIN#1' } }));
  await ddb.send(item('bb', 'sub-a', 'failed'));
  await ddb.send(item('ccc', 'sub-b', 'completed', { AnimalPK: { S: 'cat#1' } }));
  const updates = jest.spyOn(ddb, 'send');

  await ensureDetectionLogsTable(ddb, 'five');

  // DynamoDB takes one index creation per UpdateTable: three, each after the previous one is ACTIVE.
  const created = updates.mock.calls
    .map(([command]) => command)
    .filter((command) => command instanceof UpdateTableCommand)
    .map((command) => (command as UpdateTableCommand).input.GlobalSecondaryIndexUpdates?.map((u) => u.Create?.IndexName));
  updates.mockRestore();
  expect(created).toEqual([['ByOwnerAnimal'], ['ByOwnerStatus'], ['ByOwnerUncertain']]);
  expect(await indexNames('five')).toEqual(Object.values(INDEXES).map((i) => i.name).sort());
  const twin = async (index: string, key: string, owner: string, value: string) =>
    (
      (
        await ddb.send(
          new QueryCommand({
            TableName: 'five',
            IndexName: index,
            KeyConditionExpression: '#owner = :owner AND #pk = :pk',
            ExpressionAttributeNames: { '#owner': 'Owner', '#pk': key },
            ExpressionAttributeValues: { ':owner': { S: owner }, ':pk': { S: value } },
          }),
        )
      ).Items ?? []
    ).map((i) => i.ImageID?.S);
  expect(await twin('ByOwnerAnimal', 'AnimalPK', 'sub-a', 'cat#1')).toEqual(['a']);
  expect(await twin('ByOwnerAnimal', 'AnimalPK', 'sub-b', 'cat#1')).toEqual(['ccc']);
  expect(await twin('ByOwnerStatus', 'StatusPK', 'sub-a', 'failed#1')).toEqual(['bb']);
  expect(await twin('ByOwnerStatus', 'StatusPK', 'sub-a', 'completed#1')).toEqual(['a']);
  expect(await twin('ByOwnerUncertain', 'UncertainKey', 'sub-a', 'UNCERTAIN#1')).toEqual(['a']);
  expect(await twin('ByOwnerUncertain', 'UncertainKey', 'sub-b', 'UNCERTAIN#1')).toEqual([]);
  await expectIdempotent('five');
});

it('rebuilds the indexes of a table made when they projected filter attributes only, so they serve whole items', async () => {
  // Those tables had the five indexes before the owner's twins, which were born holding whole items.
  const indexes = Object.values(INDEXES).filter((i) => !i.ownerKey);
  await ddb.send(
    new CreateTableCommand({
      TableName: 'included',
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [...new Set(['ImageID', ...indexes.flatMap((i) => [...partitionKeyAttributes(i), i.sortKey])])].map((name) => ({ AttributeName: name, AttributeType: 'S' })),
      KeySchema: [{ AttributeName: 'ImageID', KeyType: 'HASH' }],
      GlobalSecondaryIndexes: indexes.map((index) => ({
        IndexName: index.name,
        KeySchema: [
          ...partitionKeyAttributes(index).map((name) => ({ AttributeName: name, KeyType: 'HASH' as const })),
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
    Object.values(INDEXES).map((i) => [i.name, INDEX_PROJECTION, 'ACTIVE']).sort(),
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
