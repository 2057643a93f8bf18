/**
 * `npm run bench:api [-- --records 5000 --calls 2000 --profile]`: what the local AppSync API adds to a read, per
 * call, over the image-reader's own work, and where that time goes.
 * - `images` (LIST_IMAGES, a page of 24, no filter, as an analyst) and `imageStats` (365 days of DAY buckets),
 *   through HTTP POST with a Cognito ID token, as bench/queries.ts calls them;
 * - the same two reads in-process through the reader's ports (no HTTP, GraphQL, resolver or Lambda wrapper):
 *   the difference is the API layer's cost;
 * - CPU per call of this process (client, server and handler alike) and of DynamoDB Local's JVM, and latencies.
 * With --profile, each HTTP phase runs once more under the V8 profiler (node:inspector) and its self time is
 * split by area of the code (bench/cpu-profile.ts), scaled to the unprofiled CPU per call; --profile-dir also
 * keeps the .cpuprofile files (for Chrome DevTools).
 * The records are written directly (bench/seed.ts), not through the pipeline.
 */
import { writeFileSync } from 'node:fs';
import { Session, type Profiler } from 'node:inspector';
import { loadavg } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDbDetectionLog } from '../functions/adapters/dynamodb-detection-log';
import { DynamoDbStatsStore } from '../functions/adapters/dynamodb-stats-store';
import { readImageStats } from '../functions/core/use-cases/image-stats';
import { readImages } from '../functions/core/use-cases/read-images';
import { LIST_IMAGES } from '../local/client/graphql';
import { startTestStack } from '../test/integration/appsync-server/support';
import { selfTimeByArea } from './cpu-profile';
import { summarise } from './percentiles';
import { cpuSeconds } from './process-usage';
import { batchWriteAll, detectionLogItems, imageStatsItems, syntheticRecords } from './seed';

const DAY_MS = 86_400_000;
const PAGE = 24;
const WARM_UP_CALLS = 50;
const IMAGE_STATS = `query Stats($from: AWSDateTime!, $to: AWSDateTime!, $granularity: StatsGranularity) {
  imageStats(from: $from, to: $to, granularity: $granularity) { start total cats dogs others uncertain failed }
}`;

interface Figures {
  name: string;
  p50: number;
  p99: number;
  node: number;
  java: number;
}

/** Runs `work` under the V8 profiler of this process and returns the profile. */
const profiled = async (work: () => Promise<void>): Promise<Profiler.Profile> => {
  const session = new Session();
  session.connect();
  const post = (method: string, params?: object) =>
    new Promise<unknown>((resolve, reject) => session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))));
  try {
    await post('Profiler.enable');
    await post('Profiler.setSamplingInterval', { interval: 250 });
    await post('Profiler.start');
    await work();
    return ((await post('Profiler.stop')) as { profile: Profiler.Profile }).profile;
  } finally {
    session.disconnect();
  }
};

