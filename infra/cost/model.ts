/**
 * The cost of classifying images, per service, from what a stage deploys (memory, batch sizes, indexes,
 * subscriptions: DeploymentFacts, read off the synthesized template) and how the product uses each service
 * per image (Usage: durations and client behaviour, stated as assumptions). Pure: `npm run cost` prints it.
 */
import type { ImageRecord } from '../../functions/core/domain';
import { fullCounterItem } from '../../functions/adapters/stats-counter-items';
import { applyClassificationPolicy, MAX_STORED_LABELS } from '../../functions/core/classification-policy';
import type { StatsCounts } from '../../functions/core/image-stats';
import { indexKeys } from '../../functions/core/index-keys';
import { recordToItem } from '../../functions/core/record-mapping';
import { shardReadSize } from '../../functions/core/shard-merge';
import { INDEX_PROJECTION, INDEXES, partitionKeyAttributes, TABLE_PARTITION_KEY } from '../../functions/core/table-design';
import type { FunctionName, TraceSampling } from '../config';
import { GALLERY_PAGE_SIZE } from '../../console/src/gallery-page-size';
import { PRICES } from './prices';

export interface IndexFact {
  name: string;
  /** The partition key's attributes in key-schema order: one, or several for a multi-attribute key (an owner's twin). */
  partitionKeys: string[];
  sortKey?: string;
  projection: 'ALL' | 'KEYS_ONLY' | 'INCLUDE';
  /** INCLUDE only: the non-key attributes the index stores. */
  nonKeyAttributes?: string[];
}

/** The indexes as functions/core/table-design.ts designs them (and the CDK table deploys them): whole items. */
export const DESIGNED_INDEXES: IndexFact[] = Object.values(INDEXES).map((i) => ({
  name: i.name,
  partitionKeys: partitionKeyAttributes(i),
  sortKey: i.sortKey,
  projection: INDEX_PROJECTION,
}));

/** What the synthesized template says. */
export interface DeploymentFacts {
  stage: string;
  classifier: 'rekognition' | 'local';
  functions: Record<FunctionName, { memoryMb: number; timeoutSeconds: number }>;
  uploadBatchSize: number;
  streamBatchSize: number;
  indexes: IndexFact[];
  /** Write shards per list index (the image-reader's INDEX_SHARDS): a page Queries this many partitions. */
  indexShards: number;
  emailSubscriptions: number;
  alarms: number;
  dashboards: number;
  webAclRules: number;
  webAcls: number;
  kmsKeys: number;
  /** The X-Ray sampling rule scoped to the GraphQL API; undefined: X-Ray's default rule applies. */
  apiTraceSampling?: TraceSampling & { ruleName: string };
  /** Functions with X-Ray active tracing. */
  activeTracing: Record<FunctionName, boolean>;
  /** The images bucket's lifecycle: days a filed image is kept, and days its bytes linger as a noncurrent version. */
  objectRetention: { days: number; noncurrentDays: number };
  /** The user pool's feature plan (UserPoolTier), which sets its price per monthly active user. */
  userPoolTier: UserPoolTier;
  /** The record sweeper's schedule: runs per month (its rate, read off the Scheduler schedule). */
  sweepsPerMonth: number;
}

/** The functions every image invokes; the record sweeper runs on a schedule whatever the volume (a fixed cost). */
type PerImageFunction = Exclude<FunctionName, 'record-sweeper'>;

export type UserPoolTier = 'LITE' | 'ESSENTIALS' | 'PLUS';

/** What one monthly active user costs on each feature plan. */
export const MAU_PRICE: Record<UserPoolTier, { usd: number; unit: string }> = {
  LITE: PRICES.cognitoLiteMau,
  ESSENTIALS: PRICES.cognitoEssentialsMau,
  PLUS: PRICES.cognitoPlusMau,
};

/** How each image uses the system; every number is printed as an assumption. */
export interface Usage {
  images: number;
  uncertainRate: number;
  /** Clients subscribed to onImageClassified when an image's result is published. */
  subscribersPerImage: number;
  /** Minutes a subscriber stays connected per image it waits for. */
  connectionMinutesPerImage: number;
  /** The console's gallery page (GALLERY_PAGE_SIZE): each image is on one gallery page and one imageUrls call. */
  galleryPageSize: number;
  /**
   * Billed duration per invocation, ms. The processor's includes the DetectLabels round trip and its media
   * step (headers, EXIF and the thumbnail, before the classifier call; the thumbnail PUT overlaps it).
   */
  durationMs: Record<FunctionName, number>;
  /** SQS and stream batches are mostly single records at this volume (~0.4 images/s): no batching discount. */
  imagesPerProcessorInvocation: number;
  recordsPerPublisherInvocation: number;
  averageImageBytes: number;
  /** The 320 px WebP thumbnail each image gets: what a gallery or live-feed view downloads instead of the original. */
  averageThumbnailBytes: number;
  /** Times each image is shown in a list (gallery, live feed), each a download from S3 to the internet. */
  listViewsPerImage: number;
  /** CloudWatch Logs bytes per invocation: START/END/REPORT platform lines plus 2-3 structured app lines. */
  logBytesPerInvocation: number;
  /** EMF metric blobs the processor writes per image. */
  metricLogBytesPerImage: number;
  /** The images arrive evenly over this many days (a Poisson stream): what X-Ray's per-second reservoirs see. */
  periodDays: number;
  /**
   * Images a signed-in user uploads in a month: each user is one Cognito monthly active user, so the user pool
   * costs one MAU per this many images. Analysts are a handful of MAUs and are left out.
   */
  imagesPerUserPerMonth: number;
}

