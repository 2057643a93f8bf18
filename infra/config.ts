/**
 * Every per-stage setting of the CDK app, typed, in one place. Constructs receive a StageConfig and never
 * read context or the environment themselves, so what a stage deploys can be read off this file.
 */
import { z } from 'zod';
import {
  DEFAULT_LABELS,
  DEFAULT_LAMBDA_CLASSIFIER_WORKERS,
  DEFAULT_MAX_RECEIVE_COUNT,
  DEFAULT_RETENTION_DAYS,
  DEFAULT_THRESHOLDS as SETTINGS_THRESHOLDS,
  DEFAULT_UPLOAD_URL_TTL_SECONDS,
} from '../functions/core/settings';

export const STAGES = ['dev', 'staging', 'prod'] as const;
export type Stage = (typeof STAGES)[number];

export const DEFAULT_REGION = 'us-east-1';

export type ClassifierKind = 'rekognition' | 'local';

/** The Lambda functions, by the short name used in resource names and in infra code. */
export const FUNCTION_NAMES = ['request-upload', 'image-reader', 'image-processor', 'stream-publisher', 'record-sweeper'] as const;
export type FunctionName = (typeof FUNCTION_NAMES)[number];

export interface FunctionSettings {
  memoryMb: number;
  timeoutSeconds: number;
  reservedConcurrency: number;
}

export interface AlarmThresholds {
  /** Errors per 5 minutes at or above which a function's error alarm fires. */
  functionErrors: number;
  /** Throttles per 5 minutes at or above which a function's throttle alarm fires. */
  functionThrottles: number;
  /** p99 duration, as a fraction of the function's timeout, above which the duration alarm fires. */
  p99DurationOfTimeout: number;
  /** Stream-publisher iterator age (ms) above which the stream is considered behind. */
  iteratorAgeMs: number;
  /** AppSync 5XX responses per 5 minutes. */
  appSync5xx: number;
  /** ProcessingFailures (custom metric) per 5 minutes. */
  processingFailures: number;
}

export interface ClassifierThresholds {
  confident: number;
  uncertainMin: number;
  closeMargin: number;
  minLabelConfidence: number;
  maxLabels: number;
}

/**
 * X-Ray sampling of the GraphQL API's requests (a sampling rule scoped to the API). AppSync's decision
 * travels with the request to the Lambda data sources it invokes (request-upload, image-reader), so this
 * rule decides their traces too. The queue- and stream-triggered functions are sampled by Lambda itself
 * (the first invocation each second, then 5%); no sampling rule applies to them.
 */
export interface TraceSampling {
  /** Requests per second traced before the fixed rate applies (shared by every AppSync host). */
  reservoirPerSecond: number;
  /** Fraction (0-1) of the requests beyond the reservoir that are traced. */
  fixedRate: number;
}

export interface StageConfig {
  stage: Stage;
  region: string;
  /** Prefix of every physical name: serverlessapp-<stage>- */
  prefix: string;
  owner: string;
  /** RETAIN keeps data when the stack is deleted; DESTROY lets a dev stack go away cleanly. */
  retainData: boolean;
  deletionProtection: boolean;
  logRetentionDays: LogRetentionDays;
  functions: Record<FunctionName, FunctionSettings>;
  alarms: AlarmThresholds;
  /** Requests per 5 minutes per client IP that the WAF rate-based rule allows. */
  wafRateLimitPer5Min: number;
  classifier: ClassifierKind;
  /** Bundle the AWS SDK into each function (default) instead of using the runtime's copy (see infra/bundling.ts). */
  bundleAwsSdk: boolean;
  thresholds: ClassifierThresholds;
  /** DetectionLogs TTL: records expire this many days after creation. */
  retentionDays: number;
  /**
   * Write shards of each list index (functions/core/index-keys.ts): a page reads this many partitions,
   * and each takes 1/N of the index's writes. May grow between deployments, never shrink.
   */
  indexShards: number;
  uploadUrlTtlSeconds: number;
  localClassifierWorkers: number;
  /** Browser origins allowed to POST uploads to the bucket and to read presigned images. */
  corsOrigins: string[];
  /**
   * Whether the API also takes its API key: the shared public tenant, which sees only API-key uploads
   * (functions/core/caller-scope.ts). Off, there is no key at all and every caller signs in.
   */
  apiKeyAccess: boolean;
  /** Whether anyone may create an account in the user pool; off, users are added by an admin (docs/deploy.md). */
  selfSignUp: boolean;
  apiKeyExpiryDays: number;
  /** This many days before the API key expires, a reminder to redeploy goes to the operations topic. */
  apiKeyExpiryWarningDays: number;
  /** Whether introspection queries are answered (AppSync IntrospectionConfig): the schema is a map for attackers. */
  apiIntrospection: boolean;
  /** AppSync field logs with request/response headers and resolver context (verbose content), or without. */
  apiVerboseLogs: boolean;
  /** input/ objects still there after this many days were never processed: expire them. */
  unprocessedInputExpiryDays: number;
  /**
   * How long a deleted or expired object's bytes stay as a noncurrent version: the window to undo a mistaken
   * delete. Short, because a photo must not outlive its record (retentionDays) by more than this.
   */
  noncurrentVersionExpiryDays: number;
  /** SQS -> image-processor. */
  uploadQueue: { batchSize: number; maxBatchingWindowSeconds: number; maxReceiveCount: number };
  /**
   * DynamoDB stream -> stream-publisher. parallelizationFactor: concurrent batches per stream shard (1-10),
   * records of one image still in order.
   */
  stream: { batchSize: number; maxBatchingWindowSeconds: number; retryAttempts: number; maxRecordAgeSeconds: number; parallelizationFactor: number };
  /** Optional email subscription to the uncertain-classification topic. */
  notificationEmail?: string;
  /** Deploy the web console as a static site (S3 + CloudFront + OAC). */
  deployConsole: boolean;
  powertoolsLogLevel: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  apiTraceSampling: TraceSampling;
}

