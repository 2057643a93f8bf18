/**
 * `npm run bench:faults [-- --count 300 --kill-after 150 --throttle 0.1]`: crash consistency under faults.
 * A persistent stack (bench/faults-stack.ts, its own process group) classifies with 10% of classifier calls
 * throwing ThrottlingException. A burst of `count` uploads goes in; once `kill-after` of them are accepted
 * the whole stack (Node, Java, emulators) is SIGKILLed, then started again on the same data without
 * --reset, and the burst resumes (a POST the kill cut off is retried with a new ticket, as a client would).
 * Measured: every accepted upload reaches a final status, and how long after the restart; one record per
 * ticket; records finalised once; subscription events per image; SNS alerts per image.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DynamoDBClient, paginateScan } from '@aws-sdk/client-dynamodb';
import { GET_IMAGE, graphql, ON_IMAGE_CLASSIFIED, type Image } from '../local/client/graphql';
import { RealtimeClient } from '../local/client/realtime';
import { contentTypeFor, postToTicket, requestUpload } from '../local/client/upload';
import { LOCAL_CREDENTIALS, LOCAL_NAMES, LOCAL_REGION } from '../local/common/naming';
import { REPO_ROOT } from '../local/common/paths';
import { PHOTOS_DIR } from '../test/fixtures/photos';

interface Endpoints {
  graphqlUrl: string;
  realtimeUrl: string;
  apiKey: string;
  dynamodb: string;
}

const photos = ['cat', 'dog', 'other'].flatMap((dir) =>
  readdirSync(join(PHOTOS_DIR, dir))
    .filter((name) => contentTypeFor(name))
    .map((name) => ({ name, contentType: contentTypeFor(name) as string, bytes: readFileSync(join(PHOTOS_DIR, dir, name)) })),
);

const startStack = (options: object): Promise<{ child: ChildProcess; endpoints: Endpoints; counters: { calls: number; throttled: number } }> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--max-semi-space-size=64', '--import', 'tsx', join(REPO_ROOT, 'bench', 'faults-stack.ts')], {
      cwd: REPO_ROOT,
      env: { ...process.env, FAULTS_STACK_OPTIONS: JSON.stringify(options), AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      // Its own process group: one signal to the group reaches Java and the emulators too.
      detached: true,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const counters = { calls: 0, throttled: 0 };
    let buffer = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      for (let end = buffer.indexOf('\n'); end >= 0; end = buffer.indexOf('\n')) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 1);
        try {
          const message = JSON.parse(line) as Partial<Endpoints> & { ready?: boolean; calls?: number; throttled?: number };
          if (message.ready) resolve({ child, endpoints: message as Endpoints, counters });
          if (message.calls !== undefined) Object.assign(counters, { calls: message.calls, throttled: message.throttled });
        } catch {
          // Handler logs: not ours.
        }
      }
    });
    child.once('exit', (code) => reject(new Error(`the stack exited (code ${code}) before it was ready`)));
  });

const killGroup = (child: ChildProcess) => {
  try {
    process.kill(-(child.pid as number), 'SIGKILL');
  } catch {
    // Already gone.
  }
};

const main = async (): Promise<number> => {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      count: { type: 'string', default: '300' },
      'kill-after': { type: 'string', default: '150' },
      throttle: { type: 'string', default: '0.1' },
      concurrency: { type: 'string', default: '8' },
      workers: { type: 'string', default: '2' },
      'sdk-attempts': { type: 'string', default: '5' },
      deadline: { type: 'string', default: '60' },
    },
  });
  const count = Number(values.count);
  const killAfter = Number(values['kill-after']);
  const stateDir = mkdtempSync(join(tmpdir(), 'pet-detector-faults-'));
  const stackOptions = { stateDir, throttleShare: Number(values.throttle), workers: Number(values.workers), sdkMaxAttempts: Number(values['sdk-attempts']) };
  const children: ChildProcess[] = [];
  process.once('exit', () => children.forEach(killGroup));

  let life = await startStack(stackOptions);
  children.push(life.child);
  const events = new Map<string, number>();
  const listen = async (endpoints: Endpoints) => {
    const realtime = new RealtimeClient({ realtimeUrl: endpoints.realtimeUrl, graphqlUrl: endpoints.graphqlUrl, apiKey: endpoints.apiKey });
    await realtime.connect();
    await realtime.subscribe<{ onImageClassified: Image | null }>(ON_IMAGE_CLASSIFIED, {}, (data) => {
      const image = data.onImageClassified;
      if (image && (image.status === 'COMPLETED' || image.status === 'FAILED')) events.set(image.id, (events.get(image.id) ?? 0) + 1);
    });
    return realtime;
  };
  let realtime = await listen(life.endpoints);

  const tickets: string[] = [];
  const accepted: string[] = [];
  let acceptedBeforeKill: string[] = [];
  let killed = false;
  let restarted: Promise<void> | undefined;
  let restartedAt = 0;
  const firstLifeCounters = { calls: 0, throttled: 0 };
  const restart = async () => {
    killed = true;
    acceptedBeforeKill = [...accepted];
    Object.assign(firstLifeCounters, life.counters);
    killGroup(life.child);
    realtime.close();
    await new Promise((resolve) => setTimeout(resolve, 500));
    life = await startStack(stackOptions);
    children.push(life.child);
    restartedAt = performance.now();
    realtime = await listen(life.endpoints);
  };

  let next = 0;
  const uploadOne = async (index: number): Promise<void> => {
    const photo = photos[index % photos.length] as (typeof photos)[number];
    for (;;) {
      if (restarted && killed) await restarted;
      const api = { graphqlUrl: life.endpoints.graphqlUrl, apiKey: life.endpoints.apiKey };
      try {
        const ticket = await requestUpload(api, { fileName: photo.name, contentType: photo.contentType, fileSize: photo.bytes.length });
        tickets.push(ticket.imageId);
        const posted = await postToTicket(ticket, photo.bytes, { contentType: photo.contentType });
        if (posted.status !== 204) throw new Error(`POST answered ${posted.status}`);
        accepted.push(ticket.imageId);
        if (accepted.length === killAfter && !killed) restarted = restart();
        return;
      } catch {
        // The stack was killed under this upload: wait for it, then upload again with a new ticket.
        if (!restarted) await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  };
  await Promise.all(
    Array.from({ length: Number(values.concurrency) }, async () => {
      while (next < count) await uploadOne(next++);
    }),
  );
  if (restarted) await restarted;

  // Every accepted upload must reach a final status; the clock runs from the restart.
  const api = { graphqlUrl: life.endpoints.graphqlUrl, apiKey: life.endpoints.apiKey };
  const deadlineMs = Number(values.deadline) * 1000;
  const final = new Map<string, string>();
  const finalAt = new Map<string, number>();
  for (;;) {
    const pending = accepted.filter((id) => !final.has(id));
    await Promise.all(
      pending.map(async (id) => {
        const image = (await graphql<{ image: Image | null }>(api, GET_IMAGE, { id })).image;
        if (image && (image.status === 'COMPLETED' || image.status === 'FAILED')) {
          final.set(id, image.status);
          finalAt.set(id, (performance.now() - restartedAt) / 1000);
        }
      }),
    );
    if (final.size === accepted.length || performance.now() - restartedAt > deadlineMs * 5) break;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  // Uploads accepted before the kill and not final by then were recovered by the restart.
  const recoveredSeconds = Math.max(0, ...acceptedBeforeKill.map((id) => finalAt.get(id) ?? 0));
  const allFinalSeconds = Math.max(0, ...[...finalAt.values()]);
  await new Promise((resolve) => setTimeout(resolve, 2_000));

  // One record per ticket, straight from the table.
  const ddb = new DynamoDBClient({ region: LOCAL_REGION, endpoint: life.endpoints.dynamodb, credentials: LOCAL_CREDENTIALS });
  const recordsPerId = new Map<string, number>();
  for await (const page of paginateScan({ client: ddb }, { TableName: LOCAL_NAMES.table, ProjectionExpression: 'ImageID' })) {
    for (const item of page.Items ?? []) {
      const id = item.ImageID?.S ?? '';
      recordsPerId.set(id, (recordsPerId.get(id) ?? 0) + 1);
    }
  }
  ddb.destroy();
  const alerts = (await (await fetch(life.endpoints.graphqlUrl.replace(/\/graphql$/, '/local/alerts'))).json()) as {
    alerts: Array<{ message: { imageId?: string } }>;
  };
  const alertsPerId = new Map<string, number>();
  for (const alert of alerts.alerts) alertsPerId.set(alert.message.imageId ?? '', (alertsPerId.get(alert.message.imageId ?? '') ?? 0) + 1);

  const statuses = [...final.values()];
  const summary = {
    uploadsAccepted: accepted.length,
    ticketsIssued: tickets.length,
    killedAfterAccepted: killAfter,
    throttleShare: Number(values.throttle),
    classifierCalls: firstLifeCounters.calls + life.counters.calls,
    classifierThrottled: firstLifeCounters.throttled + life.counters.throttled,
    completed: statuses.filter((s) => s === 'COMPLETED').length,
    failed: statuses.filter((s) => s === 'FAILED').length,
    notFinal: accepted.length - final.size,
    acceptedBeforeKill: acceptedBeforeKill.length,
    // Seconds from the restarted stack being ready (polled every second):
    secondsUntilUploadsFromBeforeTheKillAreFinal: Number(recoveredSeconds.toFixed(1)),
    secondsUntilEveryUploadIsFinal: Number(allFinalSeconds.toFixed(1)),
    recordsForAcceptedUploads: accepted.filter((id) => recordsPerId.get(id) === 1).length,
    idsWithMoreThanOneRecord: [...recordsPerId.values()].filter((n) => n > 1).length,
    subscriptionEventsAfterRestart: [...events.values()].reduce((a, b) => a + b, 0),
    imagesWithDuplicateEvents: [...events.values()].filter((n) => n > 1).length,
    alertsAfterRestart: alerts.alerts.length,
    imagesWithDuplicateAlerts: [...alertsPerId.values()].filter((n) => n > 1).length,
  };
  console.log(JSON.stringify(summary, null, 2));
  realtime.close();
  killGroup(life.child);
  rmSync(stateDir, { recursive: true, force: true });
  const ok =
    summary.notFinal === 0 && summary.completed === accepted.length && recoveredSeconds <= Number(values.deadline) && summary.idsWithMoreThanOneRecord === 0;
  return ok ? 0 : 1;
};

void main().then(
  (code) => {
    process.exitCode = code;
    setTimeout(() => process.exit(code), 200).unref();
  },
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