export const DEFAULT_USAGE: Usage = {
  images: 1_000_000,
  uncertainRate: 0.1,
  subscribersPerImage: 1,
  connectionMinutesPerImage: 1,
  galleryPageSize: GALLERY_PAGE_SIZE,
  // image-processor: 900 ms before thumbnails, plus ~100 ms for the media step: bench:media measures 28 ms of CPU
  // for a 12 MP JPEG, and 512 MB of Lambda is about 0.3 of a vCPU.
  // record-sweeper: two ByStatus Queries per shard that find nothing, the usual run (an estimate, like the others).
  durationMs: { 'request-upload': 60, 'image-reader': 120, 'image-processor': 900 + 100, 'stream-publisher': 150, 'record-sweeper': 300 },
  imagesPerProcessorInvocation: 1,
  recordsPerPublisherInvocation: 1,
  averageImageBytes: 2.5 * 1024 * 1024,
  averageThumbnailBytes: 12 * 1024,
  listViewsPerImage: 1,
  logBytesPerInvocation: 1200,
  metricLogBytesPerImage: 900,
  periodDays: 30,
  // A pet owner's phone: about a photo a day.
  imagesPerUserPerMonth: 30,
};

/**
 * X-Ray's default rule: the first request each second, then 5%. Lambda applies it itself to functions
 * with active tracing that no traced caller invokes (here the SQS- and stream-triggered ones), per function
 * and per invocation, and no sampling rule changes it. AppSync uses it when no rule of the API's matches.
 */
export const XRAY_DEFAULT_SAMPLING: TraceSampling = { reservoirPerSecond: 1, fixedRate: 0.05 };

/** Days in the average month, for GB-month arithmetic. */
const DAYS_PER_MONTH = 365.25 / 12;

/**
 * What keeping a batch of images costs over their whole life: retention days, then the noncurrent version,
 * each rounded up by S3 to the next midnight UTC (at most a day each).
 */
export const storageCost = (images: number, imageBytes: number, retention: DeploymentFacts['objectRetention']): CostReport['storage'] => {
  const daysHeld = retention.days + retention.noncurrentDays + 2;
  const gbMonthsPerBatch = ((images * imageBytes) / 1024 ** 3) * (daysHeld / DAYS_PER_MONTH);
  return { daysHeld, gbMonthsPerBatch, usdPerBatch: gbMonthsPerBatch * PRICES.s3StorageGbMonth.usd };
};

/** With the local model the processor is CPU-bound on a full vCPU instead of waiting on Rekognition. */
export const LOCAL_PROCESSOR_DURATION_MS = 1500;

export interface LineItem {
  service: string;
  item: string;
  perImage: number;
  unitUsd: number;
  /** USD for usage.images images. */
  usd: number;
  basis: string;
}

export interface CostReport {
  lineItems: LineItem[];
  byService: Array<{ service: string; usd: number; percentOfRekognition: number }>;
  rekognitionUsd: number;
  nonRekognitionUsd: number;
  percentOfRekognition: number;
  worstCaseLambdaUsd: number;
  monthlyFixed: Array<{ item: string; usd: number }>;
  /**
   * Storage is bounded by the lifecycle: each image is held at most `daysHeld` (its retention, the noncurrent
   * version after expiry, and S3 rounding each up to the next midnight UTC). Not part of the per-image target.
   */
  storage: { daysHeld: number; gbMonthsPerBatch: number; usdPerBatch: number };
  assumptions: string[];
  items: { pendingBytes: number; processingBytes: number; completedBytes: number; completedUncertainBytes: number };
  dynamoWritesPerImage: number;
  appSyncOperationsPerImage: number;
}

// ---- DynamoDB item sizes and write units, by the documented sizing rules -------------------------------

const utf8 = (s: string): number => Buffer.byteLength(s, 'utf8');
const numberBytes = (n: number): number => Math.ceil(String(Math.abs(n)).replace(/[.-]/g, '').replace(/^0+/, '').length / 2) + 1;

/** A BigInt (the packed ImageStats counters): its significant digits, leading and trailing zeros trimmed. */
const bigintBytes = (n: bigint): number => Math.ceil((n < 0n ? -n : n).toString().replace(/0+$/, '').length / 2) + 1;

