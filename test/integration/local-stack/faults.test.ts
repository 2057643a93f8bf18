/**
 * Failures on the way, as AWS would handle them: the classifier (the real local model behind a fault
 * injector, reached through the unchanged Rekognition adapter) throttles, the uploads queue redelivers
 * after its visibility timeout, and after three receives the message goes to the DLQ with the image FAILED.
 */
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { createLocalClassifier } from '../../../classifier';
import type { Classifier } from '../../../functions/core/ports';
import { GET_IMAGE, graphql, type Image } from '../../../local/client/graphql';
import { postToTicket, requestUpload } from '../../../local/client/upload';
import { isFinal, photo, sleep, startTestStack, subscribe, waitFor, type TestStack } from './helpers';

jest.setTimeout(120_000);

type Plan = 'fail-twice' | 'always-fail';
const model = createLocalClassifier({ workers: 1 });
const plans = new Map<string, Plan>();
const calls = new Map<string, number>();

/** The real model, except for images given a plan: those are throttled as Rekognition throttles. */
const faultInjector: Classifier = {
  detectLabels: async (image) => {
    const id = (image.key.split('/').pop() ?? '').replace(/\.[a-z]+$/, '');
    const call = (calls.get(id) ?? 0) + 1;
    calls.set(id, call);
    const plan = plans.get(id);
    if (plan === 'always-fail' || (plan === 'fail-twice' && call <= 2)) {
      throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    }
    return model.detectLabels(image);
  },
};

let t: TestStack;
let sqs: SQSClient;

beforeAll(async () => {
  t = await startTestStack({ classifier: { inject: faultInjector }, visibilityTimeoutSeconds: 1 });
  sqs = new SQSClient({ region: t.stack.region, endpoint: t.stack.endpoints.sqs, credentials: t.stack.credentials });
});

afterAll(async () => {
  sqs?.destroy();
  await t?.stop();
  await model.close();
});

const uploadWithPlan = async (file: string, plan: Plan) => {
  const bytes = photo(file);
  const ticket = await requestUpload(t.api, { fileName: file.split('/')[1] as string, contentType: 'image/jpeg', fileSize: bytes.length });
  plans.set(ticket.imageId, plan);
  const subscriber = await subscribe(t.realtime, { id: ticket.imageId });
  expect((await postToTicket(ticket, bytes, { contentType: 'image/jpeg' })).status).toBe(204);
  return { id: ticket.imageId, subscriber };
};

it('a classifier that fails twice, then succeeds: the third delivery completes the image', async () => {
  const { id, subscriber } = await uploadWithPlan('cat/emayili-cats-3.jpg', 'fail-twice');
  const image = await waitFor(() => subscriber.events.find(isFinal), 'the retried cat', 30_000);
  subscriber.stop();
  expect(image).toMatchObject({ status: 'COMPLETED', detectedAnimal: 'CAT', failureReason: null });
  expect(calls.get(id)).toBe(3);
  expect(subscriber.events.filter(isFinal)).toHaveLength(1);
});

it('a classifier that always fails: three receives, then the DLQ, and the image ends FAILED', async () => {
  const { id, subscriber } = await uploadWithPlan('cat/labelme-0001.jpg', 'always-fail');
  const image = await waitFor(() => subscriber.events.find(isFinal), 'the failed cat', 30_000);
  subscriber.stop();
  expect(image.status).toBe('FAILED');
  expect(image.failureReason).toMatch(/^ClassifierThrottled/);
  expect((await graphql<{ image: Image }>(t.api, GET_IMAGE, { id })).image.status).toBe('FAILED');

  // The queue moves the message on the receive after its third: nothing is lost, it waits in the DLQ.
  const dead = await waitFor(async () => {
    const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: t.stack.queues.uploadsDlq.url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
    return Messages?.find((m) => m.Body?.includes(`input/${id}.jpg`));
  }, 'the message in the DLQ', 20_000);
  const notification = JSON.parse(dead.Body ?? '{}') as { Records: Array<{ eventName: string; s3: { object: { key: string } } }> };
  expect(notification.Records[0]).toMatchObject({ eventName: 'ObjectCreated:Post', s3: { object: { key: `input/${id}.jpg` } } });
  expect(calls.get(id)).toBe(3);
  await sleep(1_500);
  expect(calls.get(id)).toBe(3);
});

it('no stream batch was given up on', async () => {
  const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: t.stack.queues.streamFailures.url, WaitTimeSeconds: 0 }));
  expect(Messages ?? []).toEqual([]);
});
