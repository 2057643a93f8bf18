/**
 * The whole flow through aws-amplify v6 in Node against the HTTPS/WSS endpoint, trusting the local CA:
 * a mutation (requestUpload), a query (image) and a subscription (onImageClassified) that receives the
 * IAM-signed publish for its id and nothing for another id. Amplify runs in a child process
 * (amplify-client.ts) so that NODE_EXTRA_CA_CERTS applies to its fetch, as it would for a user.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { REGION, API_KEY, postHttps, signedHeaders, startTestStack, type TestStack } from './support';

jest.setTimeout(90_000);

interface Step {
  step: string;
  detail: Record<string, unknown>;
}

const PUBLISH = `mutation Publish($input: PublishImageClassifiedInput!) {
  publishImageClassified(input: $input) { id owner status detectedAnimal confidence uncertain labels { name confidence } createdAt classifiedAt }
}`;

let stack: TestStack;
let child: ChildProcessWithoutNullStreams | undefined;

beforeAll(async () => {
  stack = await startTestStack({ https: true });
});

afterAll(async () => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  await stack?.stop();
});

it('serves a mutation, a query and a filtered subscription to an Amplify v6 client over HTTPS and WSS', async () => {
  const { httpsUrl, caCertificatePath } = stack.server;
  expect(httpsUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/graphql$/);
  expect(caCertificatePath).toBeDefined();
  const ca = readFileSync(caCertificatePath!, 'utf8');

  child = spawn(
    process.execPath,
    [require.resolve('tsx/cli'), path.join(__dirname, 'amplify-client.ts'), httpsUrl!, API_KEY, REGION, caCertificatePath!],
    { env: { ...process.env, NODE_EXTRA_CA_CERTS: caCertificatePath! } },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const steps: Step[] = [];
  const waiters: { step: string; resolve: (s: Step) => void }[] = [];
  createInterface({ input: child.stdout }).on('line', (line) => {
    if (!line.startsWith('{')) return;
    const step = JSON.parse(line) as Step;
    steps.push(step);
    for (const w of waiters.filter((w) => w.step === step.step || step.step === 'error')) w.resolve(step);
  });
  const next = (step: string, timeoutMs = 30_000): Promise<Step> => {
    const seen = steps.find((s) => s.step === step || s.step === 'error');
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`Amplify client never reported "${step}": ${JSON.stringify(steps)}\n${stderr}`)), timeoutMs);
      waiters.push({ step, resolve: (s) => (clearTimeout(timer), resolve(s)) });
    });
  };

  const ticket = await next('ticket');
  expect(ticket.step).toBe('ticket');
  const imageId = ticket.detail.imageId as string;
  expect(ticket.detail).toEqual(expect.objectContaining({ imageId: expect.any(String), maxBytes: expect.any(Number) }));

  expect(await next('image')).toEqual({ step: 'image', detail: { id: imageId, status: 'PENDING', fileName: 'amplify.jpg' } });

  expect((await next('subscribed')).step).toBe('subscribed');
  const input = {
    id: imageId,
    // The API-key client's uploads belong to the public tenant: its subscription is filtered to that owner.
    owner: 'public',
    status: 'COMPLETED',
    detectedAnimal: 'CAT',
    confidence: 91.25,
    uncertain: false,
    labels: [{ name: 'Cat', confidence: 91.25 }],
    createdAt: '2026-01-01T10:00:00.000Z',
    classifiedAt: '2026-01-01T10:00:02.000Z',
  };
  const body = JSON.stringify({ query: PUBLISH, variables: { input } });
  const published = await postHttps(httpsUrl!, body, await signedHeaders(httpsUrl!, body), ca);
  expect(published.status).toBe(200);
  expect(published.body.errors).toBeUndefined();

  expect(await next('event')).toEqual({
    step: 'event',
    detail: { id: imageId, status: 'COMPLETED', detectedAnimal: 'CAT', confidence: 91.25, labels: [{ name: 'Cat', confidence: 91.25 }] },
  });
  await new Promise((resolve) => setTimeout(resolve, 300));
  child.stdin.write('done\n');
  expect(await next('summary')).toEqual({ step: 'summary', detail: { events: 1, otherEvents: 0 } });
  await new Promise((resolve) => child!.once('exit', resolve));
  expect(child.exitCode).toBe(0);
});
