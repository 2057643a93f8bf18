/**
 * `npm run bench:pipeline [-- --count 200 --concurrency 3 --workers 2]`: uploads photos through the public API of a
 * fresh local stack and measures, per image, requestUpload -> the onImageClassified event with a final
 * status. Prints latency percentiles, throughput, lost images (no event within the timeout) and the
 * stack's peak RSS (this process, which hosts the handlers and the AppSync server, + Java + emulators).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_MODEL_WORKERS } from '../classifier/worker-pool';
import { GET_IMAGE, graphql, ON_IMAGE_CLASSIFIED, type Image } from '../local/client/graphql';
import { RealtimeClient } from '../local/client/realtime';
import { contentTypeFor, postToTicket, requestUpload } from '../local/client/upload';
import { startLocalStack } from '../local/stack/local-stack';
import { PHOTOS_DIR } from '../test/fixtures/photos';
import { cpuSeconds, rssKb } from './process-usage';

const percentile = (sorted: number[], p: number): number =>
  sorted.length === 0 ? NaN : (sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number);

const loadPhotos = () =>
  ['cat', 'dog', 'other'].flatMap((dir) =>
    readdirSync(join(PHOTOS_DIR, dir))
      .filter((name) => contentTypeFor(name))
      .map((name) => ({ name, contentType: contentTypeFor(name) as string, bytes: readFileSync(join(PHOTOS_DIR, dir, name)) })),
  );

const main = async (): Promise<number> => {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      count: { type: 'string', default: '200' },
      // Little's law: p50 <= 400 ms at >= 8 images/s means about 3 uploads in flight; more only queue.
      concurrency: { type: 'string', default: '3' },
      // As npm start runs on this machine (local/start.ts: one model worker per core, up to two).
      workers: { type: 'string', default: String(DEFAULT_MODEL_WORKERS) },
      timeout: { type: 'string', default: '60' },
    },
  });
  const count = Number(values.count);
  const concurrency = Number(values.concurrency);
  const timeoutMs = Number(values.timeout) * 1000;
  const photos = loadPhotos();

  const stateDir = mkdtempSync(join(tmpdir(), 'pet-detector-bench-'));
  const stack = await startLocalStack({
    port: 0,
    httpsPort: 0,
    persist: false,
    writeOutputs: false,
    stateDir,
    localClassifierWorkers: Number(values.workers),
  });
  const pids = [process.pid, stack.pids.dynamodb, stack.pids.nodeEmulators];
  let peakRss = 0;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, pids.reduce<number>((sum, pid) => sum + rssKb(pid), 0));
  }, 200);

  const api = { graphqlUrl: stack.endpoints.graphqlUrl, apiKey: stack.apiKey };
  // AppSync allows 100 subscriptions per connection (the local server too): spread them over enough sockets.
  const connections = Array.from(
    { length: Math.ceil((concurrency + 2) / 50) },
    () => new RealtimeClient({ realtimeUrl: stack.endpoints.realtimeUrl, graphqlUrl: api.graphqlUrl, apiKey: api.apiKey }),
  );
  await Promise.all(connections.map((c) => c.connect()));

  const one = async (index: number): Promise<{ latencyMs?: number; id: string; status?: string }> => {
    const photo = photos[index % photos.length] as (typeof photos)[number];
    const realtime = connections[index % connections.length] as RealtimeClient;
    const started = performance.now();
    const ticket = await requestUpload(api, { fileName: photo.name, contentType: photo.contentType, fileSize: photo.bytes.length });
    let resolveEvent: (image: Image) => void = () => undefined;
    const event = new Promise<Image>((resolve) => (resolveEvent = resolve));
    const subscription = await realtime.subscribe<{ onImageClassified: Image | null }>(ON_IMAGE_CLASSIFIED, { id: ticket.imageId }, (data) => {
      const image = data.onImageClassified;
      if (image && (image.status === 'COMPLETED' || image.status === 'FAILED')) resolveEvent(image);
    });
    await postToTicket(ticket, photo.bytes, { contentType: photo.contentType });
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      event.then((image) => ({ latencyMs: performance.now() - started, id: ticket.imageId, status: image.status })),
      new Promise<{ id: string }>((resolve) => (timer = setTimeout(() => resolve({ id: ticket.imageId }), timeoutMs))),
    ]);
    clearTimeout(timer);
    subscription.stop();
    return outcome;
  };

  // Warm-up (model load, handler cold starts), not counted.
  await Promise.all([0, 1].map((i) => one(i)));

  const results: Array<{ latencyMs?: number; id: string; status?: string }> = [];
  const cpuBefore = pids.map(cpuSeconds);
  let next = 0;
  const wallStart = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) results.push(await one(next++));
    }),
  );
  const wallSeconds = (performance.now() - wallStart) / 1000;
  const cpuUsed = pids.map((pid, i) => cpuSeconds(pid) - (cpuBefore[i] ?? 0));
  clearInterval(sampler);

  const delivered = results.filter((r) => r.latencyMs !== undefined);
  const lost = results.filter((r) => r.latencyMs === undefined);
  // A lost event may still have a final record (the event was lost) or not (the image was): say which.
  const lostRecords = await Promise.all(lost.map(async (r) => (await graphql<{ image: Image | null }>(api, GET_IMAGE, { id: r.id })).image?.status ?? 'MISSING'));
  const latencies = delivered.map((r) => r.latencyMs as number).sort((a, b) => a - b);
  const summary = {
    count,
    concurrency,
    classifierWorkers: Number(values.workers),
    completed: delivered.filter((r) => r.status === 'COMPLETED').length,
    failed: delivered.filter((r) => r.status === 'FAILED').length,
    lost: lost.length,
    lostRecordStatuses: lostRecords,
    p50Ms: Math.round(percentile(latencies, 50)),
    p95Ms: Math.round(percentile(latencies, 95)),
    p99Ms: Math.round(percentile(latencies, 99)),
    imagesPerSecond: Number((delivered.length / wallSeconds).toFixed(2)),
    wallSeconds: Number(wallSeconds.toFixed(1)),
    peakRssMb: Math.round(peakRss / 1024),
    // Where the CPU went, per image: this process (handlers, AppSync server, gateway, model workers), Java, emulators.
    cpuMsPerImage: {
      stackProcess: Math.round((cpuUsed[0] ?? 0) * 1000 / count),
      dynamodbLocal: Math.round((cpuUsed[1] ?? 0) * 1000 / count),
      s3rverAndFauxqs: Math.round((cpuUsed[2] ?? 0) * 1000 / count),
    },
    loadAverage: (await import('node:os')).loadavg().map((l) => Number(l.toFixed(1))),
  };
  console.log(JSON.stringify(summary, null, 2));

  connections.forEach((c) => c.close());
  await stack.stop();
  rmSync(stateDir, { recursive: true, force: true });
  return lost.length === 0 ? 0 : 1;
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
