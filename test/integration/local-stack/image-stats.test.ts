/**
 * imageStats on the local stack: the counters equal what images() lists, after every kind of duplicate
 * the pipeline meets: a duplicate S3 event, an SQS redelivery while the first delivery still runs, and a
 * DynamoDB stream batch delivered again to the stream-publisher. (A SIGKILL of the whole stack:
 * image-stats-sigkill.test.ts.)
 */
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { documentClient } from '../../../functions/adapters/clients/dynamodb';
import { decodeStreamRecord } from '../../../functions/adapters/dynamodb-stream-records';
import { DynamoDbStatsStore } from '../../../functions/adapters/dynamodb-stats-store';
import { countFinalStatuses } from '../../../functions/core/use-cases/image-stats';
import { createLocalClassifier } from '../../../classifier';
import type { Classifier } from '../../../functions/core/ports';
import { LOCAL_NAMES } from '../../../local/common/naming';
import { postToTicket, requestUpload } from '../../../local/client/upload';
import { encodeS3EventKey } from '../../../local/wiring/s3-notifications';
import { isFinal, photo, sleep, startTestStack, subscribe, upload, waitFor, type TestStack } from './helpers';
import { countsOf, imageStats, listAll, streamRecords, sum, type Bucket } from './image-stats-checks';
import { objectCreatedRecord } from '../../../local/wiring/upload-recovery';

jest.setTimeout(180_000);

const model = createLocalClassifier({ workers: 1 });
/** Ids whose classification takes longer than the queue's visibility timeout, so SQS delivers them again meanwhile. */
const slow = new Set<string>();
const calls = new Map<string, number>();
const slowClassifier: Classifier = {
  detectLabels: async (image) => {
    const id = (image.key.split('/').pop() ?? '').replace(/\.[a-z]+$/, '');
    calls.set(id, (calls.get(id) ?? 0) + 1);
    if (slow.has(id)) await sleep(2_500);
    return model.detectLabels(image);
  },
};

let t: TestStack;
beforeAll(async () => {
  t = await startTestStack({ classifier: { inject: slowClassifier }, visibilityTimeoutSeconds: 1 });
});
afterAll(async () => {
  await t?.stop();
  await model.close();
});

const stats = async (granularity: 'HOUR' | 'DAY'): Promise<Bucket[]> => {
  const now = Date.now();
  return imageStats(t.api, granularity, { from: new Date(now - 2 * 86_400_000), to: new Date(now + 86_400_000) });
};

it('counts each image once, as images() lists it, through duplicate S3 events, SQS redelivery and a replayed stream batch', async () => {
  const uploads = ['cat/emayili-cats-1.jpg', 'cat/cinnamon-kitten.jpg', 'dog/cinnamon-puppy.jpg', 'dog/dlib-dogs-2.jpg'];
  const subscriber = await subscribe(t.realtime, {});
  const ids: string[] = [];
  for (const file of uploads) {
    const { ticket } = await upload(t.api, file);
    ids.push(ticket.imageId);
  }
  // Bytes that are no image, declared as JPEG: the image ends FAILED, and counts as failed.
  const { ticket: broken } = await upload(t.api, 'cat/not-a-photo.jpg', Buffer.from('definitely not a jpeg'));
  ids.push(broken.imageId);

  // SQS redelivery: this one is classified slower than the 1 s visibility timeout, so SQS hands it out again.
  const bytes = photo('cat/emayili-cats-3.jpg');
  const slowTicket = await requestUpload(t.api, { fileName: 'emayili-cats-3.jpg', contentType: 'image/jpeg', fileSize: bytes.length });
  slow.add(slowTicket.imageId);
  ids.push(slowTicket.imageId);
  expect((await postToTicket(slowTicket, bytes, { contentType: 'image/jpeg' })).status).toBe(204);

  // A duplicate S3 event for the first cat.
  const sqs = new SQSClient({ region: t.stack.region, endpoint: t.stack.endpoints.sqs, credentials: t.stack.credentials });
  const duplicate = { Records: [objectCreatedRecord(t.stack.outputs.BucketName, t.stack.region, { key: encodeS3EventKey(`input/${ids[0]}.jpg`), size: 1 })] };
  await sqs.send(new SendMessageCommand({ QueueUrl: t.stack.queues.uploads.url, MessageBody: JSON.stringify(duplicate) }));
  sqs.destroy();

  try {
    await waitFor(() => ids.every((id) => subscriber.events.some((e) => e.id === id && isFinal(e))), 'every upload final', 60_000);
  } catch (error) {
    console.warn(t.log.join('\n'));
    throw error;
  }
  await sleep(3_000);
  subscriber.stop();

  // A stream batch delivered again (a retry after a timeout, a restart before the checkpoint): the same records.
  const dynamodb = { region: t.stack.region, endpoint: t.stack.endpoints.dynamodb, credentials: t.stack.credentials };
  const replay: DynamoDBStreamEvent = { Records: (await streamRecords(dynamodb)).map((r) => r.record) };
  expect(replay.Records.length).toBeGreaterThan(ids.length);
  // The stream-publisher's counting step on it, with the stack's own store (the handler runs this step first).
  const doc = documentClient({ region: t.stack.region, endpoint: t.stack.endpoints.dynamodb, credentials: t.stack.credentials });
  const replayed = await countFinalStatuses({ stats: new DynamoDbStatsStore(doc, LOCAL_NAMES.statsTable) }, replay.Records.map(decodeStreamRecord));
  doc.destroy();
  expect(replayed).toBe(0);

  const expected = countsOf(await listAll(t.api));
  expect(expected).toMatchObject({ total: ids.length, failed: 1 });
  expect(calls.get(slowTicket.imageId)).toBeGreaterThanOrEqual(2);
  expect(sum(await stats('DAY'))).toEqual(expected);
  expect(sum(await stats('HOUR'))).toEqual(expected);
  // Every bucket of the range is there, empty ones included.
  expect(await stats('DAY')).toHaveLength(4);
});
