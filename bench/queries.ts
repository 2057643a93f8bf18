/**
 * `npm run bench:queries [-- --records 100000 --shards 8 --runs 200 --chains 20 --depth 10 --warmup-seconds 30 --only "a|b"]`: issue #14's read
 * targets on a table of 100,000 records, through the local AppSync API exactly as a client calls it: HTTP
 * POST with a Cognito ID token, the bundled APPSYNC_JS resolvers, the image-reader handler, DynamoDB Local.
 * - `images` with each filter, as an analyst (the global indexes) and as users (ByOwner), a page of 24 (the
 *   console's): the first page (`runs` calls) and the pages after it (`chains` chains of `depth` pages,
 *   following nextToken). Target: p99 <= 30 ms per page.
 * - `imageStats`: 365 days of DAY buckets (target p99 <= 20 ms) and 31 days of HOUR buckets.
 * - The floor under them, so that a miss can be placed: one Query, and a page's first round (a Query on every
 *   shard at once), straight from the SDK to DynamoDB Local, and the image-reader's own query in-process (no
 *   HTTP, no resolver).
 * The records are written directly (bench/seed-records.ts: a year of them), not through the pipeline, and
 * the seeding is timed. The API holds `shards` write shards per list index (prod and staging run 8).
 */
import { loadavg } from 'node:os';
import { PerformanceObserver } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { QueryCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { DynamoDbDetectionLog } from '../functions/adapters/dynamodb-detection-log';
import { counterQuery, DynamoDbStatsStore } from '../functions/adapters/dynamodb-stats-store';
import { FINAL_STATUSES } from '../functions/core/domain';
import { planImageQuery, type ImageFilter } from '../functions/core/image-query';
import { ALL_SCOPE, planStatsRange } from '../functions/core/image-stats';
import { shardedPartition } from '../functions/core/index-keys';
import { shardReadSize } from '../functions/core/shard-merge';
import { readImageStats } from '../functions/core/use-cases/image-stats';
import { INDEXES, LIST_PARTITION_VALUE } from '../functions/core/table-design';
import { LIST_IMAGES } from '../local/client/graphql';
import { createLocalHandlers } from '../local/runtime/handlers';
import { CREDENTIALS, REGION, startTestStack, type SignedInUser } from '../test/integration/appsync-server/support';
import { GALLERY_PAGE_SIZE } from '../console/src/gallery-page-size';
import { summarise, type LatencySummary } from './percentiles';
import { cpuSeconds } from './process-usage';
import { batchWriteAll, detectionLogItems, imageStatsItems, syntheticRecords } from './seed';

const DAY_MS = 86_400_000;
const IMAGES_TARGET_MS = 30;
const STATS_TARGET_MS = 20;
const PASSWORD = 'Bench-queries-1!';

const IMAGE_STATS = `query Stats($from: AWSDateTime!, $to: AWSDateTime!, $granularity: StatsGranularity) {
  imageStats(from: $from, to: $to, granularity: $granularity) { start total cats dogs others uncertain failed }
}`;

type Who = 'analyst' | 'heavy user' | 'typical user';

interface ImagesCase {
  name: string;
  who: Who;
  /** A fresh filter per call: date ranges move, so no two first pages read the same keys. */
  filter: () => ImageFilter;
}

interface ImagesResult {
  name: string;
  who: Who;
  index: string;
  first: LatencySummary;
  following: LatencySummary;
  /** Every measured page, first and following together. */
  all: LatencySummary;
  /** Items per page over every measured page, and how many pages came back with fewer than asked. */
  itemsPerPage: number;
  shortPages: number;
  cpu: CpuPerCall;
}

/** CPU milliseconds per call: this process (client, AppSync server and handler alike) and DynamoDB Local's JVM. */
interface CpuPerCall {
  node: number;
  java: number;
}

/** Starts counting CPU; the returned function divides what was used since by the calls made. */
const cpuMeter = (javaPid: number | undefined) => {
  const node = process.cpuUsage();
  const java = cpuSeconds(javaPid);
  return (calls: number): CpuPerCall => {
    const used = process.cpuUsage(node);
    return { node: (used.user + used.system) / 1000 / calls, java: ((cpuSeconds(javaPid) - java) * 1000) / calls };
  };
};

/**
 * Starts recording this process's garbage-collection pauses (V8's, as perf_hooks reports them); the returned
 * function describes them: how many, their total and the longest, to tell a p99 spike that is a collection
 * from one that is not.
 */
const gcMeter = () => {
  const pauses: number[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) pauses.push(entry.duration);
  });
  observer.observe({ entryTypes: ['gc'] });
  return (): string => {
    observer.disconnect();
    const total = pauses.reduce((a, b) => a + b, 0);
    return `node GC ${pauses.length} pauses, ${total.toFixed(0)} ms in all, longest ${Math.max(0, ...pauses).toFixed(1)} ms`;
  };
};

