/**
 * The DynamoDB stream event source on its own, against DynamoDB Local and fauxqs: batches in order,
 * partial batch failures retried from the failed record, a poison record isolated by bisecting and sent
 * to the on-failure queue with AWS's batch info, checkpoints that survive a new event source, and
 * filter criteria that keep non-matching records from the function without replaying them later.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { SNSClient } from '@aws-sdk/client-sns';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { startDynamoDbLocal, type DynamoDbLocal } from '../../../local/emulators/dynamodb-local';
import { startNodeEmulators, type NodeEmulators } from '../../../local/emulators/node-emulators';
import { provisionMessaging, type Messaging } from '../../../local/provision/messaging';
import { ensureDetectionLogsTable } from '../../../local/provision/table';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../../local/common/naming';
import { openCheckpointStore } from '../../../local/wiring/checkpoint-store';
import { startStreamEventSource, type StreamHandler } from '../../../local/wiring/stream-event-source';
import { sleep, waitFor } from './helpers';

jest.setTimeout(90_000);

const dir = mkdtempSync(join(tmpdir(), 'pet-detector-stream-'));
const checkpointFile = join(dir, 'checkpoints.json');
const config = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
let dynamo: DynamoDbLocal;
let emulators: NodeEmulators;
let ddb: DynamoDBClient;
let streams: DynamoDBStreamsClient;
let sqs: SQSClient;
let sns: SNSClient;
let messaging: Messaging;
let streamArn: string;

beforeAll(async () => {
  [dynamo, emulators] = await Promise.all([
    startDynamoDbLocal({}),
    startNodeEmulators({ s3Directory: join(dir, 's3'), bucket: 'unused', region: LOCAL_REGION, ...LOCAL_CREDENTIALS }),
  ]);
  ddb = new DynamoDBClient({ ...config, endpoint: dynamo.endpoint });
  streams = new DynamoDBStreamsClient({ ...config, endpoint: dynamo.endpoint });
  sqs = new SQSClient({ ...config, endpoint: emulators.sqsEndpoint });
  sns = new SNSClient({ ...config, endpoint: emulators.sqsEndpoint });
  messaging = await provisionMessaging({ sqs, sns }, { visibilityTimeoutSeconds: 1 });
  streamArn = (await ensureDetectionLogsTable(ddb, 'stream-test')).streamArn;
});

afterAll(async () => {
  [ddb, streams, sqs, sns].forEach((c) => c?.destroy());
  await Promise.allSettled([dynamo?.stop(), emulators?.stop()]);
  rmSync(dir, { recursive: true, force: true });
});

const put = (id: string) =>
  ddb.send(new PutItemCommand({ TableName: 'stream-test', Item: { ImageID: { S: id }, ListPK: { S: 'IMAGE' }, CreatedAt: { S: new Date().toISOString() } } }));

const idsOf = (event: DynamoDBStreamEvent) => event.Records.map((r) => r.dynamodb?.Keys?.ImageID?.S ?? '?');

const source = async (handler: StreamHandler, filters?: unknown[]) =>
  startStreamEventSource({
    ...(filters ? { filters } : {}),
    streams,
    sqs,
    streamArn,
    region: LOCAL_REGION,
    functionName: 'stream-test',
    handler,
    checkpoints: await openCheckpointStore(checkpointFile, streamArn),
    onFailureQueueUrl: messaging.streamFailures.url,
    batchSize: 10,
    retryAttempts: 2,
    retryDelayMs: 20,
    pollIntervalMs: 50,
  });

/** Runs a source that accepts every batch until `count` records arrived (and a moment for strays), then stops it. */
const deliveredIds = async (count: number, filters?: unknown[]): Promise<string[]> => {
  const delivered: string[] = [];
  const running = await source(async (event) => {
    delivered.push(...idsOf(event));
    return { batchItemFailures: [] };
  }, filters);
  try {
    await waitFor(() => delivered.length >= count || undefined, `${count} record(s)`);
    await sleep(300);
  } finally {
    await running.stop();
  }
  return delivered;
};

it('delivers everything once in order, isolates a poison record by bisecting, and reports it on the failure queue', async () => {
  const ids = Array.from({ length: 8 }, (_, i) => `item-${i}`);
  for (const id of ids) await put(id);

  const invocations: string[][] = [];
  const handled: string[] = [];
  const first = await source(async (event): Promise<DynamoDBBatchResponse> => {
    invocations.push(idsOf(event));
    if (idsOf(event).includes('item-5')) throw new Error('poison');
    handled.push(...idsOf(event));
    return { batchItemFailures: [] };
  });
  let failure;
  try {
    failure = await waitFor(async () => {
      const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: messaging.streamFailures.url, WaitTimeSeconds: 1 }));
      return Messages?.[0];
    }, 'the on-failure record');
    await waitFor(() => handled.length >= 7 || undefined, 'the healthy records');
  } finally {
    await first.stop();
  }

  expect(handled).toEqual(ids.filter((id) => id !== 'item-5'));
  // The whole batch failed, then its halves, until the poison record was alone.
  expect(invocations[0]).toEqual(ids);
  expect(invocations.some((batch) => batch.length === 1 && batch[0] === 'item-5')).toBe(true);
  const info = JSON.parse(failure.Body ?? '{}') as { requestContext: { condition: string }; DDBStreamBatchInfo: { batchSize: number; streamArn: string } };
  expect(info.requestContext.condition).toBe('RetryAttemptsExhausted');
  expect(info.DDBStreamBatchInfo).toMatchObject({ batchSize: 1, streamArn });
  // One first try and two retries for the poison record alone.
  expect(invocations.filter((batch) => batch.length === 1 && batch[0] === 'item-5')).toHaveLength(3);
});

it('retries from the first failed record of a partial batch failure, then resumes after its checkpoint when restarted', async () => {
  for (const id of ['p-0', 'p-1', 'p-2']) await put(id);
  const seen: string[][] = [];
  let failedOnce = false;
  const second = await source(async (event) => {
    seen.push(idsOf(event));
    const failing = event.Records.find((r) => r.dynamodb?.Keys?.ImageID?.S === 'p-1');
    if (failing && !failedOnce) {
      failedOnce = true;
      return { batchItemFailures: [{ itemIdentifier: failing.dynamodb?.SequenceNumber ?? '' }] };
    }
    return { batchItemFailures: [] };
  });
  try {
    await waitFor(() => seen.length >= 2 || undefined, 'the retry');
    await sleep(300);
  } finally {
    await second.stop();
  }
  // Nothing from the first test is replayed: the checkpoint file carried over.
  expect(seen).toEqual([
    ['p-0', 'p-1', 'p-2'],
    ['p-1', 'p-2'],
  ]);

  await put('after-restart');
  expect(await deliveredIds(1)).toEqual(['after-restart']);
});

it('hands the function only the records its filters match, and consumes the others for good', async () => {
  const onlyWanted = [{ eventName: ['INSERT'], dynamodb: { Keys: { ImageID: { S: ['wanted-1', 'wanted-2'] } } } }];
  for (const id of ['unwanted-1', 'wanted-1', 'unwanted-2', 'wanted-2', 'unwanted-3']) await put(id);
  expect(await deliveredIds(2, onlyWanted)).toEqual(['wanted-1', 'wanted-2']);

  // The trailing filtered-out record was checkpointed too: an unfiltered restart starts after it.
  await put('after-filter');
  expect(await deliveredIds(1)).toEqual(['after-filter']);
});
