/**
 * imageStats after a SIGKILL of the whole local stack, run as users run it (`npm start`: its own process,
 * with Java and the emulators under it), in the middle of a burst of uploads. Restarted on the same state,
 * every image reaches a final status and is counted exactly once: the counts equal what images() lists,
 * and what was uploaded. The kill lands where counting twice would happen: a stream batch already counted
 * but not yet checkpointed, which the restart delivers again.
 * (Duplicate S3 events, SQS redelivery and a replayed stream batch: image-stats.test.ts.)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { decodeStreamRecord } from '../../../functions/adapters/dynamodb-stream-records';
import { documentClient } from '../../../functions/adapters/clients/dynamodb';
import { DynamoDbStatsStore } from '../../../functions/adapters/dynamodb-stats-store';
import { readImageStats } from '../../../functions/core/use-cases/image-stats';
import { isFinalTransition } from '../../../functions/core/use-cases/publish-classified';
import { ANALYSTS_GROUP } from '../../../functions/core/caller-scope';
import type { ApiTarget } from '../../../local/client/graphql';
import { signIn } from '../../../local/client/sign-in';
import { LOCAL_CREDENTIALS, LOCAL_NAMES } from '../../../local/common/naming';
import { REPO_ROOT } from '../../../local/common/paths';
import { ensureUser } from '../../../local/provision/user-pool';
import { readOutputs, type LocalOutputs } from '../../../local/stack/outputs';
import { isFinal, sleep, upload, waitFor } from './helpers';
import { countsOf, imageStats, listAll, streamRecords, sum } from './image-stats-checks';
import { descendantsOf, isJava, isRunning } from './processes';

jest.setTimeout(150_000);

/** Cats, dogs and others, JPEG and PNG: each kind of result lands in its own counter. */
const BURST = [
  'cat/emayili-cats-1.jpg',
  'cat/cinnamon-kitten.jpg',
  'cat/gdkpixbuf-cat.jpg',
  'cat/pkgdown-kitten.jpg',
  'cat/skimage-chelsea.png',
  'dog/cinnamon-puppy.jpg',
  'dog/dlib-dogs-2.jpg',
  'dog/gnomefaces-puppy.jpg',
  'dog/plasma-dog.png',
  'other/darknet-eagle.jpg',
  'other/opencv-apple.jpg',
  'other/gnomefaces-fish.jpg',
  'other/plasma-Owl.png',
  'other/skimage-camera.png',
];

const stateDir = mkdtempSync(join(tmpdir(), 'pet-detector-stats-sigkill-'));

interface RunningStack {
  child: ChildProcess;
  outputs: LocalOutputs;
  /** The public tenant, as an API-key client. */
  api: ApiTarget;
}
const children: ChildProcess[] = [];

/** `npm start` (PORT=0) on this test's state folder, as a child process; resolves once its banner is out. */
const startStack = async (): Promise<RunningStack> => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'local/start.ts'], {
    cwd: REPO_ROOT,
    env: { ...process.env, PORT: '0', LOCAL_STATE_DIR: stateDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  let exited: number | null | undefined;
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.once('exit', (code) => (exited = code));
  await waitFor(
    () => {
      if (exited !== undefined) throw new Error(`npm start exited (code ${exited}) before its banner:\n${output}`);
      return /ready in/.test(output) || undefined;
    },
    'the banner of npm start',
    90_000,
    100,
  );
  // Written by this start: the ports are new ones.
  const outputs = await readOutputs(join(stateDir, 'outputs.json'));
  return { child, outputs, api: { graphqlUrl: outputs.GraphQLApiUrl, apiKey: outputs.GraphQLApiKey } };
};

/**
 * SIGKILL to the stack's process and every process under it, all at once: nothing gets to flush, checkpoint
 * or stop cleanly. Resolves when every one of them has gone.
 */
const killEverything = async (child: ChildProcess): Promise<void> => {
  // Already reaped: its pid may belong to another process by now.
  if (child.exitCode !== null || child.signalCode !== null) return;
  const processes = [child.pid as number, ...descendantsOf(child.pid as number)].filter(isRunning);
  for (const pid of processes) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  await waitFor(() => processes.every((pid) => !isRunning(pid)) || undefined, 'every killed process to be gone', 10_000);
};

/**
 * The stack's state as DynamoDB Local and the checkpoint file hold it (read while the stack's own process is
 * frozen): how many images reached a final status, how many of those the counters hold, and how many the
 * stream's checkpoint says were delivered. Counted beyond the checkpoint: a restart delivers that batch again.
 */
const pipelineState = async (outputs: LocalOutputs, range: { from: Date; to: Date }) => {
  const target = { region: outputs.Region, endpoint: outputs.DynamoDbEndpoint, credentials: LOCAL_CREDENTIALS };
  const doc = documentClient(target);
  let counted: number;
  try {
    const stats = new DynamoDbStatsStore(doc, LOCAL_NAMES.statsTable);
    const buckets = await readImageStats({ stats }, { kind: 'everyone' }, { from: range.from.toISOString(), to: range.to.toISOString(), granularity: 'DAY' });
    counted = buckets.reduce((total, bucket) => total + bucket.total, 0);
  } finally {
    doc.destroy();
  }
  const file = join(stateDir, 'data', 'stream-checkpoints.json');
  const checkpoints = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, Record<string, { sequenceNumber?: string }>>) : {};
  // Keyed by stream ARN, then shard: a fresh state folder has one table, so one stream.
  const checkpointOf = (shardId: string) => Object.values(checkpoints)[0]?.[shardId]?.sequenceNumber;
  let final = 0;
  let checkpointed = 0;
  for (const { shardId, record } of await streamRecords(target)) {
    if (!isFinalTransition(decodeStreamRecord(record))) continue;
    final += 1;
    const checkpoint = checkpointOf(shardId);
    if (checkpoint !== undefined && BigInt(record.dynamodb?.SequenceNumber ?? '0') <= BigInt(checkpoint)) checkpointed += 1;
  }
  return { final, counted, checkpointed };
};