/** DynamoDB's item size: attribute names plus values (numbers ~1 byte per 2 digits + 1, lists/maps 3 + 1 per element). */
export const valueBytes = (value: unknown): number => {
  if (typeof value === 'string') return utf8(value);
  if (typeof value === 'number') return numberBytes(value);
  if (typeof value === 'bigint') return bigintBytes(value);
  if (typeof value === 'boolean' || value === null) return 1;
  if (Array.isArray(value)) return 3 + value.reduce<number>((sum, v) => sum + 1 + valueBytes(v), 0);
  if (typeof value === 'object') {
    return 3 + Object.entries(value as Record<string, unknown>).reduce((sum, [k, v]) => sum + 1 + utf8(k) + valueBytes(v), 0);
  }
  return 0;
};

export const itemBytes = (item: object): number =>
  Object.entries(item).reduce((sum, [k, v]) => (v === undefined ? sum : sum + utf8(k) + valueBytes(v)), 0);

/**
 * A bucket's counts when it holds `images` final images, in the shares bench/seed.ts generates (3% failed;
 * of the rest 45% cats, 35% dogs, 20% others; `uncertainRate` uncertain), at least 1 where a share is not 0.
 */
export const bucketCounts = (images: number, uncertainRate: number): StatsCounts => {
  const share = (s: number) => Math.max(1, Math.round(images * s));
  const total = Math.max(1, Math.round(images));
  if (total === 1) return { total: 1, cats: 1, dogs: 0, others: 0, uncertain: 0, failed: 0 };
  return { total, cats: share(0.97 * 0.45), dogs: share(0.97 * 0.35), others: share(0.97 * 0.2), uncertain: share(uncertainRate), failed: share(0.03) };
};

export const writeUnits = (bytes: number): number => Math.max(1, Math.ceil(bytes / 1024));
const readUnits = (bytes: number, consistent: boolean): number => Math.max(1, Math.ceil(bytes / 4096)) * (consistent ? 1 : 0.5);

/** A DetectionLogs item as plain attributes. */
export type Item = Readonly<Record<string, unknown>>;
/** The item as the adapter writes it: the mapped record plus its index keys (their size barely depends on the shard count). */
export const asItem = (record: ImageRecord, shards = 8): Item => ({ ...recordToItem(record), ...indexKeys(record, shards) }) as unknown as Item;

/**
 * A realistic record at each step. The labels are what the classification policy stores from a
 * DetectLabels answer of MAX_LABELS (20) labels with Rekognition's full-precision numbers: the policy keeps
 * MAX_STORED_LABELS, rounds confidences to 2 decimals and keeps the bounding boxes as Rekognition gives them.
 */
export const sampleImageRecords = () => {
  const base: ImageRecord = {
    id: '3f8e2a4c-9b1d-4e7a-8c6f-2d5b7e9a1c3f',
    // A Cognito sub: every record carries its owner, the ByOwner index's key.
    owner: '7c1e5b2a-4d3f-4a8b-9e6c-1f2a3b4c5d6e',
    status: 'PENDING',
    fileName: 'IMG_20261122_101530.jpg',
    fileSize: 2_621_440,
    imageFormat: 'jpg',
    contentType: 'image/jpeg',
    objectKey: 'input/3f8e2a4c-9b1d-4e7a-8c6f-2d5b7e9a1c3f.jpg',
    s3Location: 's3://serverlessapp-prod-images-123456789012-us-east-1/input/3f8e2a4c-9b1d-4e7a-8c6f-2d5b7e9a1c3f.jpg',
    createdAt: '2026-11-22T10:15:30.123Z',
    updatedAt: '2026-11-22T10:15:30.123Z',
    expiresAt: 1_787_391_330,
  };
  const names = [
    'Cat', 'Pet', 'Animal', 'Mammal', 'Kitten', 'Abyssinian', 'Manx', 'Whiskers', 'Indoors', 'Furniture',
    'Couch', 'Blanket', 'Home Decor', 'Living Room', 'Photography', 'Cushion', 'Pillow', 'Wood', 'Floor', 'Interior Design',
  ];
  // Rekognition's boxes carry float32 values printed in full (17 significant digits); three labels have one.
  const box = { Left: 0.30960771441459656, Top: 0.11897413432598114, Width: 0.5483012795448303, Height: 0.8123456835746765 };
  const detection = {
    Labels: names.map((Name, i) => ({ Name, Confidence: 99.87654304504395 - i * 3.1234567, ...(i % 5 === 0 && i < 15 ? { Instances: [{ BoundingBox: box }] } : {}) })),
  };
  const labels = applyClassificationPolicy(detection).labels;
  const processing: ImageRecord = { ...base, status: 'PROCESSING', updatedAt: '2026-11-22T10:15:31.456Z' };
  const completed = (uncertain: boolean): ImageRecord => ({
    ...processing,
    status: 'COMPLETED',
    updatedAt: '2026-11-22T10:15:32.789Z',
    classifiedAt: '2026-11-22T10:15:32.789Z',
    detectedAnimal: 'CAT',
    confidence: 99.88,
    uncertain,
    labels,
    objectKey: 'cats/3f8e2a4c-9b1d-4e7a-8c6f-2d5b7e9a1c3f.jpg',
    s3Location: 's3://serverlessapp-prod-images-123456789012-us-east-1/cats/3f8e2a4c-9b1d-4e7a-8c6f-2d5b7e9a1c3f.jpg',
  });
  return { pending: base, processing, completed };
};

