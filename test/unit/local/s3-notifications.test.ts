/** S3 events reach the uploads queue even when SQS is briefly away: retried until delivered, once. */
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import type { S3EventRecord } from 'aws-lambda';
import { createS3NotificationForwarder } from '../../../local/wiring/s3-notifications';
import { objectCreatedRecord } from '../../../local/wiring/upload-recovery';

const sqs = mockClient(SQSClient);
afterEach(() => sqs.reset());

const record = (key: string): S3EventRecord => objectCreatedRecord('bucket', 'us-east-1', { key, size: 1 });
const forwarder = () =>
  createS3NotificationForwarder({ sqs: new SQSClient({ region: 'us-east-1' }), queueUrl: 'q', region: 'us-east-1', bucket: 'bucket', retryDelayMs: 1 });

it('a send that fails twice is retried and delivered exactly once', async () => {
  sqs.on(SendMessageCommand).rejectsOnce(new Error('connect ECONNREFUSED')).rejectsOnce(new Error('connect ECONNREFUSED')).resolves({});
  const f = forwarder();
  f.forward([record('input/a.jpg')]);
  while (f.backlog > 0) await new Promise((r) => setTimeout(r, 5));
  expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(3);
  const body = JSON.parse(sqs.commandCalls(SendMessageCommand)[2]!.args[0].input.MessageBody!) as { Records: S3EventRecord[] };
  expect(body.Records[0]?.s3.object.key).toBe('input/a.jpg');
});

it('keeps retrying while SQS is down, and stops when the stack drains', async () => {
  sqs.on(SendMessageCommand).rejects(new Error('connect ECONNREFUSED'));
  const f = forwarder();
  f.forward([record('input/b.jpg')]);
  await new Promise((r) => setTimeout(r, 50));
  expect(f.backlog).toBe(1);
  expect(sqs.commandCalls(SendMessageCommand).length).toBeGreaterThan(2);
  await f.drain();
  expect(f.backlog).toBe(0);
});

it('forwards only ObjectCreated under input/', async () => {
  sqs.on(SendMessageCommand).resolves({});
  const f = forwarder();
  f.forward([record('cats/x.jpg'), { ...record('input/c.jpg'), eventName: 'ObjectRemoved:Delete' }]);
  await f.drain();
  expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
});
