/**
 * DetectionLogs provisioning on DynamoDB Local: a table kept from before an index existed gains it at
 * start-up, backfilled from the items already there, as a CDK deployment would add it in AWS.
 */
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, PutItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { startDynamoDbLocal, type DynamoDbLocal } from '../../../local/emulators/dynamodb-local';
import { ensureDetectionLogsTable } from '../../../local/provision/table';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../../local/common/naming';
import { INDEXES } from '../../../functions/core/table-design';

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
  const owned = await ddb.send(
    new QueryCommand({
      TableName: 'kept',
      IndexName: 'ByOwner',
      KeyConditionExpression: '#o = :o',
      ExpressionAttributeNames: { '#o': 'OwnerPK' },
      ExpressionAttributeValues: { ':o': { S: 'sub-a#3' } },
    }),
  );
  expect(owned.Items?.map((i) => i.ImageID?.S)).toEqual(['a']);
  // Idempotent: a second start changes nothing.
  await ensureDetectionLogsTable(ddb, 'kept');
  expect(await indexNames('kept')).toEqual(Object.values(INDEXES).map((i) => i.name).sort());
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
