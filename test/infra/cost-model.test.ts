/**
 * The cost model: DynamoDB sizing and index-maintenance rules, the per-service sums, and the facts it
 * reads off a synthesized template (bundling skipped: only the template matters).
 */
import { shardReadSize } from '../../functions/core/shard-merge';
import { INDEXES, partitionKeyAttributes } from '../../functions/core/table-design';
import { FUNCTION_NAMES, stageConfig } from '../../infra/config';
import { factsFromTemplate, synthesizeTemplate } from '../../infra/cost/facts';
import {
  costReport,
  DEFAULT_USAGE,
  DESIGNED_INDEXES,
  indexEntry,
  indexWrites,
  itemBytes,
  sampledShare,
  sampleRecords,
  writeUnitsWithIndexes,
  type DeploymentFacts,
  type IndexFact,
} from '../../infra/cost/model';

jest.setTimeout(120_000);

const ALL_INDEXES: IndexFact[] = Object.values(INDEXES).map((i) => ({ name: i.name, partitionKeys: partitionKeyAttributes(i), sortKey: i.sortKey, projection: 'ALL' }));
const TWINS = ['ByOwnerAnimal', 'ByOwnerStatus', 'ByOwnerUncertain'];
/** The indexes before the owner's twins: the four global ones and ByOwner. */
const WITHOUT_TWINS = ALL_INDEXES.filter((i) => !TWINS.includes(i.name));
const byName = (indexes: IndexFact[], name: string) => indexes.find((i) => i.name === name) as IndexFact;
/** The former design: keys and the attributes of the filters that may run on each index (INCLUDE). */
const FILTER_ATTRIBUTES_ONLY: IndexFact[] = [
  ['ByCreatedAt', ['Uncertain', 'ConfidenceScore']],
  ['ByAnimal', ['ProcessingStatus', 'Uncertain', 'ConfidenceScore']],
  ['ByStatus', ['Uncertain', 'ConfidenceScore']],
  ['ByUncertain', ['DetectedAnimal', 'ProcessingStatus', 'ConfidenceScore']],
  ['ByOwner', ['DetectedAnimal', 'ProcessingStatus', 'Uncertain', 'ConfidenceScore']],
].map(([name, nonKeyAttributes]) => ({ ...byName(ALL_INDEXES, name as string), projection: 'INCLUDE', nonKeyAttributes: nonKeyAttributes as string[] }));

describe('DynamoDB item size', () => {
  it('counts attribute names and UTF-8 values', () => {
    expect(itemBytes({ ImageID: 'abc' })).toBe('ImageID'.length + 3);
    expect(itemBytes({ Name: 'é' })).toBe(4 + 2);
    expect(itemBytes({ Flag: true })).toBe(4 + 1);
  });

  it('counts numbers at about one byte per two significant digits, plus one', () => {
    expect(itemBytes({ N: 12 })).toBe(1 + 2);
    expect(itemBytes({ N: 99.87654304504395 })).toBe(1 + Math.ceil(16 / 2) + 1);
  });

  it('adds 3 bytes per list or map and 1 per element', () => {
    expect(itemBytes({ L: ['a', 'b'] })).toBe(1 + 3 + (1 + 1) * 2);
    expect(itemBytes({ M: { k: 'v' } })).toBe(1 + 3 + 1 + 1 + 1);
  });
});

