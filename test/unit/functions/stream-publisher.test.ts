import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { captureConsole, lambdaContext, LAMBDA_ENV, TEST_CONNECTION } from './support/lambda-env';
import { createHandler } from '../../../functions/stream-publisher/handler';
import { loadStreamPublisherConfig } from '../../../functions/runtime/config';
import { telemetryFromEnvironment } from '../../../functions/runtime/telemetry';
import { streamPublisherDeps } from '../../../functions/runtime/wiring/stream-publisher';
import type { ImageRecord } from '../../../functions/core/domain';
import { recordToItem } from '../../../functions/core/record-mapping';
import { pendingRecord } from '../core/support/in-memory-ports';

const sns = mockClient(SNSClient);
// The alert ledger's conditional update (AlertSentAt): the first claim wins, later ones fail the condition.
const ddb = mockClient(DynamoDBDocumentClient);
const context = lambdaContext('serverlessapp-test-stream-publisher');

/** A stand-in AppSync endpoint on 127.0.0.1: answers each publish with the next scripted reply. */
let server: Server;
let publishes: Array<{ input: { id: string; status: string } }> = [];
let replies: string[] = [];
let handler: ReturnType<typeof createHandler>;

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      publishes.push((JSON.parse(body) as { variables: { input: { id: string; status: string } } }).variables);
      res.writeHead(200, { 'content-type': 'application/json' }).end(replies.shift() ?? '{"data":{"publishImageClassified":{"id":"x"}}}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const env = { ...LAMBDA_ENV, GRAPHQL_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql` };
  handler = createHandler(streamPublisherDeps(loadStreamPublisherConfig(env), telemetryFromEnvironment(env), TEST_CONNECTION));
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

let output: ReturnType<typeof captureConsole>;
beforeEach(() => {
  sns.reset();
  ddb.reset();
  ddb
    .on(UpdateCommand)
    .resolvesOnce({})
    .rejects(new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }));
  ddb.on(TransactWriteCommand).resolves({});
  sns.on(PublishCommand).resolves({ MessageId: 'm' });
  publishes = [];
  replies = [];
  output = captureConsole();
});
afterEach(() => output.restore());

const image = (r: ImageRecord) => marshall(recordToItem(r), { removeUndefinedValues: true }) as never;
const streamRecord = (seq: string, eventName: 'INSERT' | 'MODIFY' | 'REMOVE', oldR?: ImageRecord, newR?: ImageRecord): DynamoDBRecord => ({
  eventID: `e-${seq}`,
  eventName,
  eventSource: 'aws:dynamodb',
  awsRegion: 'us-east-1',
  dynamodb: {
    SequenceNumber: seq,
    StreamViewType: 'NEW_AND_OLD_IMAGES',
    ...(oldR ? { OldImage: image(oldR) } : {}),
    ...(newR ? { NewImage: image(newR) } : {}),
  },
});
const event = (...records: DynamoDBRecord[]): DynamoDBStreamEvent => ({ Records: records });

const processing = (id: string): ImageRecord => ({ ...pendingRecord(id), status: 'PROCESSING' });
const completed = (id: string, uncertain = false): ImageRecord => ({
  ...processing(id),
  status: 'COMPLETED',
  detectedAnimal: 'DOG',
  confidence: uncertain ? 66 : 93,
  uncertain,
  labels: [{ name: 'Dog', confidence: uncertain ? 66 : 93 }],
  objectKey: `dogs/${id}.jpg`,
  s3Location: `s3://b/dogs/${id}.jpg`,
  classifiedAt: '2026-11-22T03:00:00.000Z',
});