/** A signed-in analyst (sees every tenant's images), created in the running stack's user pool. */
const analystOf = async (outputs: LocalOutputs): Promise<ApiTarget> => {
  const user = { email: 'analyst@example.com', password: 'Stats-sigkill-password-1', group: ANALYSTS_GROUP };
  const idp = new CognitoIdentityProviderClient({ region: outputs.Region, endpoint: outputs.CognitoEndpoint, credentials: LOCAL_CREDENTIALS });
  try {
    await ensureUser(idp, outputs.UserPoolId, user);
  } finally {
    idp.destroy();
  }
  const token = await signIn({ userPoolClientId: outputs.UserPoolClientId, region: outputs.Region, endpoint: outputs.CognitoEndpoint }, user.email, user.password);
  return { graphqlUrl: outputs.GraphQLApiUrl, headers: { authorization: token } };
};

afterAll(async () => {
  // Whatever happened above, no process of either stack outlives the test run.
  for (const child of children) await killEverything(child);
  rmSync(stateDir, { recursive: true, force: true });
});

it('counts every image exactly once after a SIGKILL of the whole stack in the middle of a burst', async () => {
  const burstStartedAt = new Date();
  const range = { from: new Date(burstStartedAt.getTime() - 3_600_000), to: new Date(burstStartedAt.getTime() + 3_600_000) };
  const first = await startStack();
  const uploads = await Promise.all(BURST.map((file) => upload(first.api, file)));
  expect(uploads.map((u) => u.posted.status)).toEqual(BURST.map(() => 204));
  const ids = uploads.map((u) => u.ticket.imageId);

  // The moment to kill: a stream batch is counted, its checkpoint not yet written, and the rest of the burst is
  // still PENDING or PROCESSING. It lasts milliseconds, so freeze the stack's process (SIGSTOP) to look at
  // its state; kill it then if the moment has come, else let it go on (SIGCONT) and look again.
  const pid = first.child.pid as number;
  await waitFor(
    async () => {
      process.kill(pid, 'SIGSTOP');
      const state = await pipelineState(first.outputs, range);
      if (state.counted > state.checkpointed && state.final < ids.length) return true;
      if (state.final === ids.length) throw new Error('the burst was finished before the kill could land in it');
      process.kill(pid, 'SIGCONT');
      return undefined;
    },
    'a counted, not yet checkpointed stream batch in the middle of the burst',
    60_000,
    20,
  );
  const javaWasRunning = descendantsOf(pid).some(isJava);
  await killEverything(first.child);
  expect(javaWasRunning).toBe(true);

  const second = await startStack();
  const listed = await waitFor(
    async () => {
      const images = await listAll(second.api);
      return images.length >= ids.length && images.every(isFinal) ? images : undefined;
    },
    'every uploaded image to be final after the restart',
    60_000,
    500,
  );
  // Nothing lost, nothing twice.
  expect(listed.map((i) => i.id).sort()).toEqual([...ids].sort());
  const expected = countsOf(listed);
  expect(expected.total).toBe(ids.length);

  // Counting follows the stream (its batching window is 1 s): wait for it, then give a second count time to land.
  await waitFor(async () => (await sum(await imageStats(second.api, 'DAY', range))).total >= ids.length || undefined, 'the counters to catch up', 20_000, 250);
  await sleep(2_000);

  const analyst = await analystOf(second.outputs);
  for (const caller of [second.api, analyst]) {
    expect(sum(await imageStats(caller, 'DAY', range))).toEqual(expected);
    expect(sum(await imageStats(caller, 'HOUR', range))).toEqual(expected);
  }
});
