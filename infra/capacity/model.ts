/**
 * The sustained ceiling of one stage, in images/s, and what binds it: every component's own ceiling from
 * the template's settings (CapacityFacts), the quotas (quotas.ts) and the per-image usage the cost model
 * states (DEFAULT_USAGE), each with its arithmetic as a sentence. Pure: `npm run capacity` prints it.
 */
import { MAX_TRANSACTION_ACTIONS } from '../../functions/adapters/dynamodb-stats-store';
import { fullCounterItem } from '../../functions/adapters/stats-counter-items';
import { ALL_SCOPE } from '../../functions/core/image-stats';
import type { FunctionName } from '../config';
import {
  bucketCounts,
  costReport,
  DEFAULT_USAGE,
  galleryShardQuery,
  itemBytes,
  LOCAL_PROCESSOR_DURATION_MS,
  sampleRecords,
  writeUnits,
  writeUnitsWithIndexes,
  type Usage,
} from '../cost/model';
import type { CapacityFacts } from './facts';
import { indexLoadPerImage } from './partition-load';
import { QUOTAS, type QuotaName, type QuotaValues } from './quotas';

/** What the model assumes beyond the template and the quotas; printed with the report. */
export const CAPACITY_ASSUMPTIONS = {
  /**
   * The processor's per-image time, split as the cost model states it (DEFAULT_USAGE, 900 + 100 ms): ~900
   * ms waiting on S3 and DetectLabels, ~100 ms of CPU for the media step at 512 MB (0.3 vCPU). Powertools'
   * BatchProcessor runs a batch's records concurrently, so the waits overlap and the CPU adds up.
   */
  processorWaitMs: 900,
  processorCpuMsAt512Mb: 100,
  /** The publisher: the cost model's 150 ms per invocation, plus ~3 ms of CPU per record (decode, SigV4, JSON). */
  publisherWaitMs: 150,
  publisherCpuMsPerRecord: 3,
  /** One AppSync token per GraphQL request (<= 1,500 KB-seconds each); the TokensConsumed metric checks it. */
  tokensPerRequest: 1,
  /**
   * imageStats counting, worst case: every image has another owner, so each adds its marker and its
   * owner's two counters (hour, day) to a transaction, which also adds to ALL's two.
   */
  statsActionsPerImage: 3,
} as const;

export interface ComponentCeiling {
  component: string;
  imagesPerSecond: number;
  /** The arithmetic, in words. */
  basis: string;
  /** The quota it divides, if an account quota binds it. */
  quota?: QuotaName;
}

export interface StageCapacity {
  stage: string;
  components: ComponentCeiling[];
  ceiling: number;
  bottleneck: ComponentCeiling;
  /** The ImageStats ALL counters at a given load (the hottest ImageStats items). */
  statsAt: (imagesPerSecond: number) => StatsCounterLoad;
  /** Preconditions that are not rates (account concurrency). */
  checks: string[];
}

export interface StatsCounterLoad {
  batchesPerSecond: number;
  transactionsPerSecond: number;
  /** Write units per transactional write of ALL's month of days, the larger counter item, full at this rate. */
  wcuPerWrite: number;
  /** Write units/s on the hottest counter partition (ALL#D; ALL#H takes as many writes, of a smaller item). */
  wcuPerSecond: number;
}

const int = (n: number): string => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'unbounded');

/**
 * The stream-publisher's batches and the ImageStats transactions they make at `rate` final statuses/s over
 * `lanes` concurrent batches: a lane's batch closes when it holds `batchSize` records or its window
 * has passed, so batches/s is the larger of rate / batchSize and lanes / window (never more than the
 * records). A transaction holds at most 100 actions: the images' markers and owner counters, and ALL's two.
 */
export const statsCounterLoad = (rate: number, lanes: number, batchSize: number, windowSeconds: number): StatsCounterLoad => {
  const batchesPerSecond = Math.min(rate, Math.max(rate / batchSize, lanes / Math.max(windowSeconds, 0.1)));
  const imagesPerBatch = rate / batchesPerSecond;
  const perTransaction = (MAX_TRANSACTION_ACTIONS - 2) / CAPACITY_ASSUMPTIONS.statsActionsPerImage;
  const transactionsPerSecond = batchesPerSecond * Math.ceil(imagesPerBatch / perTransaction);
  const wcuPerWrite = 2 * writeUnits(itemBytes(fullCounterItem(ALL_SCOPE, 'DAY', bucketCounts(rate * 86_400, DEFAULT_USAGE.uncertainRate))));
  return { batchesPerSecond, transactionsPerSecond, wcuPerWrite, wcuPerSecond: wcuPerWrite * transactionsPerSecond };
};

/** The largest rate at which `load(rate)` stays within `limit` (load grows with rate). */
const largestRateWithin = (limit: number, load: (rate: number) => number): number => {
  let low = 0;
  let high = 1;
  while (load(high) <= limit && high < 1e9) high *= 2;
  for (let i = 0; i < 60; i += 1) {
    const mid = (low + high) / 2;
    if (load(mid) <= limit) low = mid;
    else high = mid;
  }
  return low;
};