const main = async (): Promise<void> => {
  const { values } = parseArgs({
    options: {
      records: { type: 'string', default: '5000' },
      calls: { type: 'string', default: '2000' },
      profile: { type: 'boolean', default: false },
      'profile-dir': { type: 'string' },
    },
  });
  const calls = Number(values.calls);
  const loadAtStart = loadavg();
  const stack = await startTestStack({ userPool: true, indexShards: 8 });
  try {
    const analyst = await stack.cognito!.signIn({ email: 'analyst@bench.local', password: 'Bench-api-1!', group: 'analysts' });
    const end = Date.now();
    const doc = DynamoDBDocumentClient.from(stack.client, { marshallOptions: { removeUndefinedValues: true } });
    const records = syntheticRecords({
      count: Number(values.records),
      owners: ['bench-owner'],
      publicShare: 0.1,
      days: 365,
      end: new Date(end),
      expiresAt: Math.floor(end / 1000) + 90 * 86_400,
    });
    await Promise.all([
      batchWriteAll(doc, stack.tableName, detectionLogItems(records, stack.indexShards), 16),
      batchWriteAll(doc, stack.statsTableName, imageStatsItems(records), 16),
    ]);
    const year = {
      from: new Date(Math.floor((end - 365 * DAY_MS) / DAY_MS) * DAY_MS).toISOString(),
      to: new Date(end + 1).toISOString(),
      granularity: 'DAY' as const,
    };

    const post = async (query: string, variables: Record<string, unknown>): Promise<void> => {
      const response = await fetch(stack.server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: analyst.idToken },
        body: JSON.stringify({ query, variables }),
      });
      const result = (await response.json()) as { data?: unknown; errors?: unknown[] };
      if (result.errors?.length || !result.data) throw new Error(JSON.stringify(result.errors ?? response.status));
    };
    const log = new DynamoDbDetectionLog(doc, stack.tableName, { indexShards: stack.indexShards });
    const stats = new DynamoDbStatsStore(doc, stack.statsTableName);
    const everyone = { kind: 'everyone' } as const;

    const measure = async (name: string, call: () => Promise<unknown>): Promise<Figures> => {
      for (let i = 0; i < WARM_UP_CALLS; i += 1) await call();
      const times: number[] = [];
      const node = process.cpuUsage();
      const java = cpuSeconds(stack.dynamodb.process.pid);
      for (let i = 0; i < calls; i += 1) {
        const started = performance.now();
        await call();
        times.push(performance.now() - started);
      }
      const used = process.cpuUsage(node);
      const { p50, p99 } = summarise(times);
      return { name, p50, p99, node: (used.user + used.system) / 1000 / calls, java: ((cpuSeconds(stack.dynamodb.process.pid) - java) * 1000) / calls };
    };

    const reads = [
      {
        name: 'images, a page of 24',
        inProcess: () => readImages({ log }, everyone, { limit: PAGE }),
        http: () => post(LIST_IMAGES, { filter: {}, limit: PAGE, nextToken: null }),
      },
      { name: 'imageStats, 365 days', inProcess: () => readImageStats({ stats }, everyone, year), http: () => post(IMAGE_STATS, year) },
    ];
    const figures: Figures[] = [];
    const breakdowns: string[] = [];
    for (const read of reads) {
      const alone = await measure(`${read.name}: reader in-process`, read.inProcess);
      const api = await measure(`${read.name}: through HTTP`, read.http);
      figures.push(alone, api);
      if (!values.profile && !values['profile-dir']) continue;
      const profile = await profiled(async () => {
        for (let i = 0; i < calls; i += 1) await read.http();
      });
      if (values['profile-dir']) writeFileSync(path.join(values['profile-dir'], `${read.name.split(',')[0]}.cpuprofile`), JSON.stringify(profile));
      const areas = selfTimeByArea(profile, calls);
      const profiledTotal = areas.reduce((sum, a) => sum + a.msPerCall, 0);
      breakdowns.push(
        `\n${read.name} through HTTP, self time by area (scaled to ${api.node.toFixed(2)} ms of CPU per call):\n` +
          areas
            .slice(0, 15)
            .map((a) => `  ${((a.msPerCall / profiledTotal) * api.node).toFixed(2).padStart(6)} ms  ${((100 * a.msPerCall) / profiledTotal).toFixed(1).padStart(5)}%  ${a.area}`)
            .join('\n'),
      );
    }

    console.log(`\n${records.length} records, ${stack.indexShards} shards, ${calls} calls each; CPU per call in ms (this process + DynamoDB Local's JVM)\n`);
    console.log('| read | p50 ms | p99 ms | CPU node | CPU java |');
    console.log('| --- | ---: | ---: | ---: | ---: |');
    for (const f of figures) console.log(`| ${f.name} | ${f.p50.toFixed(1)} | ${f.p99.toFixed(1)} | ${f.node.toFixed(2)} | ${f.java.toFixed(2)} |`);
    for (let i = 0; i < figures.length; i += 2) {
      const [alone, api] = [figures[i]!, figures[i + 1]!];
      console.log(`${reads[i / 2]!.name}: the API layer adds ${(api.node - alone.node).toFixed(2)} ms of this process's CPU per call (client included)`);
    }
    for (const b of breakdowns) console.log(b);
    console.log(`\nload average ${loadAtStart.map((l) => l.toFixed(1)).join(' ')} at start, ${loadavg().map((l) => l.toFixed(1)).join(' ')} at the end (2 cores)`);
  } finally {
    await stack.stop();
  }
};

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