interface Page {
  items: unknown[];
  nextToken: string | null;
}

const iso = (ms: number): string => new Date(ms).toISOString();

const main = async (): Promise<void> => {
  const { values } = parseArgs({
    options: {
      records: { type: 'string', default: '100000' },
      users: { type: 'string', default: '200' },
      shards: { type: 'string', default: '8' },
      limit: { type: 'string', default: String(GALLERY_PAGE_SIZE) },
      runs: { type: 'string', default: '200' },
      chains: { type: 'string', default: '20' },
      depth: { type: 'string', default: '10' },
      'stats-runs': { type: 'string', default: '300' },
      concurrency: { type: 'string', default: '16' },
      only: { type: 'string' },
      'warmup-seconds': { type: 'string', default: '30' },
    },
  });
  const records = Number(values.records);
  const limit = Number(values.limit);
  const runs = Number(values.runs);
  const chains = Number(values.chains);
  const depth = Number(values.depth);
  const statsRuns = Number(values['stats-runs']);
  const benchStarted = performance.now();
  const loadAtStart = loadavg();

  const stack = await startTestStack({ userPool: true, indexShards: Number(values.shards) });
  try {
    const pool = stack.cognito!;
    const [analyst, heavy, typical] = await Promise.all([
      pool.signIn({ email: 'analyst@bench.local', password: PASSWORD, group: 'analysts' }),
      pool.signIn({ email: 'heavy@bench.local', password: PASSWORD }),
      pool.signIn({ email: 'typical@bench.local', password: PASSWORD }),
    ]);
    const callers: Record<Who, SignedInUser> = { analyst, 'heavy user': heavy, 'typical user': typical };

    // Owners in a Zipf spread: the heavy user is the first (the most images), the typical one the 20th.
    const users = Number(values.users);
    const owners = Array.from({ length: users }, (_, i) => (i === 0 ? heavy.sub : i === 19 ? typical.sub : `bench-owner-${i}`));
    const end = Date.now();
    const doc = DynamoDBDocumentClient.from(stack.client, { marshallOptions: { removeUndefinedValues: true } });
    let seeded = syntheticRecords({
      count: records,
      owners,
      ownerSpread: 'zipf',
      publicShare: 0.1,
      days: 365,
      end: new Date(end),
      expiresAt: Math.floor(end / 1000) + 90 * 86_400,
    });
    const finals = (owner?: string) => seeded.filter((r) => FINAL_STATUSES.includes(r.status) && (!owner || r.owner === owner)).length;
    const expected = { analyst: finals(), heavy: finals(heavy.sub), typical: finals(typical.sub) };
    const owned = { heavy: seeded.filter((r) => r.owner === heavy.sub).length, typical: seeded.filter((r) => r.owner === typical.sub).length };
    const concurrency = Number(values.concurrency);
    // Both tables at once: DynamoDB Local's threads are busier, the bench is shorter.
    const [logWrite, statsWrite] = await Promise.all([
      batchWriteAll(doc, stack.tableName, detectionLogItems(seeded, stack.indexShards), concurrency),
      batchWriteAll(doc, stack.statsTableName, imageStatsItems(seeded), concurrency),
    ]);
    seeded = [];
    // The seeding's garbage (100,000 records and their items, hundreds of MB) is this bench's, not the API's:
    // left to V8, its collection lands in the middle of the measurements as 25-50 ms pauses (2026-11-30).
    const heapBefore = process.memoryUsage().heapUsed;
    if (typeof global.gc === 'function') global.gc();
    console.log(
      `heap after seeding ${(heapBefore / 2 ** 20).toFixed(0)} MB, ` +
        (typeof global.gc === 'function' ? `collected to ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MB` : 'not collected (run with --expose-gc)'),
    );
    console.log(
      `seeded ${logWrite.items} records in ${logWrite.seconds.toFixed(1)} s (${Math.round(logWrite.items / logWrite.seconds)}/s, ` +
        `${logWrite.requests} BatchWriteItem, ${logWrite.retries} repeated for unprocessed items) and, at the same time, ${statsWrite.items} ` +
        `ImageStats counters in ${statsWrite.seconds.toFixed(1)} s; ${concurrency} requests in flight for each`,
    );
    console.log(`heavy user owns ${owned.heavy} images, typical user ${owned.typical}; ${stack.indexShards} write shards per list index; page of ${limit}`);

    const post = async <T>(who: Who, query: string, variables: Record<string, unknown>): Promise<{ ms: number; data: T }> => {
      const body = JSON.stringify({ query, variables });
      const started = performance.now();
      const response = await fetch(stack.server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: callers[who].idToken },
        body,
      });
      const result = (await response.json()) as { data?: T; errors?: Array<{ errorType?: string; message: string }> };
      const ms = performance.now() - started;
      if (result.errors?.length || !result.data) throw new Error(`${who}: ${JSON.stringify(result.errors ?? response.status)}`);
      return { ms, data: result.data };
    };
    const images = async (who: Who, filter: ImageFilter, nextToken: string | null) =>
      post<{ images: Page }>(who, LIST_IMAGES, { filter, limit, nextToken });

    // The stats first: they must equal what the records add up to, or the figures below mean nothing.
    const fullYear = { from: iso(Math.floor((end - 365 * DAY_MS) / DAY_MS) * DAY_MS), to: iso(end + 1) };
    for (const [who, want] of [['analyst', expected.analyst], ['heavy user', expected.heavy], ['typical user', expected.typical]] as const) {
      const { data } = await post<{ imageStats: Array<{ total: number }> }>(who, IMAGE_STATS, { ...fullYear, granularity: 'DAY' });
      const total = data.imageStats.reduce((sum, b) => sum + b.total, 0);
      if (total !== want) throw new Error(`imageStats for the ${who} counts ${total} final images, the records hold ${want}`);
    }
    console.log(`imageStats over the year equals the seeded final records: analyst ${expected.analyst}, heavy user ${expected.heavy}, typical user ${expected.typical}`);

    const week = (days: number) => (): ImageFilter => {
      const before = end - Math.random() * (365 - days) * DAY_MS;
      return { createdAfter: iso(before - days * DAY_MS), createdBefore: iso(before) };
    };
    const fixed = (filter: ImageFilter) => (): ImageFilter => filter;
    const cases: ImagesCase[] = [
      { name: 'none', who: 'analyst', filter: fixed({}) },
      { name: 'animal CAT', who: 'analyst', filter: fixed({ detectedAnimal: 'CAT' }) },
      { name: 'animal OTHER', who: 'analyst', filter: fixed({ detectedAnimal: 'OTHER' }) },
      { name: 'status COMPLETED', who: 'analyst', filter: fixed({ status: 'COMPLETED' }) },
      { name: 'status FAILED', who: 'analyst', filter: fixed({ status: 'FAILED' }) },
      { name: 'uncertain', who: 'analyst', filter: fixed({ uncertain: true }) },
      { name: 'not uncertain', who: 'analyst', filter: fixed({ uncertain: false }) },
      { name: 'minConfidence 90', who: 'analyst', filter: fixed({ minConfidence: 90 }) },
      { name: 'minConfidence 99.8', who: 'analyst', filter: fixed({ minConfidence: 99.8 }) },
      { name: '7-day range', who: 'analyst', filter: week(7) },
      { name: '1-day range', who: 'analyst', filter: week(1) },
      { name: 'animal + status', who: 'analyst', filter: fixed({ detectedAnimal: 'DOG', status: 'COMPLETED' }) },
      { name: 'animal + uncertain', who: 'analyst', filter: fixed({ detectedAnimal: 'CAT', uncertain: true }) },
      { name: 'animal + minConfidence 90', who: 'analyst', filter: fixed({ detectedAnimal: 'DOG', minConfidence: 90 }) },
      { name: '7-day range + animal', who: 'analyst', filter: () => ({ ...week(7)(), detectedAnimal: 'CAT' }) },
      { name: '7-day range + uncertain', who: 'analyst', filter: () => ({ ...week(7)(), uncertain: true }) },
      {
        name: 'all six filters',
        who: 'analyst',
        filter: () => ({ ...week(30)(), detectedAnimal: 'DOG', status: 'COMPLETED', uncertain: false, minConfidence: 95 }),
      },
      { name: 'animal + minConfidence 99.95 (matches none)', who: 'analyst', filter: fixed({ detectedAnimal: 'CAT', minConfidence: 99.95 }) },
      { name: 'animal + FAILED (none by definition, no read)', who: 'analyst', filter: fixed({ detectedAnimal: 'CAT', status: 'FAILED' }) },
      { name: 'none', who: 'heavy user', filter: fixed({}) },
      { name: 'animal CAT', who: 'heavy user', filter: fixed({ detectedAnimal: 'CAT' }) },
      { name: 'uncertain', who: 'heavy user', filter: fixed({ uncertain: true }) },
      { name: 'status FAILED', who: 'heavy user', filter: fixed({ status: 'FAILED' }) },
      { name: 'minConfidence 90', who: 'heavy user', filter: fixed({ minConfidence: 90 }) },
      { name: '7-day range', who: 'heavy user', filter: week(7) },
      { name: 'animal + minConfidence 99.95 (matches none)', who: 'heavy user', filter: fixed({ detectedAnimal: 'DOG', minConfidence: 99.95 }) },
      { name: 'none', who: 'typical user', filter: fixed({}) },
      { name: 'animal DOG', who: 'typical user', filter: fixed({ detectedAnimal: 'DOG' }) },
      { name: '30-day range', who: 'typical user', filter: week(30) },
    ];
    // --only "analyst: none|minConfidence": the cases whose "<who>: <name>" holds any of these, in the order
    // named, and again when named again: so that a case can be measured before and after another.
    const only = values.only?.split('|');
    const selected = only ? only.flatMap((part) => cases.filter((c) => `${c.who}: ${c.name}`.includes(part))) : cases;

    const indexOf = (c: ImagesCase): string => {
      const scope = c.who === 'analyst' ? { kind: 'everyone' as const } : { kind: 'owner' as const, owner: callers[c.who].sub };
      return INDEXES[planImageQuery(scope, c.filter(), limit, null, stack.indexShards).index].name;
    };
    // Warm-up: the first case measured used to pay for both JITs (HotSpot's C2 in DynamoDB Local, V8's in
    // this process) compiling their hot paths, which a freshly seeded stack has not run yet: 2026-11-30, the
    // same page measured first took 20.4 ms of DynamoDB Local CPU a call, and 9.6 ms after five other cases.
    // A steady state is what the targets are about, so every case's pages are read for a while first.
    const warmupUntil = performance.now() + Number(values['warmup-seconds']) * 1000;
    let warmupCalls = 0;
    while (performance.now() < warmupUntil) {
      for (const c of selected) {
        const filter = c.filter();
        let token = (await images(c.who, filter, null)).data.images.nextToken;
        warmupCalls += 1;
        for (let page = 0; page < 3 && token; page += 1) {
          token = (await images(c.who, filter, token)).data.images.nextToken;
          warmupCalls += 1;
        }
      }
    }
    console.log(`warm-up: ${warmupCalls} images calls over ${values['warmup-seconds']} s`);
    const results: ImagesResult[] = [];
    for (const c of selected) {
      for (let i = 0; i < 5; i += 1) await images(c.who, c.filter(), null);
      const first: number[] = [];
      const following: number[] = [];
      let pages = 0;
      let items = 0;
      let short = 0;
      const cpu = cpuMeter(stack.dynamodb.process.pid);
      const gc = gcMeter();
      const count = (page: Page) => {
        pages += 1;
        items += page.items.length;
        if (page.items.length < limit) short += 1;
      };
      for (let i = 0; i < runs; i += 1) {
        const { ms, data } = await images(c.who, c.filter(), null);
        first.push(ms);
        count(data.images);
      }
      for (let chain = 0; chain < chains; chain += 1) {
        const filter = c.filter();
        let token = (await images(c.who, filter, null)).data.images.nextToken;
        for (let page = 0; page < depth && token; page += 1) {
          const { ms, data } = await images(c.who, filter, token);
          following.push(ms);
          count(data.images);
          token = data.images.nextToken;
        }
      }
      // Per call made, the unmeasured first page of each chain included.
      const cpuPerCall = cpu(runs + chains + following.length);
      const result = {
        name: c.name,
        who: c.who,
        index: indexOf(c),
        first: summarise(first),
        all: summarise([...first, ...following]),
        following: summarise(following),
        itemsPerPage: items / pages,
        shortPages: short / pages,
        cpu: cpuPerCall,
      };
      results.push(result);
      console.log(
        `images ${c.who}: ${c.name} (${result.index}): first p50 ${result.first.p50.toFixed(1)} p99 ${result.first.p99.toFixed(1)} ms; ` +
          `next p50 ${result.following.p50.toFixed(1)} p99 ${result.following.p99.toFixed(1)} ms (${result.following.samples} pages); ` +
          `${result.itemsPerPage.toFixed(1)} items/page; CPU per call ${cpuPerCall.node.toFixed(1)} ms node + ${cpuPerCall.java.toFixed(1)} ms java; ${gc()}`,
      );
    }

    const statsCases = [
      { name: '365 days, DAY', who: 'analyst' as Who, days: 365, granularity: 'DAY', target: STATS_TARGET_MS },
      { name: '365 days, DAY', who: 'heavy user' as Who, days: 365, granularity: 'DAY', target: STATS_TARGET_MS },
      { name: '31 days, HOUR', who: 'analyst' as Who, days: 31, granularity: 'HOUR', target: undefined },
      { name: '31 days, HOUR', who: 'heavy user' as Who, days: 31, granularity: 'HOUR', target: undefined },
    ];
    const statsResults: Array<{ name: string; who: Who; latency: LatencySummary; cpu: CpuPerCall; target?: number }> = [];
    for (const s of statsCases) {
      const range = () => {
        // Whole days: a range that starts mid-bucket spans one bucket more (31 x 24 + 1 hours is refused).
        const to = (Math.floor(end / DAY_MS) - Math.floor(Math.random() * 30)) * DAY_MS;
        return { from: iso(to - s.days * DAY_MS), to: iso(to), granularity: s.granularity };
      };
      for (let i = 0; i < 5; i += 1) await post(s.who, IMAGE_STATS, range());
      const times: number[] = [];
      const cpu = cpuMeter(stack.dynamodb.process.pid);
      for (let i = 0; i < statsRuns; i += 1) times.push((await post(s.who, IMAGE_STATS, range())).ms);
      statsResults.push({ name: s.name, who: s.who, latency: summarise(times), cpu: cpu(statsRuns), ...(s.target ? { target: s.target } : {}) });
    }

    // The floor: DynamoDB Local answering the SDK directly, and the reader's query without HTTP or resolver.
    const floor: Array<{ name: string; latency: LatencySummary; cpu: CpuPerCall }> = [];
    const time = async (name: string, work: (i: number) => Promise<unknown>) => {
      for (let i = 0; i < 5; i += 1) await work(i);
      const times: number[] = [];
      const cpu = cpuMeter(stack.dynamodb.process.pid);
      for (let i = 0; i < runs; i += 1) {
        const started = performance.now();
        await work(i);
        times.push(performance.now() - started);
      }
      floor.push({ name, latency: summarise(times), cpu: cpu(runs) });
    };
    // A page's first round: what the shard merge asks each shard for (functions/core/shard-merge.ts).
    const perShard = shardReadSize(limit + 1, stack.indexShards);
    const shardQuery = (shard: number) =>
      stack.client.send(
        new QueryCommand({
          TableName: stack.tableName,
          IndexName: INDEXES.byCreatedAt.name,
          KeyConditionExpression: 'ListPK = :pk',
          ExpressionAttributeValues: { ':pk': { S: shardedPartition(LIST_PARTITION_VALUE, shard) } },
          ScanIndexForward: false,
          Limit: perShard,
        }),
      );
    await time(`SDK Query, one shard of ByCreatedAt, Limit ${perShard}`, () => shardQuery(0));
    await time(`SDK Query on all ${stack.indexShards} shards at once, Limit ${perShard} (a page's first round)`, () =>
      Promise.all(Array.from({ length: stack.indexShards }, (_, shard) => shardQuery(shard))),
    );
    const log = new DynamoDbDetectionLog(doc, stack.tableName, { indexShards: stack.indexShards });
    await time(`reader query in-process, analyst, no filter (${stack.indexShards} Queries)`, () =>
      log.query(planImageQuery({ kind: 'everyone' }, {}, limit, null, stack.indexShards)),
    );
    await time('reader query in-process, analyst, animal + minConfidence 99.95 (the whole read budget)', () =>
      log.query(planImageQuery({ kind: 'everyone' }, { detectedAnimal: 'CAT', minConfidence: 99.95 }, limit, null, stack.indexShards)),
    );

    // The floor under imageStats: the counters' Query alone, the stats use case, then the whole handler.
    const yearOfDays = () => {
      const to = (Math.floor(end / DAY_MS) - Math.floor(Math.random() * 30)) * DAY_MS;
      return { from: iso(to - 365 * DAY_MS), to: iso(to), granularity: 'DAY' as const };
    };
    const stats = new DynamoDbStatsStore(doc, stack.statsTableName);
    await time('SDK Query, ImageStats ALL, 365 days (13 counter items, raw AttributeValues)', () => {
      const { from, to } = yearOfDays();
      return stack.client.send(new QueryCommand(counterQuery(stack.statsTableName, planStatsRange(ALL_SCOPE, from, to, 'DAY'))));
    });
    await time('stats read in-process, analyst, 365 days (Query, mapping, empty buckets)', () =>
      readImageStats({ stats }, { kind: 'everyone' }, yearOfDays()),
    );
    const reader = createLocalHandlers({
      region: REGION,
      credentials: CREDENTIALS,
      endpoints: { dynamodb: stack.dynamodb.endpoint, s3: 'http://127.0.0.1:9' },
      tableName: stack.tableName,
      statsTableName: stack.statsTableName,
      indexShards: stack.indexShards,
      logLevel: 'SILENT',
    }).imageReader;
    await time('image-reader handler in-process, analyst, imageStats 365 days', () =>
      reader(
        { fieldName: 'imageStats', parentTypeName: 'Query', arguments: yearOfDays(), identity: { sub: analyst.sub, issuer: 'bench', groups: ['analysts'] } } as never,
        {} as Context,
      ),
    );

    const mark = (p99: number, target?: number) => (target === undefined ? '' : p99 <= target ? 'yes' : 'NO');
    const row = (cells: Array<string | number>) => `| ${cells.join(' | ')} |`;
    const ms = (n: number) => n.toFixed(1);
    console.log(`\n## bench:queries summary (${records} records, ${stack.indexShards} shards, page of ${limit}; ms, client-side, HTTP through the local AppSync server)\n`);
    console.log(
      row(['images: who', 'filter', 'index', 'first p50', 'first p99', 'next p50', 'next p99', 'all pages p99', 'items/page', 'CPU node+java', `p99 <= ${IMAGES_TARGET_MS}`]),
    );
    console.log(row(['---', '---', '---', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---']));
    for (const r of results) {
      const worst = Math.max(r.first.p99, Number.isNaN(r.following.p99) ? 0 : r.following.p99);
      const cpu = `${ms(r.cpu.node)}+${ms(r.cpu.java)}`;
      console.log(
        row([r.who, r.name, r.index, ms(r.first.p50), ms(r.first.p99), ms(r.following.p50), ms(r.following.p99), ms(r.all.p99), r.itemsPerPage.toFixed(1), cpu, mark(worst, IMAGES_TARGET_MS)]),
      );
    }
    console.log('');
    console.log(row(['imageStats: who', 'range', 'p50', 'p90', 'p99', 'CPU node+java', `p99 <= ${STATS_TARGET_MS}`]));
    console.log(row(['---', '---', '---:', '---:', '---:', '---:', '---']));
    for (const s of statsResults) {
      console.log(row([s.who, s.name, ms(s.latency.p50), ms(s.latency.p90), ms(s.latency.p99), `${ms(s.cpu.node)}+${ms(s.cpu.java)}`, mark(s.latency.p99, s.target)]));
    }
    console.log('');
    console.log(row(['floor (no HTTP)', 'p50', 'p90', 'p99', 'CPU node+java']));
    console.log(row(['---', '---:', '---:', '---:', '---:']));
    for (const f of floor) console.log(row([f.name, ms(f.latency.p50), ms(f.latency.p90), ms(f.latency.p99), `${ms(f.cpu.node)}+${ms(f.cpu.java)}`]));
    const missed = results.filter((r) => Math.max(r.first.p99, Number.isNaN(r.following.p99) ? 0 : r.following.p99) > IMAGES_TARGET_MS).length;
    const statsMissed = statsResults.filter((s) => s.target !== undefined && s.latency.p99 > s.target).length;
    console.log(
      `\nimages: ${results.length - missed}/${results.length} cases within p99 ${IMAGES_TARGET_MS} ms; imageStats 365 days: ${statsMissed === 0 ? 'within' : 'NOT within'} p99 ${STATS_TARGET_MS} ms`,
    );
    console.log(
      `seeding ${Math.max(logWrite.seconds, statsWrite.seconds).toFixed(0)} s; whole bench ${((performance.now() - benchStarted) / 1000).toFixed(0)} s; ` +
        `load average ${loadAtStart.map((l) => l.toFixed(1)).join(' ')} at start, ${loadavg().map((l) => l.toFixed(1)).join(' ')} at the end (2 cores)`,
    );
  } finally {
    await stack.stop();
  }
};

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