export const capacityReport = (facts: CapacityFacts, quotas: QuotaValues, usage: Usage = DEFAULT_USAGE): StageCapacity => {
  const components: ComponentCeiling[] = [];
  const add = (component: string, imagesPerSecond: number, basis: string, quota?: QuotaName) =>
    components.push({ component, imagesPerSecond, basis, ...(quota ? { quota } : {}) });
  const reserved = (name: FunctionName): number => facts.functions[name].reservedConcurrency ?? quotas.lambdaConcurrentExecutions - 100;
  const rekognition = facts.cost.classifier === 'rekognition';
  const cost = costReport(facts.cost, usage);

  if (rekognition) {
    add('Rekognition DetectLabels', quotas.rekognitionDetectLabelsTps, `${int(quotas.rekognitionDetectLabelsTps)} TPS quota, one call per image`, 'rekognitionDetectLabelsTps');
  }

  // image-processor: SQS batches processed concurrently per invocation.
  const upload = facts.uploadEvents;
  const lanes = Math.min(reserved('image-processor'), upload.maxConcurrency ?? Infinity, quotas.sqsEventSourceBatches);
  const memory = facts.functions['image-processor'].memoryMb;
  const batchMs = rekognition
    ? CAPACITY_ASSUMPTIONS.processorWaitMs + (upload.batchSize * CAPACITY_ASSUMPTIONS.processorCpuMsAt512Mb * 512) / Math.min(memory, 1769)
    : upload.batchSize * LOCAL_PROCESSOR_DURATION_MS;
  add(
    'image-processor (SQS -> Lambda)',
    (lanes * upload.batchSize * 1000) / batchMs,
    `${lanes} concurrent batches (reserved ${reserved('image-processor')}, event source max ${upload.maxConcurrency ?? 'none'}, SQS mapping max ${quotas.sqsEventSourceBatches}) x ` +
      `${upload.batchSize} images per ${int(batchMs)} ms batch (${rekognition ? `${CAPACITY_ASSUMPTIONS.processorWaitMs} ms of I/O overlapped + ${upload.batchSize} x media CPU at ${memory} MB` : `${LOCAL_PROCESSOR_DURATION_MS} ms of local-model CPU per image`})`,
  );

  const perRequest = (name: FunctionName, invocationsPerImage: number, what: string) => {
    const ms = usage.durationMs[name] * invocationsPerImage;
    add(name, (reserved(name) * 1000) / ms, `reserved ${reserved(name)} / (${usage.durationMs[name]} ms x ${+invocationsPerImage.toFixed(3)} ${what} per image)`);
  };
  perRequest('request-upload', 1, 'invocation');
  perRequest('image-reader', 2 / usage.galleryPageSize, 'invocations (a gallery page and its imageUrls per page of images)');

  // stream-publisher: one concurrent batch per stream shard and parallelization slot, within its reservation.
  const items = sampleRecords();
  const tableUnitsPerImage =
    writeUnitsWithIndexes(undefined, items.pending, []) +
    writeUnitsWithIndexes(items.pending, items.processing, []) +
    writeUnitsWithIndexes(items.processing, items.completed, []) +
    usage.uncertainRate * writeUnitsWithIndexes(items.completed, items.completed, []);
  const stream = facts.streamEvents;
  const publisherLanes = (rate: number) =>
    Math.min(reserved('stream-publisher'), Math.max(1, Math.ceil((rate * tableUnitsPerImage) / quotas.dynamoPartitionWcu)) * stream.parallelizationFactor);
  const publisherBatchMs = CAPACITY_ASSUMPTIONS.publisherWaitMs + stream.batchSize * CAPACITY_ASSUMPTIONS.publisherCpuMsPerRecord;
  const publisherCapacity = (rate: number) => (publisherLanes(rate) * stream.batchSize * 1000) / publisherBatchMs;
  // The stream's shards follow the offered load (the table's writes, whatever the publisher keeps up with):
  // the ceiling is the largest load the lanes that load brings can publish. Scanned down from the most the
  // reservation allows, since ceil() makes capacity(rate) a step function.
  let publisherCeiling = publisherCapacity(Infinity);
  while (publisherCeiling > 1 && publisherCapacity(publisherCeiling) < publisherCeiling) publisherCeiling -= Math.max(1, publisherCeiling * 0.001);
  add(
    'stream-publisher (stream -> Lambda)',
    publisherCeiling,
    `${publisherLanes(publisherCeiling)} concurrent batches at that load (reserved ${reserved('stream-publisher')}; stream shards >= table writes / 1,000 WCU, a lower bound, at ${tableUnitsPerImage.toFixed(1)} WCU per image, x parallelization ${stream.parallelizationFactor}) x ` +
      `${stream.batchSize} records per ${int(publisherBatchMs)} ms batch (published concurrently)`,
  );

  // DynamoDB: every index's busiest key value, spread over its write shards.
  const shards = facts.cost.indexShards;
  const byIndex = new Map<string, ReturnType<typeof indexLoadPerImage>[number]>();
  for (const load of indexLoadPerImage(facts.cost.indexes, shards)) if (!byIndex.has(load.index)) byIndex.set(load.index, load);
  for (const load of byIndex.values()) {
    add(
      `DynamoDB ${load.index} partition writes`,
      (shards * quotas.dynamoPartitionWcu) / load.unitsPerImage,
      `busiest key "${load.value}" takes ${load.unitsPerImage.toFixed(2)} WCU per image over ${shards} shard(s): ${shards} x ${int(quotas.dynamoPartitionWcu)} WCU/s / ${load.unitsPerImage.toFixed(2)}`,
    );
  }
  const shardQuery = galleryShardQuery(facts.cost.indexes, shards, usage.galleryPageSize);
  const shardReadsPerImage = shardQuery.queryUnits / usage.galleryPageSize;
  add(
    'DynamoDB ByCreatedAt partition reads',
    quotas.dynamoPartitionRcu / shardReadsPerImage,
    `a gallery page Queries each shard once (${shardQuery.entries} entries of ${shardQuery.entryBytes} B: ${shardQuery.queryUnits} RCU), one page per ${usage.galleryPageSize} images: ${int(quotas.dynamoPartitionRcu)} RCU/s / ${shardReadsPerImage.toFixed(3)}`,
  );
  add(
    'DynamoDB DetectionLogs table writes',
    quotas.dynamoTableWrites / tableUnitsPerImage,
    `${int(quotas.dynamoTableWrites)} WRU/s table quota / ${tableUnitsPerImage.toFixed(1)} WRU per image (PENDING, PROCESSING, COMPLETED, alert mark); items keyed by image id spread evenly`,
    'dynamoTableWrites',
  );
  const statsAt = (rate: number) => statsCounterLoad(rate, publisherLanes(rate), stream.batchSize, stream.maxBatchingWindowSeconds);
  add(
    'DynamoDB ImageStats counter partition',
    largestRateWithin(quotas.dynamoPartitionWcu, (rate) => statsAt(rate).wcuPerSecond),
    `ALL#D (a month of days, ${statsAt(1000).wcuPerWrite} WCU per transactional write at 1,000 images/s) and ALL#H (a day of hours) take one write per transaction; a stream batch of up to ${stream.batchSize} records makes ` +
      `ceil(images x ${CAPACITY_ASSUMPTIONS.statsActionsPerImage} / ${MAX_TRANSACTION_ACTIONS - 2}) transactions, at least one per lane per ${stream.maxBatchingWindowSeconds} s window`,
  );

  // AppSync, SNS, S3.
  const requests = cost.appSyncOperationsPerImage * CAPACITY_ASSUMPTIONS.tokensPerRequest;
  add('AppSync request tokens', quotas.appSyncRequestTokens / requests, `${int(quotas.appSyncRequestTokens)} tokens/s / ${requests.toFixed(2)} requests per image`, 'appSyncRequestTokens');
  add('AppSync real-time inbound', quotas.appSyncInboundMessages, `${int(quotas.appSyncInboundMessages)} messages/s, one publishImageClassified per image`, 'appSyncInboundMessages');
  add(
    'AppSync real-time outbound',
    quotas.appSyncOutboundMessages / usage.subscribersPerImage,
    `${int(quotas.appSyncOutboundMessages)} messages/s / ${usage.subscribersPerImage} subscriber(s) per image`,
    'appSyncOutboundMessages',
  );
  add('SNS publish', quotas.snsPublish / usage.uncertainRate, `${int(quotas.snsPublish)} messages/s / ${usage.uncertainRate} alerts per image (uncertain only)`, 'snsPublish');
  add('S3 input/ writes', quotas.s3PrefixWrites / 2, `${int(quotas.s3PrefixWrites)} requests/s per prefix / 2 per image (the upload POST, the delete after filing)`);
  add(
    'S3 input/ reads',
    quotas.s3PrefixReads / (rekognition ? 2 : 1),
    `${int(quotas.s3PrefixReads)} requests/s per prefix / ${rekognition ? '2 per image (the processor, Rekognition)' : '1 per image (the processor)'}`,
  );

  const totalReserved = facts.totalReservedConcurrency;
  const checks = [
    `Lambda reserved concurrency ${totalReserved} + 100 unreserved ${totalReserved + 100 <= quotas.lambdaConcurrentExecutions ? '<=' : '> (cannot deploy:'} account quota ${int(quotas.lambdaConcurrentExecutions)}${totalReserved + 100 <= quotas.lambdaConcurrentExecutions ? '' : ')'}`,
    ...facts.tables.map((t) => `${t.name}: ${t.billingMode}${t.gsis.length ? `, GSIs ${t.gsis.map((g) => `${g.name} [${g.keys}]`).join('; ')}` : ''}`),
    `AppSync field logs ${facts.api.fieldLogLevel}${facts.api.verboseContent ? ' with verbose content (more tokens per request)' : ''}`,
  ];
  components.sort((a, b) => a.imagesPerSecond - b.imagesPerSecond);
  const bottleneck = components[0] as ComponentCeiling;
  return { stage: facts.stage, components, ceiling: bottleneck.imagesPerSecond, bottleneck, statsAt, checks };
};

export const quotaLabel = (name: QuotaName): string => QUOTAS[name].name;