/** sampleImageRecords as the items the adapter writes. */
export const sampleRecords = () => {
  const { pending, processing, completed } = sampleImageRecords();
  return {
    pending: asItem(pending),
    processing: asItem(processing),
    completed: asItem(completed(false)),
    completedUncertain: asItem(completed(true)),
  };
};


const inIndex = (item: Item | undefined, index: IndexFact): boolean =>
  item !== undefined && index.partitionKeys.every((key) => item[key] !== undefined) && (!index.sortKey || item[index.sortKey] !== undefined);

/** The partition an entry lands on: its partition key's values, `/`-joined when the key has several attributes. */
const partitionOf = (entry: Item, index: IndexFact): string => index.partitionKeys.map((key) => String(entry[key])).join('/');

/** The index entry of an item: the whole item (ALL), or its keys, the table key and the included attributes. */
export const indexEntry = (item: Item, index: IndexFact): Item => {
  if (index.projection === 'ALL') return item;
  const names = [TABLE_PARTITION_KEY, ...index.partitionKeys, ...(index.sortKey ? [index.sortKey] : []), ...(index.nonKeyAttributes ?? [])];
  return Object.fromEntries(names.filter((name) => item[name] !== undefined).map((name) => [name, item[name]]));
};

const sameValue = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** One index write: the index, the partition key value it lands on, and its write units. */
export interface IndexWrite {
  index: string;
  partition: string;
  units: number;
}

/**
 * The index writes of one table write, per the DynamoDB rules: an entry that appears is a put in its
 * partition, a changed index key a delete in the old partition plus a put in the new one, a changed
 * projected attribute an update (none if the write changes nothing the index holds), an entry that
 * disappears a delete; each sized by the index entry. The capacity model sums them per partition.
 */
export const indexWrites = (before: Item | undefined, after: Item, indexes: IndexFact[]): IndexWrite[] => {
  const writes: IndexWrite[] = [];
  const write = (index: IndexFact, entry: Item) =>
    writes.push({ index: index.name, partition: partitionOf(entry, index), units: writeUnits(itemBytes(entry)) });
  for (const index of indexes) {
    const was = inIndex(before, index);
    const is = inIndex(after, index);
    if (!was && !is) continue;
    if (!was && is) write(index, indexEntry(after, index));
    else if (was && !is) write(index, indexEntry(before as Item, index));
    else {
      const old = indexEntry(before as Item, index);
      const next = indexEntry(after, index);
      const keyChanged = partitionOf(old, index) !== partitionOf(next, index) || (index.sortKey !== undefined && !sameValue(old[index.sortKey], next[index.sortKey]));
      if (keyChanged) {
        write(index, old);
        write(index, next);
      } else if (!sameValue(old, next)) write(index, next);
    }
  }
  return writes;
};

/** Write units of one table write including its index maintenance (indexWrites). */
export const writeUnitsWithIndexes = (before: Item | undefined, after: Item, indexes: IndexFact[]): number =>
  writeUnits(Math.max(before ? itemBytes(before) : 0, itemBytes(after))) + indexWrites(before, after, indexes).reduce((sum, w) => sum + w.units, 0);

/**
 * The expected share of requests X-Ray records when they arrive as a Poisson stream of `perSecond` and a
 * rule keeps the first `reservoirPerSecond` each second, then `fixedRate` of the rest:
 * (E[min(N, R)] + rate x E[max(N - R, 0)]) / E[N], with E[min(N, R)] = sum over k < R of P(N > k).
 */
export const sampledShare = (perSecond: number, sampling: TraceSampling): number => {
  if (perSecond <= 0) return 0;
  let pmf = Math.exp(-perSecond);
  let cdf = pmf;
  let inReservoir = 0;
  for (let k = 0; k < sampling.reservoirPerSecond; k += 1) {
    inReservoir += 1 - cdf;
    pmf *= perSecond / (k + 1);
    cdf += pmf;
  }
  return (inReservoir + sampling.fixedRate * (perSecond - inReservoir)) / perSecond;
};

const describeSampling = (s: TraceSampling): string => `${s.reservoirPerSecond}/s + ${+(s.fixedRate * 100).toFixed(2)}%`;

