/**
 * The stack's life: data and stream checkpoints survive a restart (nothing replayed, nothing lost),
 * --reset wipes them, shutdown leaves no Java behind, and a missing Java is one clear sentence.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { GET_IMAGE, graphql, type Image } from '../../../local/client/graphql';
import { postToTicket, requestUpload } from '../../../local/client/upload';
import { REPO_ROOT } from '../../../local/common/paths';
import { isFinal, photo, sleep, startTestStack, subscribe, waitFor, type TestStack } from './helpers';
import { descendantsOf, isJava, isRunning } from './processes';

jest.setTimeout(120_000);

const stateDir = mkdtempSync(join(tmpdir(), 'pet-detector-lifecycle-'));
let t: TestStack | undefined;

afterAll(async () => {
  await t?.stop();
  rmSync(stateDir, { recursive: true, force: true });
});

/** `npm start` as a child process (or `command` around it), its stdout collected, with its own state folder. */
const startProcess = (stateName: string, command = process.execPath, args = ['--import', 'tsx', 'local/start.ts']) => {
  const child = spawn(command, args, {
    cwd: REPO_ROOT,
    env: { ...process.env, PORT: '0', LOCAL_STATE_DIR: join(stateDir, stateName) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const run = { child, stdout: '', exited: new Promise<number | null>((resolve) => child.once('exit', resolve)) };
  child.stdout.on('data', (chunk: Buffer) => (run.stdout += chunk.toString()));
  child.stderr.resume();
  return run;
};

const commandOf = (pid: number): string => {
  try {
    return `${pid}: ${readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').slice(0, 200)}`;
  } catch {
    return `${pid}: (exited)`;
  }
};

const uploadAndWait = async (stack: TestStack, file: string) => {
  const bytes = photo(file);
  const ticket = await requestUpload(stack.api, { fileName: 'photo.jpg', contentType: 'image/jpeg', fileSize: bytes.length });
  const subscriber = await subscribe(stack.realtime, { id: ticket.imageId });
  await postToTicket(ticket, bytes, { contentType: 'image/jpeg' });
  const image = await waitFor(() => subscriber.events.find(isFinal), `${file} classified`);
  subscriber.stop();
  return image;
};

let catId = '';

it('persists records, objects and stream checkpoints across a restart: nothing replayed, nothing lost', async () => {
  t = await startTestStack({ persist: true, stateDir, writeOutputs: true });
  const cat = await uploadAndWait(t, 'cat/taquin-1-maine.jpg');
  catId = cat.id;
  expect(cat).toMatchObject({ status: 'COMPLETED', detectedAnimal: 'CAT' });
  const outputs = JSON.parse(readFileSync(join(stateDir, 'outputs.json'), 'utf8')) as Record<string, string>;
  expect(Object.keys(outputs)).toEqual(
    expect.arrayContaining(['GraphQLApiUrl', 'GraphQLApiKey', 'RealtimeUrl', 'BucketName', 'TableName', 'TopicArn', 'Region', 'GraphQLApiUrlHttps', 'CaCertificatePath', 'S3Endpoint', 'DynamoDbEndpoint']),
  );
  expect(existsSync(outputs.CaCertificatePath as string)).toBe(true);

  const javaPid = t.stack.pids.dynamodb;
  await t.stop();
  t = undefined;
  expect(isRunning(javaPid)).toBe(false);
  expect(existsSync(join(stateDir, 'data', 'stream-checkpoints.json'))).toBe(true);

  // A restart is a new process: the handlers' cold start must see the new emulators' endpoints.
  jest.resetModules();
  t = await startTestStack({ persist: true, stateDir });
  const everything = await subscribe(t.realtime, {});
  const stillThere = (await graphql<{ image: Image | null }>(t.api, GET_IMAGE, { id: catId })).image;
  expect(stillThere).toMatchObject({ id: catId, status: 'COMPLETED', detectedAnimal: 'CAT' });
  await t.s3.send(new HeadObjectCommand({ Bucket: t.stack.outputs.BucketName, Key: `cats/${catId}.jpg` }));

  const dog = await uploadAndWait(t, 'dog/dlib-dogs-2.jpg');
  await sleep(1_000);
  everything.stop();
  // Only the new image is published: the cat's stream records were checkpointed before the restart.
  expect(everything.events.map((e) => e.id)).toEqual([dog.id]);
});

it('an upload still waiting when the stack stopped is finished after the next start', async () => {
  await t?.stop();
  jest.resetModules();
  let classifierCalls = 0;
  // The first stack's classifier only ever throttles, and the queue would retry only after 30 s.
  const throttling = {
    detectLabels: async () => {
      classifierCalls += 1;
      throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    },
  };
  t = await startTestStack({ persist: true, stateDir, classifier: { inject: throttling }, visibilityTimeoutSeconds: 30 });
  const bytes = photo('cat/gcompris-erase-kitten.jpg');
  const ticket = await requestUpload(t.api, { fileName: 'kitten.jpg', contentType: 'image/jpeg', fileSize: bytes.length });
  await postToTicket(ticket, bytes, { contentType: 'image/jpeg' });
  await waitFor(() => classifierCalls > 0 || undefined, 'the first, throttled attempt');
  const waiting = (await graphql<{ image: Image | null }>(t.api, GET_IMAGE, { id: ticket.imageId })).image;
  expect(waiting?.status).toBe('PROCESSING');
  await t.stop();

  jest.resetModules();
  t = await startTestStack({ persist: true, stateDir });
  const image = await waitFor(
    async () => {
      const current = (await graphql<{ image: Image | null }>(t!.api, GET_IMAGE, { id: ticket.imageId })).image;
      return current && isFinal(current as Image) ? current : undefined;
    },
    'the recovered upload',
    30_000,
    200,
  );
  expect(image).toMatchObject({ status: 'COMPLETED', detectedAnimal: 'CAT' });
});

it('--reset wipes the data', async () => {
  await t?.stop();
  jest.resetModules();
  t = await startTestStack({ persist: true, stateDir, reset: true });
  expect((await graphql<{ image: Image | null }>(t.api, GET_IMAGE, { id: catId })).image).toBeNull();
});

it('without Java, npm start fails with one clear error naming the package to install', async () => {
  // A PATH with node and nothing else: no java.
  const bin = mkdtempSync(join(tmpdir(), 'pet-detector-nojava-'));
  symlinkSync(process.execPath, join(bin, 'node'));
  const child = spawn(process.execPath, ['--import', 'tsx', 'local/start.ts'], {
    cwd: REPO_ROOT,
    env: { ...process.env, PATH: bin, PORT: '0', LOCAL_STATE_DIR: join(stateDir, 'nojava') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  rmSync(bin, { recursive: true, force: true });
  expect(code).toBe(1);
  const errors = stderr.split('\n').filter((line) => line.startsWith('Cannot start'));
  expect(errors).toEqual([
    'Cannot start the local stack: Java was not found on PATH, and DynamoDB Local needs it. Install it with: apt-get install -y openjdk-17-jre-headless',
  ]);
});

// How fast the banner comes is measured by `npm run bench:startup`, not here: a timed assertion fails on a loaded machine.
it('npm start prints a banner naming every endpoint, and SIGINT stops every process it started, Java included', async () => {
  const run = startProcess('npm-start');
  let started: number[] = [];
  try {
    await waitFor(() => /ready in ([\d.]+) s/.exec(run.stdout)?.[1], 'the banner', 90_000);
    for (const label of ['GraphQL (HTTP)', 'GraphQL (HTTPS)', 'Realtime', 'API key', 'S3 (upload gateway)', 'DynamoDB Local', 'Classifier']) {
      expect(run.stdout).toContain(label);
    }
    // DynamoDB Local cannot be bound to loopback (issue 11 item 4): the banner says so, with its port.
    expect(run.stdout).toMatch(/Java listens on every interface, port \d+: firewall it on an untrusted network/);
    started = descendantsOf(run.child.pid as number);
    expect(started.some(isJava)).toBe(true);

    run.child.kill('SIGINT');
    expect(await run.exited).toBe(0);
    expect(run.stdout).toContain('stopped.');
    expect(started.filter(isRunning).map(commandOf)).toEqual([]);
  } finally {
    // Should this fail, the stack must not outlive the test run (it holds the run's output pipes).
    for (const pid of [run.child.pid as number, ...started].filter(isRunning)) process.kill(pid, 'SIGKILL');
  }
});

it('a SIGTERM during start-up still stops everything that had started', async () => {
  const run = startProcess('early-stop');
  // Java is the slowest part of start-up: signal as soon as it exists.
  const java = await waitFor(() => descendantsOf(run.child.pid as number).find(isJava), 'DynamoDB Local to be spawned', 30_000, 20);
  const started = descendantsOf(run.child.pid as number);
  run.child.kill('SIGTERM');
  expect(await run.exited).toBe(0);
  expect(run.stdout).not.toContain('ready in');
  expect(run.stdout).toContain('stopped.');
  expect([java, ...started].filter(isRunning)).toEqual([]);
});

it('stops everything when its launcher dies without passing a signal on (npm does not forward SIGTERM)', async () => {
  // `npm start` runs the stack under npm and a shell; the shell here stands in for both.
  const launcher = startProcess('orphaned', 'sh', ['-c', `"${process.execPath}" --import tsx local/start.ts; :`]);
  await waitFor(() => /ready in/.test(launcher.stdout) || undefined, 'the banner', 60_000);
  const started = descendantsOf(launcher.child.pid as number);
  expect(started.some(isJava)).toBe(true);

  launcher.child.kill('SIGKILL');
  try {
    await waitFor(() => started.filter(isRunning).length === 0 || undefined, 'every process the stack started to exit', 20_000);
    expect(launcher.stdout).toContain('launcher exited: stopping the local stack...');
  } finally {
    // Should this fail, survivors must not outlive the test run (they hold its output pipes).
    for (const pid of started.filter(isRunning)) process.kill(pid, 'SIGKILL');
  }
});
