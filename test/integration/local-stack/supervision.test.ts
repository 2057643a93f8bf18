/**
 * The stack knows whether it serves: GET /local/health probes every component, the uploads queue follows
 * the CDK stack's timing rule, and a child process that dies after start-up stops the whole stack with a
 * sentence naming it, instead of leaving it half alive.
 */
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { sqsVisibilityTimeoutSeconds } from '../../../infra/sqs-visibility';
import { FUNCTIONS } from '../../../local/runtime/handlers';
import { startTestStack, waitFor, type TestStack } from './helpers';

jest.setTimeout(60_000);

let t: TestStack;
const fatal: string[] = [];

beforeAll(async () => {
  t = await startTestStack({ onFatal: (message) => fatal.push(message) });
});

afterAll(async () => {
  await t?.stop();
});

const healthUrl = () => t.stack.endpoints.graphqlUrl.replace(/\/graphql$/, '/local/health');

it('GET /local/health: 200 and every component up, by name', async () => {
  const response = await fetch(healthUrl());
  const report = (await response.json()) as { status: string; components: Record<string, { up: boolean }> };
  expect(response.status).toBe(200);
  expect(report.status).toBe('UP');
  expect(Object.keys(report.components).sort()).toEqual(['appsync', 'classifier', 'cognito', 'dynamodb', 'recordSweeper', 's3', 'sqsSns', 'streamEvents', 'uploadEvents']);
  expect(Object.values(report.components).every((c) => c.up)).toBe(true);
});

it("the uploads queue's visibility timeout is the CDK stack's: six times the processor's timeout", async () => {
  const sqs = new SQSClient({ region: t.stack.region, endpoint: t.stack.endpoints.sqs, credentials: t.stack.credentials });
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: t.stack.queues.uploads.url, AttributeNames: ['VisibilityTimeout'] }));
  sqs.destroy();
  expect(Number(Attributes?.VisibilityTimeout)).toBe(sqsVisibilityTimeoutSeconds(FUNCTIONS.imageProcessor.timeoutMs / 1000));
  expect(Number(Attributes?.VisibilityTimeout)).toBe(360);
});

it('Java dying after start-up: the stack stops itself, children included, and says why', async () => {
  process.kill(t.stack.pids.dynamodb!, 'SIGKILL');
  const message = await waitFor(() => fatal[0], 'the stack to report the dead child', 20_000);
  expect(message).toMatch(/DynamoDB Local \(Java\) \(pid \d+\) exited unexpectedly \(signal SIGKILL\).*npm start/);
  // Stopped: the API no longer answers, and the emulators' child is gone too.
  await expect(fetch(healthUrl())).rejects.toThrow();
  await waitFor(() => {
    try {
      process.kill(t.stack.pids.nodeEmulators!, 0);
      return false;
    } catch {
      return true;
    }
  }, 'the emulators child to exit', 10_000);
});