/** The CloudWatch Logs retention values CDK accepts, restated so this module needs no CDK import. */
export type LogRetentionDays = 7 | 14 | 30 | 60 | 90 | 180 | 365;

/*
 * Memory and timeouts. The processor spends its time waiting on S3 and Rekognition (one DetectLabels call,
 * ~300-900 ms in us-east-1), so 512 MB is enough CPU for byte validation of a 15 MB upload; its timeout
 * leaves room for a cold start plus a slow DetectLabels with SDK retries. With the local model the work is
 * CPU-bound, so it gets a full vCPU (1,769 MB) and a longer timeout. The other functions do one or two
 * DynamoDB calls or a presign (local computation): 256 MB keeps cold starts short at the lowest price step
 * that still gives esbuild-bundled code a fast init. `npm run bench:bundles` measures the init side.
 * A HEIC is decoded whole in wasm, ~12.3 MB per megapixel: 512 MB holds the 25 MP HEIC cap
 * (functions/core/image-validation.ts MAX_HEIF_PIXELS, ~450 MB at its peak), not a 48 MP one (737 MB),
 * which is refused by name instead. Lifting that cap means 1,024 MB here, about $6 more per 1M images.
 */
const REKOGNITION_PROCESSOR = { memoryMb: 512, timeoutSeconds: 30 };
const LOCAL_PROCESSOR = { memoryMb: 1769, timeoutSeconds: 60 };

const baseFunctions = (concurrency: Record<FunctionName, number>, classifier: ClassifierKind) => ({
  'request-upload': { memoryMb: 256, timeoutSeconds: 10, reservedConcurrency: concurrency['request-upload'] },
  'image-reader': { memoryMb: 256, timeoutSeconds: 10, reservedConcurrency: concurrency['image-reader'] },
  'image-processor': {
    ...(classifier === 'local' ? LOCAL_PROCESSOR : REKOGNITION_PROCESSOR),
    reservedConcurrency: concurrency['image-processor'],
  },
  'stream-publisher': { memoryMb: 256, timeoutSeconds: 30, reservedConcurrency: concurrency['stream-publisher'] },
  // A run reads at most SWEEPER.maxRecordsPerRun records per status, one HeadObject or UpdateItem each (~10-30 ms):
  // well under a minute even at the budget.
  'record-sweeper': { memoryMb: 256, timeoutSeconds: 60, reservedConcurrency: concurrency['record-sweeper'] },
});

const DEFAULT_THRESHOLDS: ClassifierThresholds = { ...SETTINGS_THRESHOLDS, ...DEFAULT_LABELS };

type StageDefaults = Omit<
  StageConfig,
  'stage' | 'region' | 'prefix' | 'functions' | 'classifier' | 'bundleAwsSdk' | 'notificationEmail' | 'deployConsole'
> & {
  concurrency: Record<FunctionName, number>;
};