/**
 * One shard's Query in a gallery page (ByCreatedAt): the first read's entries (shard-merge.ts shardReadSize for
 * page + 1 over the shards), sized by the index's projection, summed per Query at 4 KB a unit (eventually
 * consistent: 0.5 RRU) and never less than one unit: the price of the write shards. Shared with the capacity model.
 */
export const galleryShardQuery = (indexes: IndexFact[], shards: number, pageSize: number): { entries: number; entryBytes: number; queryUnits: number } => {
  const listIndex = indexes.find((i) => i.name === INDEXES.byCreatedAt.name) ?? indexes[0];
  const completed = sampleRecords().completed;
  const entryBytes = itemBytes(listIndex ? indexEntry(completed, listIndex) : completed);
  const entries = shardReadSize(pageSize + 1, shards);
  return { entries, entryBytes, queryUnits: readUnits(entries * entryBytes, false) };
};

// ---- The model ----------------------------------------------------------------------------------------

export const costReport = (facts: DeploymentFacts, usage: Usage = DEFAULT_USAGE): CostReport => {
  const n = usage.images;
  const lines: LineItem[] = [];
  const add = (service: string, item: string, perImage: number, unitUsd: number, basis: string) =>
    lines.push({ service, item, perImage, unitUsd, usd: perImage * unitUsd * n, basis });

  const rekognition = facts.classifier === 'rekognition';
  const durations = { ...usage.durationMs, ...(rekognition ? {} : { 'image-processor': LOCAL_PROCESSOR_DURATION_MS }) };

  // Rekognition
  if (rekognition) add('Rekognition', 'DetectLabels', 1, PRICES.rekognitionPerImage.usd, 'one call per image');

  // Lambda
  const invocations: Record<PerImageFunction, number> = {
    'request-upload': 1,
    'image-reader': 2 / usage.galleryPageSize,
    'image-processor': 1 / usage.imagesPerProcessorInvocation,
    'stream-publisher': 1 / usage.recordsPerPublisherInvocation,
  };
  const perImageMs: Record<PerImageFunction, number> = {
    'request-upload': durations['request-upload'],
    'image-reader': durations['image-reader'] * invocations['image-reader'],
    // A batch processes its images one after another: the billed time per image does not shrink with batching.
    'image-processor': durations['image-processor'],
    'stream-publisher': durations['stream-publisher'] * invocations['stream-publisher'],
  };
  let worstCaseLambdaUsd = 0;
  for (const name of Object.keys(invocations) as PerImageFunction[]) {
    const { memoryMb, timeoutSeconds } = facts.functions[name];
    const gbSeconds = (memoryMb / 1024) * (perImageMs[name] / 1000);
    add('Lambda', `${name} compute`, gbSeconds, PRICES.lambdaArmGbSecond.usd, `${memoryMb} MB x ${perImageMs[name].toFixed(0)} ms per image`);
    add('Lambda', `${name} requests`, invocations[name], PRICES.lambdaRequest.usd, `${invocations[name].toFixed(2)} invocations per image`);
    worstCaseLambdaUsd += n * invocations[name] * ((memoryMb / 1024) * timeoutSeconds * PRICES.lambdaArmGbSecond.usd + PRICES.lambdaRequest.usd);
  }

  // DynamoDB: the three writes of an image's life, with their index maintenance, and its reads.
  const items = sampleRecords();
  const { pending, processing } = items;
  const completedUnits =
    (1 - usage.uncertainRate) * writeUnitsWithIndexes(processing, items.completed, facts.indexes) +
    usage.uncertainRate * writeUnitsWithIndexes(processing, items.completedUncertain, facts.indexes);
  const writes = [
    ['PutItem PENDING (request-upload)', writeUnitsWithIndexes(undefined, pending, facts.indexes)],
    ['UpdateItem PROCESSING (processor)', writeUnitsWithIndexes(pending, processing, facts.indexes)],
    ['UpdateItem COMPLETED (processor)', completedUnits],
  ] as const;
  const projections = [...new Set(facts.indexes.map((i) => i.projection))].join('/');
  for (const [what, units] of writes) {
    add('DynamoDB', `writes: ${what}`, units, PRICES.dynamoWriteUnit.usd, `${units.toFixed(1)} WRU incl. ${facts.indexes.length} GSIs (${projections} projection)`);
  }
  const completedBytes = itemBytes(items.completed);
  const { entryBytes, queryUnits } = galleryShardQuery(facts.indexes, facts.indexShards, usage.galleryPageSize);
  // A gallery page is its index entries (ByCreatedAt, one Query per shard): nothing more is read for it.
  const queryReads = facts.indexShards * queryUnits;
  // What the fan-out adds: the same page from one partition would be one Query of page + 1 entries.
  const fanOutReads = queryReads - readUnits((usage.galleryPageSize + 1) * entryBytes, false);
  const reads = [
    ['image(id) re-read by the subscriber', readUnits(completedBytes, false) * usage.subscribersPerImage],
    [`images page: ${facts.indexShards} shard Queries (share)`, queryReads / usage.galleryPageSize],
    ['imageUrls BatchGetItem (share)', readUnits(completedBytes, false)],
  ] as const;
  for (const [what, units] of reads) {
    const fanOut = what.startsWith('images page') ? `, of which ${(fanOutReads / usage.galleryPageSize).toFixed(3)} for reading ${facts.indexShards} shards instead of one partition` : '';
    add('DynamoDB', `reads: ${what}`, units, PRICES.dynamoReadUnit.usd, `${units.toFixed(2)} RRU${fanOut}`);
  }
  add('DynamoDB', 'stream reads by the Lambda trigger', 0, 0, 'free for Lambda triggers');
  // ImageStats (functions/adapters/dynamodb-stats-store.ts): one transaction per stream batch puts a marker
  // per image and adds to each counter item the batch touches (ALL's day of hours and month of days, and each
  // owner's), every action a transactional write (2 WRU per KB). A counter item grows through its day or month;
  // it is sized here full, at this usage's rate (stats-counter-items.ts fullCounterItem): an upper bound.
  const statsMarker = 2 * writeUnits(itemBytes({ StatsKey: `COUNTED#${items.pending.ImageID}`, Bucket: '-', ExpiresAt: 1_787_391_330 }));
  const perDay = usage.images / usage.periodDays;
  const counterWrite = (scope: string, granularity: 'DAY' | 'HOUR', images: number): number =>
    2 * writeUnits(itemBytes(fullCounterItem(scope, granularity, bucketCounts(images, usage.uncertainRate))));
  const allCounters = { day: counterWrite('ALL', 'DAY', perDay), hour: counterWrite('ALL', 'HOUR', perDay / 24) };
  const owner = 'OWNER#7c1e5b2a-4d3f-4a8b-9e6c-1f2a3b4c5d6e';
  const ownerCounters = { day: counterWrite(owner, 'DAY', usage.imagesPerUserPerMonth / 30), hour: counterWrite(owner, 'HOUR', 1) };
  const counterUnitsPerImage = (allCounters.day + allCounters.hour) / usage.recordsPerPublisherInvocation + ownerCounters.day + ownerCounters.hour;
  add('DynamoDB', 'writes: ImageStats marker (transactional)', statsMarker, PRICES.dynamoWriteUnit.usd, `${statsMarker} WRU: COUNTED#<id>, put once per image`);
  add(
    'DynamoDB',
    'writes: ImageStats counters (share of a batch)',
    counterUnitsPerImage,
    PRICES.dynamoWriteUnit.usd,
    `ALL's month of days (${allCounters.day} WRU) and day of hours (${allCounters.hour}) per batch of ${usage.recordsPerPublisherInvocation}, ` +
      `the owner's (${ownerCounters.day} + ${ownerCounters.hour}) per image`,
  );

  // AppSync
  const operations = 1 + 1 + usage.subscribersPerImage + 2 / usage.galleryPageSize;
  add('AppSync', 'queries and mutations', operations, PRICES.appSyncOperation.usd, 'requestUpload + publishImageClassified + image(id) re-read + a share of images/imageUrls');
  add('AppSync', 'real-time updates', usage.subscribersPerImage, PRICES.appSyncRealtimeUpdate.usd, `${usage.subscribersPerImage} subscriber(s) per image`);
  add('AppSync', 'connection minutes', usage.subscribersPerImage * usage.connectionMinutesPerImage, PRICES.appSyncConnectionMinute.usd, `${usage.connectionMinutesPerImage} min per subscriber`);

  // WAF inspects HTTP requests to the API (WebSocket frames after the handshake are not web requests).
  add('WAF', 'requests inspected', operations, PRICES.wafRequest.usd, 'every GraphQL HTTP request');

  // SQS: S3 sends, the poller receives and deletes (batch fill from the assumption above).
  add('SQS', 'send + receive + delete', 1 + 2 / usage.imagesPerProcessorInvocation, PRICES.sqsRequest.usd, 'S3 SendMessage, Lambda ReceiveMessage and DeleteMessageBatch');

  // S3 requests
  add('S3', 'POST upload + CopyObject to cats|dogs|others', 2, PRICES.s3PutRequest.usd, 'DeleteObject is free');
  add('S3', 'thumbnail PUT', 1, PRICES.s3PutRequest.usd, 'thumbnails/<id>.webp, written once per image (a redelivery rewrites it)');
  add('S3', 'GET', rekognition ? 3 : 2, PRICES.s3GetRequest.usd, `processor read${rekognition ? ', Rekognition reads the S3Object' : ''}, one thumbnail view`);
  const viewGb = (usage.listViewsPerImage * usage.averageThumbnailBytes) / 1024 ** 3;
  add('S3', 'data transfer out: list views', viewGb, PRICES.s3TransferOutGb.usd, `${usage.listViewsPerImage} view(s) of a ${(usage.averageThumbnailBytes / 1024).toFixed(0)} KB thumbnail per image`);

  // SNS (+ KMS for the encrypted topic)
  add('SNS', 'publish (uncertain only)', usage.uncertainRate, PRICES.snsPublish.usd, `${(usage.uncertainRate * 100).toFixed(0)}% uncertain`);
  add('SNS', 'email deliveries', usage.uncertainRate * facts.emailSubscriptions, PRICES.snsEmail.usd, `${facts.emailSubscriptions} email subscription(s)`);
  add('KMS', 'SNS data keys', usage.uncertainRate * (1 + facts.emailSubscriptions), PRICES.kmsRequest.usd, 'GenerateDataKey per publish, Decrypt per delivery (no data-key reuse assumed)');

  // Observability
  const invocationsPerImage = Object.values(invocations).reduce((a, b) => a + b, 0);
  const logGb = (invocationsPerImage * usage.logBytesPerInvocation + usage.metricLogBytesPerImage) / 1024 ** 3;
  add('CloudWatch Logs', 'ingestion', logGb, PRICES.logsIngestGb.usd, `${(logGb * 1024 ** 3 / 1024).toFixed(1)} KB per image (logs + EMF metrics)`);
  // X-Ray. AppSync samples each GraphQL request by the API's rule and passes its decision to the Lambda
  // data sources (request-upload, image-reader), which record no trace of their own. publishImageClassified
  // is sent without a trace header, so AppSync samples it like any request. The SQS- and stream-triggered
  // functions are sampled by Lambda per invocation.
  const imagesPerSecond = n / (usage.periodDays * 86_400);
  const apiSampling = facts.apiTraceSampling ?? XRAY_DEFAULT_SAMPLING;
  const apiShare = sampledShare(operations * imagesPerSecond, apiSampling);
  add(
    'X-Ray',
    'traces: GraphQL requests (and their Lambdas)',
    operations * apiShare,
    PRICES.xrayTraceRecorded.usd,
    `${facts.apiTraceSampling ? `rule ${facts.apiTraceSampling.ruleName}` : 'default rule'} ${describeSampling(apiSampling)} of ${(operations * imagesPerSecond).toFixed(2)} req/s: ${(apiShare * 100).toFixed(1)}% traced`,
  );
  for (const name of ['image-processor', 'stream-publisher'] as const) {
    const perSecond = invocations[name] * imagesPerSecond;
    const share = facts.activeTracing[name] ? sampledShare(perSecond, XRAY_DEFAULT_SAMPLING) : 0;
    add(
      'X-Ray',
      `traces: ${name} invocations`,
      invocations[name] * share,
      PRICES.xrayTraceRecorded.usd,
      facts.activeTracing[name]
        ? `Lambda's own ${describeSampling(XRAY_DEFAULT_SAMPLING)} of ${perSecond.toFixed(2)} invocations/s: ${(share * 100).toFixed(1)}% traced`
        : 'no active tracing',
    );
  }

  // Cognito: every image is uploaded by a signed-in user, who is billed once a month however much they upload.
  const mau = MAU_PRICE[facts.userPoolTier];
  add('Cognito', `user pool MAUs (${facts.userPoolTier})`, 1 / usage.imagesPerUserPerMonth, mau.usd, `1 monthly active user per ${usage.imagesPerUserPerMonth} images`);

  const byServiceMap = new Map<string, number>();
  for (const line of lines) byServiceMap.set(line.service, (byServiceMap.get(line.service) ?? 0) + line.usd);
  const rekognitionUsd = byServiceMap.get('Rekognition') ?? 0;
  const nonRekognitionUsd = [...byServiceMap].filter(([s]) => s !== 'Rekognition').reduce((sum, [, usd]) => sum + usd, 0);
  const percent = (usd: number) => (rekognitionUsd > 0 ? (100 * usd) / rekognitionUsd : NaN);

  // The record sweeper: a fixed cost per month. Each run is a scheduled invocation, a Lambda request and its
  // compute, one Query per shard for each open status (0.5 RRU each when nothing is stale), its log lines,
  // and a trace (Lambda's reservoir takes the first invocation of each second: every run).
  const sweeper = facts.functions['record-sweeper'];
  const perSweepUsd =
    PRICES.schedulerInvocation.usd +
    PRICES.lambdaRequest.usd +
    (sweeper.memoryMb / 1024) * (durations['record-sweeper'] / 1000) * PRICES.lambdaArmGbSecond.usd +
    2 * facts.indexShards * 0.5 * PRICES.dynamoReadUnit.usd +
    (usage.logBytesPerInvocation / 1024 ** 3) * PRICES.logsIngestGb.usd +
    (facts.activeTracing['record-sweeper'] ? PRICES.xrayTraceRecorded.usd : 0);

  return {
    lineItems: lines,
    byService: [...byServiceMap].map(([service, usd]) => ({ service, usd, percentOfRekognition: percent(usd) })).sort((a, b) => b.usd - a.usd),
    rekognitionUsd,
    nonRekognitionUsd,
    percentOfRekognition: percent(nonRekognitionUsd),
    worstCaseLambdaUsd,
    monthlyFixed: [
      { item: `WAF: ${facts.webAcls} web ACL + ${facts.webAclRules} rules`, usd: facts.webAcls * PRICES.wafWebAclMonth.usd + facts.webAclRules * PRICES.wafRuleMonth.usd },
      { item: `KMS: ${facts.kmsKeys} customer-managed key(s)`, usd: facts.kmsKeys * PRICES.kmsKeyMonth.usd },
      { item: `CloudWatch: ${facts.alarms} alarms`, usd: facts.alarms * PRICES.cloudWatchAlarmMonth.usd },
      { item: `CloudWatch: ${facts.dashboards} dashboard(s)`, usd: facts.dashboards * PRICES.cloudWatchDashboardMonth.usd },
      { item: 'CloudWatch: ~14 custom metrics (EMF)', usd: 14 * PRICES.cloudWatchCustomMetricMonth.usd },
      {
        item: `record sweeper: ${facts.sweepsPerMonth.toLocaleString('en-US')} runs (Scheduler, Lambda, ${2 * facts.indexShards} Queries, logs, traces)`,
        usd: facts.sweepsPerMonth * perSweepUsd,
      },
    ],
    storage: storageCost(n, usage.averageImageBytes + usage.averageThumbnailBytes, facts.objectRetention),
    assumptions: [
      `${n.toLocaleString('en-US')} images, all valid JPEG/PNG, each classified once (duplicates and failures ignored)`,
      `${(usage.uncertainRate * 100).toFixed(0)}% of images uncertain (SNS alert), ${usage.subscribersPerImage} live subscriber per image for ${usage.connectionMinutesPerImage} min`,
      `billed durations: ${Object.entries(durations).map(([k, v]) => `${k} ${v} ms`).join(', ')}${rekognition ? ' (processor includes the DetectLabels round trip)' : ' (processor runs the local model on a full vCPU)'}`,
      `batch fill ${usage.imagesPerProcessorInvocation} image per processor invocation and ${usage.recordsPerPublisherInvocation} record per publisher invocation (low volume; batching only lowers request counts)`,
      `gallery: each image listed once on a page of ${usage.galleryPageSize} with one imageUrls call per page, and viewed once as a thumbnail`,
      `DynamoDB item sizes computed by functions/core/record-mapping.ts from a 20-label DetectLabels answer as the classification policy stores it (${MAX_STORED_LABELS} labels, 3 with a bounding box); index maintenance per the GSI write rules`,
      `logs ${usage.logBytesPerInvocation} B per invocation + ${usage.metricLogBytesPerImage} B EMF per image`,
      `X-Ray: the images arrive evenly over ${usage.periodDays} days as a Poisson stream (${imagesPerSecond.toFixed(3)} images/s), which is what the per-second reservoirs see; ` +
        `GraphQL requests follow ${facts.apiTraceSampling ? `the API's rule ${facts.apiTraceSampling.ruleName}` : "X-Ray's default rule"} (${describeSampling(apiSampling)}) and request-upload/image-reader inherit its decision; ` +
        `image-processor and stream-publisher are sampled by Lambda itself (${describeSampling(XRAY_DEFAULT_SAMPLING)} per function, no rule applies), per invocation`,
      `DynamoDB reads: a gallery page Queries each of the ${facts.indexShards} index shards for its first read's entries (entries of ${entryBytes} B, at least 0.5 RRU per Query: ${fanOutReads.toFixed(1)} RRU more per page than one partition) and reads nothing else; every imageUrls BatchGetItem record counts as its own read (rounded up to 4 KB)`,
      `imageStats: the stream-publisher counts each final status once in one transaction per batch: a marker per image and ALL's two counter items per batch plus the owner's two per image (every image of a batch from another owner), 2 WRU per KB per action; a counter item holds a month of days or a day of hours, sized full`,
      `Cognito: each user uploads ${usage.imagesPerUserPerMonth} images a month and is one monthly active user (${facts.userPoolTier} plan, ${mau.unit}); sign-ins and token refreshes are not billed per request`,
      'us-east-1 list prices, free tiers ignored (Cognito: the first 10,000 MAUs); Rekognition at the first-1M tier',
    ],
    items: {
      pendingBytes: itemBytes(pending),
      processingBytes: itemBytes(processing),
      completedBytes,
      completedUncertainBytes: itemBytes(items.completedUncertain),
    },
    dynamoWritesPerImage: writes.reduce((sum, [, units]) => sum + units, 0) + statsMarker + counterUnitsPerImage,
    appSyncOperationsPerImage: operations,
  };
};