describe('write units with index maintenance', () => {
  const { pending, processing, completed, completedUncertain } = sampleRecords();

  it('puts a new PENDING item into the indexes it has keys for (ByCreatedAt, ByStatus, ByOwner, ByOwnerStatus), not the sparse ones', () => {
    expect(writeUnitsWithIndexes(undefined, pending, ALL_INDEXES)).toBe(1 + 1 + 1 + 1 + 1);
  });

  it('costs a delete plus a put in ByStatus and ByOwnerStatus when the status changes, and an update in ByCreatedAt and ByOwner', () => {
    expect(writeUnitsWithIndexes(pending, processing, ALL_INDEXES)).toBe(1 + 1 + 2 + 1 + 2);
  });

  it('adds ByAnimal and ByOwnerAnimal on completion, and ByUncertain and ByOwnerUncertain only for uncertain images', () => {
    const certain = writeUnitsWithIndexes(processing, completed, ALL_INDEXES);
    const uncertain = writeUnitsWithIndexes(processing, completedUncertain, ALL_INDEXES);
    // table 2 + ByCreatedAt 2 + ByStatus (1 delete + 2 put) + ByAnimal 2 + ByOwner 2 + ByOwnerStatus 3 + ByOwnerAnimal 2
    expect(certain).toBe(16);
    expect(uncertain).toBe(certain + 2 + 2);
  });

  it("writes each owner's twin exactly as its analysts' index, in the owner's partition", () => {
    for (const [twin, global] of [['ByOwnerAnimal', 'ByAnimal'], ['ByOwnerStatus', 'ByStatus'], ['ByOwnerUncertain', 'ByUncertain']] as const) {
      for (const [before, after] of [[undefined, pending], [pending, processing], [processing, completed], [processing, completedUncertain]] as const) {
        expect(writeUnitsWithIndexes(before, after, [byName(ALL_INDEXES, twin)])).toBe(writeUnitsWithIndexes(before, after, [byName(ALL_INDEXES, global)]));
      }
    }
    expect(indexWrites(processing, completed, [byName(ALL_INDEXES, 'ByOwnerStatus')]).map((w) => w.partition)).toEqual([
      `${String(processing.Owner)}/${String(processing.StatusPK)}`,
      `${String(completed.Owner)}/${String(completed.StatusPK)}`,
    ]);
  });

  it('costs nothing extra for an index the item is in neither before nor after', () => {
    expect(writeUnitsWithIndexes(pending, processing, [byName(ALL_INDEXES, 'ByAnimal')])).toBe(1);
  });
});

describe('write units with the designed projections (whole items) against filter attributes only', () => {
  const { pending, processing, completed, completedUncertain } = sampleRecords();

  it('copies the whole item into every index, so an entry of a completed image is over 1 KB: 2 units a write', () => {
    expect(DESIGNED_INDEXES).toEqual(ALL_INDEXES);
    expect(indexEntry(completed, byName(DESIGNED_INDEXES, 'ByAnimal'))).toEqual(completed);
    expect(itemBytes(completed)).toBeGreaterThan(1024);
    // With filter attributes only, the same entry was a small fraction of that.
    const included = indexEntry(completed, byName(FILTER_ATTRIBUTES_ONLY, 'ByAnimal'));
    expect(Object.keys(included).sort()).toEqual(['AnimalPK', 'ConfidenceScore', 'CreatedAt', 'ImageID', 'ProcessingStatus', 'Uncertain']);
    expect(itemBytes(included)).toBeLessThan(200);
  });

  it('rewrites the ByCreatedAt entry when PENDING becomes PROCESSING, which filter attributes only spared', () => {
    expect(writeUnitsWithIndexes(pending, processing, [byName(DESIGNED_INDEXES, 'ByCreatedAt')])).toBe(2);
    expect(writeUnitsWithIndexes(pending, processing, [byName(FILTER_ATTRIBUTES_ONLY, 'ByCreatedAt')])).toBe(1);
  });

  const life = (indexes: IndexFact[]) =>
    writeUnitsWithIndexes(undefined, pending, indexes) +
    writeUnitsWithIndexes(pending, processing, indexes) +
    0.9 * writeUnitsWithIndexes(processing, completed, indexes) +
    0.1 * writeUnitsWithIndexes(processing, completedUncertain, indexes);

  it('takes an image\'s writes from 15.1 units (filter attributes only) to 20.2 without the owner\'s twins', () => {
    expect(life(FILTER_ATTRIBUTES_ONLY)).toBeCloseTo(15.1, 6);
    expect(life(WITHOUT_TWINS)).toBeCloseTo(20.2, 6);
  });

  it("adds 8.2 units an image for the owner's three twins: 28.4", () => {
    expect(life(DESIGNED_INDEXES)).toBeCloseTo(28.4, 6);
  });
});