const STAGE_DEFAULTS: Record<Stage, StageDefaults> = {
  dev: {
    owner: 'pet-detector-team',
    retainData: false,
    deletionProtection: false,
    logRetentionDays: 7,
    // Small reservations keep a runaway dev loop cheap; they need an account concurrency quota above 100.
    // record-sweeper: one run every 15 minutes; 2 lets a run the scheduler delivers twice go through instead of throttling.
    concurrency: { 'request-upload': 5, 'image-reader': 5, 'image-processor': 5, 'stream-publisher': 2, 'record-sweeper': 2 },
    alarms: { functionErrors: 5, functionThrottles: 5, p99DurationOfTimeout: 0.8, iteratorAgeMs: 60_000, appSync5xx: 5, processingFailures: 5 },
    wafRateLimitPer5Min: 500,
    thresholds: DEFAULT_THRESHOLDS,
    retentionDays: 7,
    // Two: a developer's trickle needs one partition, but two keep the fan-out and merge exercised in AWS.
    indexShards: 2,
    uploadUrlTtlSeconds: DEFAULT_UPLOAD_URL_TTL_SECONDS,
    localClassifierWorkers: DEFAULT_LAMBDA_CLASSIFIER_WORKERS,
    corsOrigins: ['http://localhost:4000', 'http://127.0.0.1:4000', 'http://localhost:5173'],
    apiKeyAccess: true,
    selfSignUp: true,
    apiKeyExpiryDays: 30,
    apiKeyExpiryWarningDays: 7,
    apiIntrospection: true,
    apiVerboseLogs: true,
    unprocessedInputExpiryDays: 1,
    noncurrentVersionExpiryDays: 1,
    uploadQueue: { batchSize: 5, maxBatchingWindowSeconds: 1, maxReceiveCount: DEFAULT_MAX_RECEIVE_COUNT },
    stream: { batchSize: 25, maxBatchingWindowSeconds: 1, retryAttempts: 3, maxRecordAgeSeconds: 3600, parallelizationFactor: 1 },
    powertoolsLogLevel: 'DEBUG',
    // Every request: dev traffic is a developer's own, and a trace is what they debug with.
    apiTraceSampling: { reservoirPerSecond: 1, fixedRate: 1 },
  },
  staging: {
    owner: 'pet-detector-team',
    retainData: false,
    deletionProtection: false,
    logRetentionDays: 30,
    concurrency: { 'request-upload': 10, 'image-reader': 10, 'image-processor': 10, 'stream-publisher': 3, 'record-sweeper': 2 },
    alarms: { functionErrors: 3, functionThrottles: 3, p99DurationOfTimeout: 0.8, iteratorAgeMs: 30_000, appSync5xx: 3, processingFailures: 3 },
    wafRateLimitPer5Min: 1000,
    thresholds: DEFAULT_THRESHOLDS,
    retentionDays: 30,
    // As prod: staging is where a load test meets the real key design.
    indexShards: 8,
    uploadUrlTtlSeconds: DEFAULT_UPLOAD_URL_TTL_SECONDS,
    localClassifierWorkers: DEFAULT_LAMBDA_CLASSIFIER_WORKERS,
    corsOrigins: [],
    apiKeyAccess: false,
    selfSignUp: false,
    apiKeyExpiryDays: 90,
    apiKeyExpiryWarningDays: 14,
    apiIntrospection: true,
    apiVerboseLogs: true,
    unprocessedInputExpiryDays: 3,
    noncurrentVersionExpiryDays: 1,
    uploadQueue: { batchSize: 5, maxBatchingWindowSeconds: 1, maxReceiveCount: DEFAULT_MAX_RECEIVE_COUNT },
    stream: { batchSize: 50, maxBatchingWindowSeconds: 1, retryAttempts: 5, maxRecordAgeSeconds: 6 * 3600, parallelizationFactor: 1 },
    powertoolsLogLevel: 'INFO',
    apiTraceSampling: { reservoirPerSecond: 1, fixedRate: 0.1 },
  },
  prod: {
    owner: 'pet-detector-team',
    retainData: true,
    deletionProtection: true,
    logRetentionDays: 90,
    // Sized for 1,000 images/s with room (npm run capacity, docs/BENCHMARKS.md): the processor runs a batch of 10
    // in ~1.9 s (I/O overlapped, media CPU added up), so 300 batches take ~1,580 images/s; request-upload at
    // ~60 ms needs 60 for 1,000/s; the publisher, 2 batches per stream shard, ~10 at the target. In all 570 with
    // the 100 AWS keeps unreserved (and the sweeper's 2): within the default account quota of 1,000.
    concurrency: { 'request-upload': 100, 'image-reader': 50, 'image-processor': 300, 'stream-publisher': 20, 'record-sweeper': 2 },
    alarms: { functionErrors: 1, functionThrottles: 1, p99DurationOfTimeout: 0.8, iteratorAgeMs: 30_000, appSync5xx: 1, processingFailures: 1 },
    wafRateLimitPer5Min: 2000,
    thresholds: DEFAULT_THRESHOLDS,
    retentionDays: DEFAULT_RETENTION_DAYS,
    // Sized for 1,000 images/s (npm run capacity). The busiest index key is one owner's ByOwner value when
    // one owner uploads everything (the public tenant, a bulk account): PENDING put, then an update at
    // PROCESSING and at the final status (the status is projected there), 3 WCU per image, 3,000 WCU/s at
    // the target. Next, a ByStatus status (each image enters and leaves PENDING and PROCESSING: a put, then
    // a delete) and ByCreatedAt (PENDING put, final update), 2 per image. A partition absorbs 1,000 WCU/s:
    // 8 shards leave the busiest at 375 WCU/s (ceiling 2,666 images/s), so bursts and an uneven hash still
    // fit (the simulation test feeds them 1,000 images/s of random ids). The price is on reads: a page
    // Queries 8 partitions, each billed at least 0.5 RRU (the cost model counts it).
    indexShards: 8,
    uploadUrlTtlSeconds: DEFAULT_UPLOAD_URL_TTL_SECONDS,
    localClassifierWorkers: DEFAULT_LAMBDA_CLASSIFIER_WORKERS,
    corsOrigins: [],
    apiKeyAccess: false,
    selfSignUp: false,
    apiKeyExpiryDays: 365,
    apiKeyExpiryWarningDays: 30,
    apiIntrospection: false,
    apiVerboseLogs: false,
    unprocessedInputExpiryDays: 7,
    noncurrentVersionExpiryDays: 1,
    uploadQueue: { batchSize: 10, maxBatchingWindowSeconds: 2, maxReceiveCount: DEFAULT_MAX_RECEIVE_COUNT },
    // Two batches per stream shard: one publisher batch of 100 takes ~450 ms (npm run capacity), ~220 records/s,
    // while a shard carries up to ~240 images/s (1,000 WCU / 4.2 WCU per image); with one it would fall behind.
    stream: { batchSize: 100, maxBatchingWindowSeconds: 1, retryAttempts: 10, maxRecordAgeSeconds: 24 * 3600, parallelizationFactor: 2 },
    powertoolsLogLevel: 'INFO',
    // No reservoir: at ~1 request/s (1M images a month) a 1/s reservoir alone would trace most requests
    // ($5 per million traces). 5% still records thousands of traces a day; errors are in the logs and alarms.
    apiTraceSampling: { reservoirPerSecond: 0, fixedRate: 0.05 },
  },
};