describe('stream-publisher handler', () => {
  it('ignores stream records that are not a transition into COMPLETED or FAILED', async () => {
    const result = await handler(
      event(
        streamRecord('1', 'INSERT', undefined, pendingRecord('a')),
        streamRecord('2', 'MODIFY', pendingRecord('a'), processing('a')),
        streamRecord('3', 'MODIFY', completed('b'), { ...completed('b'), fileName: 'renamed.jpg' }),
        streamRecord('4', 'REMOVE', completed('c')),
      ),
      context,
    );
    expect(result).toEqual({ batchItemFailures: [] });
    expect(publishes).toHaveLength(0);
    expect(sns.calls()).toHaveLength(0);
    expect(ddb.calls()).toHaveLength(0);
  });

  it('counts the final statuses of a batch in one transaction, a marker per image, before publishing', async () => {
    await handler(
      event(streamRecord('1', 'MODIFY', processing('a'), completed('a', true)), streamRecord('2', 'MODIFY', processing('b'), completed('b'))),
      context,
    );
    const transactions = ddb.commandCalls(TransactWriteCommand).map((c) => c.args[0].input.TransactItems!);
    expect(transactions).toHaveLength(1);
    const [items] = transactions;
    expect(items!.filter((i) => i.Put).map((i) => i.Put!.Item!.StatsKey)).toEqual(['COUNTED#a', 'COUNTED#b']);
    // Both in the same hour and day, counted under the owner's scope and ALL: four counter items for two images.
    // The day's bucket of ALL's month: total 2, cats 0, dogs 2 in one number, others 0, uncertain 1, failed 0 in the other.
    const day = items!.find((i) => i.Update?.Key?.StatsKey === 'ALL#D')!.Update!;
    expect(day.UpdateExpression).toMatch(/^ADD a(\d+) :v0, b\1 :v1$/);
    expect(day.ExpressionAttributeValues).toEqual({ ':v0': 2n * 10n ** 24n + 2n, ':v1': 10n ** 12n });
    expect(items!.filter((i) => i.Update)).toHaveLength(4);
  });

  it('publishes nothing when counting fails: the whole batch is retried, and its markers keep the retry from counting twice', async () => {
    ddb.on(TransactWriteCommand).rejects(Object.assign(new Error('throttled'), { name: 'ProvisionedThroughputExceededException' }));
    await expect(handler(event(streamRecord('1', 'MODIFY', processing('a'), completed('a'))), context)).rejects.toMatchObject({
      code: 'DependencyUnavailable',
    });
    expect(publishes).toHaveLength(0);
  });

  it('publishes a completed image and alerts SNS once when it is uncertain', async () => {
    const result = await handler(event(streamRecord('1', 'MODIFY', processing('a'), completed('a', true))), context);
    expect(result).toEqual({ batchItemFailures: [] });
    expect(publishes.map((p) => [p.input.id, p.input.status])).toEqual([['a', 'COMPLETED']]);
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    expect(JSON.parse(sns.commandCalls(PublishCommand)[0]!.args[0].input.Message!)).toMatchObject({ imageId: 'a', animal: 'DOG', confidence: 66 });
  });

  it('a replayed uncertain record publishes again but does not alert SNS a second time', async () => {
    const record = streamRecord('1', 'MODIFY', processing('r'), completed('r', true));
    await handler(event(record), context);
    expect(await handler(event(record), context)).toEqual({ batchItemFailures: [] });
    expect(publishes.filter((p) => p.input.id === 'r')).toHaveLength(2);
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    expect(ddb.commandCalls(UpdateCommand)[0]!.args[0].input).toMatchObject({
      ConditionExpression: 'attribute_exists(#id) AND attribute_not_exists(#sent)',
      ExpressionAttributeNames: { '#sent': 'AlertSentAt' },
    });
  });

  it('reports a publish answered with GraphQL errors as a batch item failure, and only that record', async () => {
    replies = ['{"data":null,"errors":[{"errorType":"Unauthorized","message":"Not Authorized"}]}'];
    const result = await handler(
      event(streamRecord('100', 'MODIFY', processing('a'), completed('a', true)), streamRecord('101', 'MODIFY', processing('b'), completed('b'))),
      context,
    );
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: '100' }] });
    expect(publishes.map((p) => p.input.id)).toEqual(['a', 'b']);
    // No alert for the record whose publish failed: its retry will alert.
    expect(sns.calls()).toHaveLength(0);
  });
});