describe('X-Ray sampled share', () => {
  it('is the fixed rate without a reservoir, whatever the traffic', () => {
    expect(sampledShare(0.1, { reservoirPerSecond: 0, fixedRate: 0.05 })).toBeCloseTo(0.05, 12);
    expect(sampledShare(500, { reservoirPerSecond: 0, fixedRate: 0.05 })).toBeCloseTo(0.05, 12);
  });

  it('is nearly everything when requests are rarer than the reservoir, and tends to the rate when they are many', () => {
    expect(sampledShare(0.01, { reservoirPerSecond: 1, fixedRate: 0.05 })).toBeGreaterThan(0.99);
    expect(sampledShare(1000, { reservoirPerSecond: 1, fixedRate: 0.05 })).toBeCloseTo(0.05 + 0.95 / 1000, 6);
  });

  it('follows the Poisson expectation at one request per second with a 1/s reservoir', () => {
    // E[min(N,1)] = 1 - e^-1; the rest (1 - that) at 5%.
    const inReservoir = 1 - Math.exp(-1);
    expect(sampledShare(1, { reservoirPerSecond: 1, fixedRate: 0.05 })).toBeCloseTo(inReservoir + 0.05 * (1 - inReservoir), 12);
  });
});

describe('costReport', () => {
  const facts = (overrides: Partial<DeploymentFacts> = {}): DeploymentFacts => ({
    stage: 'prod',
    classifier: 'rekognition',
    functions: Object.fromEntries(Object.entries(stageConfig({ stage: 'prod' }).functions).map(([k, v]) => [k, { memoryMb: v.memoryMb, timeoutSeconds: v.timeoutSeconds }])) as DeploymentFacts['functions'],
    uploadBatchSize: 10,
    streamBatchSize: 100,
    indexes: DESIGNED_INDEXES,
    indexShards: 8,
    emailSubscriptions: 0,
    alarms: 17,
    dashboards: 1,
    webAcls: 1,
    webAclRules: 2,
    kmsKeys: 1,
    activeTracing: { 'request-upload': true, 'image-reader': true, 'image-processor': true, 'stream-publisher': true, 'record-sweeper': true },
    sweepsPerMonth: 2922,
    apiTraceSampling: { ruleName: 'serverlessapp-prod-appsync', reservoirPerSecond: 0, fixedRate: 0.05 },
    objectRetention: { days: 90, noncurrentDays: 1 },
    userPoolTier: 'ESSENTIALS',
    ...overrides,
  });
  const line = (r: ReturnType<typeof costReport>, item: string) => r.lineItems.find((l) => l.item === item) as { perImage: number; usd: number; basis: string };

  it('prices Rekognition at $1.00 per 1,000 images and sums every line into its service', () => {
    const report = costReport(facts());
    expect(report.rekognitionUsd).toBeCloseTo(1000, 6);
    const total = report.lineItems.reduce((sum, l) => sum + l.usd, 0);
    expect(report.rekognitionUsd + report.nonRekognitionUsd).toBeCloseTo(total, 6);
    expect(report.percentOfRekognition).toBeCloseTo((100 * report.nonRekognitionUsd) / 1000, 6);
  });

  it('charges Lambda compute from the deployed memory: doubling it doubles compute', () => {
    const base = costReport(facts());
    const doubled = costReport(facts({ functions: { ...facts().functions, 'image-processor': { memoryMb: 1024, timeoutSeconds: 30 } } }));
    const compute = (r: typeof base) => r.lineItems.find((l) => l.item === 'image-processor compute')?.usd as number;
    expect(compute(doubled)).toBeCloseTo(2 * compute(base), 6);
  });

  it('adds email deliveries only when the topic has an email subscription', () => {
    const email = (r: ReturnType<typeof costReport>) => r.lineItems.find((l) => l.item === 'email deliveries')?.usd;
    expect(email(costReport(facts()))).toBe(0);
    expect(email(costReport(facts({ emailSubscriptions: 1 })))).toBeCloseTo(DEFAULT_USAGE.images * DEFAULT_USAGE.uncertainRate * (2 / 1e5), 6);
  });

  it('traces GraphQL requests at the API rule\'s rate, and the queue and stream functions by Lambda\'s own sampling', () => {
    const report = costReport(facts());
    const requests = line(report, 'traces: GraphQL requests (and their Lambdas)');
    expect(requests.perImage).toBeCloseTo(report.appSyncOperationsPerImage * 0.05, 9);
    // 1M images in 30 days is 0.386 invocations/s: Lambda's 1/s reservoir takes most of them.
    const perSecond = 1e6 / (30 * 86_400);
    const expected = sampledShare(perSecond, { reservoirPerSecond: 1, fixedRate: 0.05 });
    expect(expected).toBeGreaterThan(0.8);
    expect(line(report, 'traces: image-processor invocations').perImage).toBeCloseTo(expected, 9);
    expect(line(report, 'traces: stream-publisher invocations').perImage).toBeCloseTo(expected, 9);
    expect(report.assumptions.join('\n')).toMatch(/Poisson/);
  });

  it('falls back to X-Ray\'s default rule for the API without a rule, and records nothing for a function without active tracing', () => {
    const { apiTraceSampling: _rule, ...withoutRule } = facts();
    const report = costReport({ ...withoutRule, activeTracing: { ...facts().activeTracing, 'stream-publisher': false } });
    const perSecond = (report.appSyncOperationsPerImage * 1e6) / (30 * 86_400);
    expect(line(report, 'traces: GraphQL requests (and their Lambdas)').perImage).toBeCloseTo(
      report.appSyncOperationsPerImage * sampledShare(perSecond, { reservoirPerSecond: 1, fixedRate: 0.05 }),
      9,
    );
    expect(line(report, 'traces: stream-publisher invocations').perImage).toBe(0);
  });

  it('traces a smaller share per image as volume grows: the reservoirs are per second', () => {
    const xray = (images: number) =>
      costReport(facts(), { ...DEFAULT_USAGE, images }).lineItems.filter((l) => l.service === 'X-Ray').reduce((sum, l) => sum + l.usd, 0) / images;
    expect(xray(10_000_000)).toBeLessThan(xray(1_000_000));
  });

  it('reads a gallery page as one index Query per shard of whole entries, and nothing else', () => {
    const page = DEFAULT_USAGE.galleryPageSize;
    const bytes = itemBytes(sampleRecords().completed);
    // Each shard's first read, its entries summed per Query into 4 KB units at 0.5 RRU (eventually consistent).
    const query = (shards: number) => Math.ceil((shardReadSize(page + 1, shards) * bytes) / 4096) * 0.5;
    expect(line(costReport(facts()), 'reads: images page: 8 shard Queries (share)').perImage).toBeCloseTo((8 * query(8)) / page, 9);
    expect(line(costReport(facts({ indexShards: 1 })), 'reads: images page: 1 shard Queries (share)').perImage).toBeCloseTo(query(1) / page, 9);
    // With filter attributes only, the same Queries would be 0.5 RRU each: entries are small. (The page then
    // needed a BatchGetItem of its records besides, 0.5 RRU each, which the reader no longer makes.)
    expect(line(costReport(facts({ indexes: FILTER_ATTRIBUTES_ONLY })), 'reads: images page: 8 shard Queries (share)').perImage).toBeCloseTo((8 * 0.5) / page, 9);
  });

  it('counts the ImageStats writes: a transactional marker per image, ALL\'s two counter items per batch and the owner\'s two per image, by their size', () => {
    const single = costReport(facts());
    expect(line(single, 'writes: ImageStats marker (transactional)').perImage).toBe(2);
    // A batch of one record. At 1M images a month ALL's month of days grows past 1 KB (4 WRU in a transaction), its
    // day of hours stays under (2); an owner's month and day of a photo a day are small (2 each).
    expect(line(single, 'writes: ImageStats counters (share of a batch)').perImage).toBe(4 + 2 + 2 + 2);
    expect(line(single, 'writes: ImageStats counters (share of a batch)').basis).toMatch(/month of days \(4 WRU\) and day of hours \(2\) per batch of 1, the owner's \(2 \+ 2\)/);
    const batched = costReport(facts(), { ...DEFAULT_USAGE, recordsPerPublisherInvocation: 100 });
    expect(line(batched, 'writes: ImageStats counters (share of a batch)').perImage).toBeCloseTo((4 + 2) / 100 + 2 + 2, 9);
    expect(single.dynamoWritesPerImage - batched.dynamoWritesPerImage).toBeCloseTo(10 - 4.06, 9);
  });

  it('states what reading 8 shards adds to a gallery page over one partition', () => {
    const page = DEFAULT_USAGE.galleryPageSize;
    const bytes = itemBytes(sampleRecords().completed);
    const sharded = 8 * Math.ceil((shardReadSize(page + 1, 8) * bytes) / 4096) * 0.5;
    const single = Math.ceil(((page + 1) * bytes) / 4096) * 0.5;
    expect(line(costReport(facts()), 'reads: images page: 8 shard Queries (share)').basis).toContain(
      `of which ${((sharded - single) / page).toFixed(3)} for reading 8 shards instead of one partition`,
    );
  });

  it('prices storage for the images\' (and their thumbnails\') whole life, bounded by the lifecycle (retention + noncurrent + rounding)', () => {
    const report = costReport(facts());
    expect(report.storage.daysHeld).toBe(90 + 1 + 2);
    const gb = (DEFAULT_USAGE.images * (DEFAULT_USAGE.averageImageBytes + DEFAULT_USAGE.averageThumbnailBytes)) / 1024 ** 3;
    expect(report.storage.usdPerBatch).toBeCloseTo(gb * (93 / (365.25 / 12)) * 0.023, 6);
    expect(costReport(facts({ objectRetention: { days: 7, noncurrentDays: 1 } })).storage.usdPerBatch).toBeLessThan(report.storage.usdPerBatch / 9);
  });

  it('counts one thumbnail PUT per image and the transfer of its list views', () => {
    const report = costReport(facts());
    const line = (item: string) => report.lineItems.find((l) => l.item === item);
    expect(line('thumbnail PUT')?.usd).toBeCloseTo(DEFAULT_USAGE.images * 0.005 / 1000, 6);
    const gb = (DEFAULT_USAGE.images * DEFAULT_USAGE.listViewsPerImage * DEFAULT_USAGE.averageThumbnailBytes) / 1024 ** 3;
    expect(line('data transfer out: list views')?.usd).toBeCloseTo(gb * 0.09, 6);
  });

  it("bills sign-in as one monthly active user per user's month of images, at the pool's plan price", () => {
    const cognito = (r: ReturnType<typeof costReport>) => r.byService.find((s) => s.service === 'Cognito')?.usd;
    // 1M images at 30 per user: 33,333 MAUs at $0.015 (Essentials), $0.0055 (Lite).
    expect(cognito(costReport(facts()))).toBeCloseTo((1e6 / 30) * 0.015, 6);
    expect(cognito(costReport(facts({ userPoolTier: 'LITE' })))).toBeCloseTo((1e6 / 30) * 0.0055, 6);
    // Twice the images per user: half the users, half the cost.
    expect(cognito(costReport(facts(), { ...DEFAULT_USAGE, imagesPerUserPerMonth: 60 }))).toBeCloseTo((1e6 / 60) * 0.015, 6);
    expect(costReport(facts()).assumptions.join('\n')).toMatch(/each user uploads 30 images a month/);
  });

  it('has no Rekognition line with the local model, and a longer processor duration instead', () => {
    const report = costReport(facts({ classifier: 'local' }));
    expect(report.rekognitionUsd).toBe(0);
    expect(report.lineItems.find((l) => l.item === 'image-processor compute')?.basis).toMatch(/1500 ms/);
  });

  it('states the record sweeper as a fixed monthly cost, a few cents, that does not grow with the images', () => {
    const sweeper = (r: ReturnType<typeof costReport>) => r.monthlyFixed.find((f) => f.item.startsWith('record sweeper'));
    const base = costReport(facts());
    expect(sweeper(base)?.item).toMatch(/^record sweeper: 2,922 runs \(Scheduler, Lambda, 16 Queries/);
    // Per run: $1/M scheduled invocations + $0.20/M requests + 0.25 GB x 0.3 s + 8 RRU + 1.2 KB of logs + a trace.
    const perRun = 1e-6 + 0.2e-6 + 0.25 * 0.3 * 0.0000133334 + 8 * 0.125e-6 + (1200 / 1024 ** 3) * 0.5 + 5e-6;
    expect(sweeper(base)?.usd).toBeCloseTo(2922 * perRun, 9);
    expect(sweeper(base)?.usd).toBeLessThan(0.05);
    expect(sweeper(costReport(facts(), { ...DEFAULT_USAGE, images: 10 * DEFAULT_USAGE.images }))?.usd).toBe(sweeper(base)?.usd);
    expect(base.lineItems.some((l) => l.item.startsWith('record-sweeper'))).toBe(false);
  });
});

describe('facts from the synthesized template', () => {
  it('reads memory, timeouts, batch sizes and indexes as the stage deploys them', () => {
    const { template, prefix } = synthesizeTemplate({ stage: 'staging', notificationEmail: 'ops@example.com' });
    const facts = factsFromTemplate(template, 'staging', prefix);
    const config = stageConfig({ stage: 'staging' });
    expect(facts.functions['image-processor']).toEqual({ memoryMb: config.functions['image-processor'].memoryMb, timeoutSeconds: config.functions['image-processor'].timeoutSeconds });
    expect(facts.uploadBatchSize).toBe(config.uploadQueue.batchSize);
    expect(facts.streamBatchSize).toBe(config.stream.batchSize);
    expect(facts.indexes.map((i) => i.name).sort()).toEqual(Object.values(INDEXES).map((i) => i.name).sort());
    for (const index of Object.values(INDEXES)) {
      expect(facts.indexes.find((i) => i.name === index.name)).toEqual({ name: index.name, partitionKeys: partitionKeyAttributes(index), sortKey: index.sortKey, projection: 'ALL' });
    }
    expect(facts.apiTraceSampling).toEqual({ ruleName: 'serverlessapp-staging-appsync', ...config.apiTraceSampling });
    expect(FUNCTION_NAMES.every((name) => facts.activeTracing[name])).toBe(true);
    expect(facts.emailSubscriptions).toBe(1);
    expect(facts.classifier).toBe('rekognition');
    expect(facts.webAclRules).toBe(2);
    expect(facts.objectRetention).toEqual({ days: config.retentionDays, noncurrentDays: config.noncurrentVersionExpiryDays });
    // The pool sets no UserPoolTier: a new pool is on Essentials.
    expect(facts.userPoolTier).toBe('ESSENTIALS');
    // rate(15 minutes) over the average month.
    expect(facts.sweepsPerMonth).toBe(2922);
  });
});