/** What can be chosen on the command line (`-c key=value`); everything else is fixed per stage above. */
const overridesSchema = z.object({
  stage: z.enum(STAGES, { message: `stage must be one of ${STAGES.join(', ')} (-c stage=dev)` }),
  region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'region must look like us-east-1').optional(),
  classifier: z.enum(['rekognition', 'local']).optional(),
  notificationEmail: z.email('notificationEmail must be an email address').optional(),
  console: z.enum(['true', 'false']).optional(),
  bundleAwsSdk: z.enum(['true', 'false']).optional(),
  corsOrigins: z.string().optional(),
});

export type StageOverrides = z.input<typeof overridesSchema>;

/** Builds one stage's configuration; throws naming the bad value when an override is invalid. */
export const stageConfig = (overrides: StageOverrides): StageConfig => {
  const parsed = overridesSchema.safeParse(overrides);
  if (!parsed.success) {
    throw new Error(`Invalid CDK context: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  const o = parsed.data;
  const { concurrency, ...defaults } = STAGE_DEFAULTS[o.stage];
  const classifier = o.classifier ?? 'rekognition';
  const extraOrigins = o.corsOrigins ? o.corsOrigins.split(',').map((s) => s.trim()).filter(Boolean) : [];
  const config: StageConfig = {
    ...defaults,
    stage: o.stage,
    region: o.region ?? DEFAULT_REGION,
    prefix: `serverlessapp-${o.stage}-`,
    functions: baseFunctions(concurrency, classifier),
    classifier,
    bundleAwsSdk: o.bundleAwsSdk !== 'false',
    corsOrigins: [...defaults.corsOrigins, ...extraOrigins],
    deployConsole: o.console === 'true',
  };
  if (o.notificationEmail) config.notificationEmail = o.notificationEmail;
  return config;
};

/** Reads the overrides from a CDK context getter (app.node.tryGetContext). */
export const overridesFromContext = (get: (key: string) => unknown): StageOverrides => {
  const str = (key: string): string | undefined => {
    const value = get(key);
    return value === undefined || value === null || value === '' ? undefined : String(value);
  };
  const overrides: Record<string, string | undefined> = {
    stage: str('stage') ?? 'dev',
    region: str('region'),
    classifier: str('classifier'),
    notificationEmail: str('notificationEmail'),
    console: str('console'),
    bundleAwsSdk: str('bundleAwsSdk'),
    corsOrigins: str('corsOrigins'),
  };
  return Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined)) as StageOverrides;
};
