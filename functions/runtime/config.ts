/**
 * Each function's configuration, read from the environment it is given (process.env in Lambda, once per
 * container) and checked with zod, so a missing or malformed variable stops the function naming the variable.
 * Endpoints are deliberately absent: in AWS the SDK finds them; the local stack builds the same handlers with
 * its emulators' endpoints (functions/runtime/wiring/connection.ts) instead of an environment.
 */
// zod/mini: the same validators as 'zod', tree-shakeable, so the config check costs kilobytes, not ~450 KB of bundle.
import * as z from 'zod/mini';
import { validateThresholds, type PolicyThresholds } from '../core/classification-policy';
import { ConfigurationError } from '../core/errors';
import { MAX_INDEX_SHARDS } from '../core/index-keys';
import {
  DEFAULT_LABELS,
  DEFAULT_LAMBDA_CLASSIFIER_WORKERS,
  DEFAULT_MAX_RECEIVE_COUNT,
  DEFAULT_RETENTION_DAYS,
  DEFAULT_THRESHOLDS,
  DEFAULT_UPLOAD_URL_TTL_SECONDS,
  ENV,
  SWEEPER,
} from '../core/settings';
import type { SweepSettings } from '../core/use-cases/sweep-stale-records';

/** An environment: process.env in Lambda, a plain object in tests. */
export type Env = Record<string, string | undefined>;

const required = z.string().check(z.trim(), z.minLength(1));
const number = (fallback: number, min: number, max: number) =>
  z._default(z.coerce.number().check(z.gte(min), z.lte(max)), fallback);
const integer = (fallback: number, min: number, max: number) =>
  z._default(z.coerce.number().check(z.int(), z.gte(min), z.lte(max)), fallback);
const flag = z._default(z.stringbool(), false);

const storage = {
  [ENV.tableName]: required,
  // No default: a reader that assumed fewer shards than the writers would silently miss images.
  [ENV.indexShards]: z.coerce.number().check(z.int(), z.gte(1), z.lte(MAX_INDEX_SHARDS)),
  [ENV.bucketName]: required,
  [ENV.region]: required,
  [ENV.forcePathStyle]: flag,
};

const schemas = {
  requestUpload: z.object({
    ...storage,
    [ENV.uploadUrlTtlSeconds]: integer(DEFAULT_UPLOAD_URL_TTL_SECONDS, 300, 900),
    [ENV.retentionDays]: integer(DEFAULT_RETENTION_DAYS, 1, 3650),
  }),
  imageReader: z.object({ ...storage, [ENV.statsTableName]: required }),
  imageProcessor: z.object({
    ...storage,
    [ENV.classifier]: z._default(z.enum(['rekognition', 'local']), 'rekognition'),
    [ENV.confidentThreshold]: number(DEFAULT_THRESHOLDS.confident, 0, 100),
    [ENV.uncertainMinThreshold]: number(DEFAULT_THRESHOLDS.uncertainMin, 0, 100),
    [ENV.closeMargin]: number(DEFAULT_THRESHOLDS.closeMargin, 0, 100),
    [ENV.minLabelConfidence]: number(DEFAULT_LABELS.minLabelConfidence, 0, 100),
    [ENV.maxLabels]: integer(DEFAULT_LABELS.maxLabels, 1, 1000),
    [ENV.localClassifierWorkers]: integer(DEFAULT_LAMBDA_CLASSIFIER_WORKERS, 1, 16),
    // Must equal the queue's maxReceiveCount (the CDK stack and the local stack both set it from settings): on the
    // last delivery a transient fault also records FAILED, so a message in the DLQ never leaves a record PROCESSING.
    [ENV.maxReceiveCount]: integer(DEFAULT_MAX_RECEIVE_COUNT, 1, 1000),
  }),
  recordSweeper: z.object({
    ...storage,
    // No defaults: they follow from the queue and the ticket (sweepWindows), which the deployment knows and this
    // function does not; a window shorter than the queue's would fail images that a redelivery was about to finish.
    [ENV.sweepProcessingAfterSeconds]: z.coerce.number().check(z.int(), z.gte(60), z.lte(7 * 86_400)),
    [ENV.sweepPendingAfterSeconds]: z.coerce.number().check(z.int(), z.gte(60), z.lte(7 * 86_400)),
    [ENV.sweepMaxRecordsPerRun]: integer(SWEEPER.maxRecordsPerRun, 1, 10_000),
  }),
  streamPublisher: z.object({
    [ENV.tableName]: required,
    [ENV.statsTableName]: required,
    [ENV.topicArn]: required,
    [ENV.graphqlUrl]: z.url(),
    [ENV.region]: required,
  }),
};

type FunctionName = keyof typeof schemas;

/** zod/mini ships no message locale, so the words come from the issue itself. */
const explain = (issue: z.core.$ZodIssue): string => {
  switch (issue.code) {
    case 'too_big':
      return `must be at most ${String(issue.maximum)}`;
    case 'too_small':
      return `must be at least ${String(issue.minimum)}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map(String).join(', ')}`;
    case 'invalid_format':
      return `must be a valid ${issue.format}`;
    case 'invalid_type':
      return `must be a valid ${issue.expected}`;
    default:
      return 'is not valid';
  }
};

const describeIssues = (issues: z.core.$ZodIssue[], env: Env): string =>
  issues
    .map((issue) => {
      const name = String(issue.path[0] ?? '?');
      const value = env[name];
      return value === undefined || value.trim() === ''
        ? `missing environment variable ${name}`
        : `invalid environment variable ${name} ('${value.slice(0, 40)}'): ${explain(issue)}`;
    })
    .join('; ');

const parse = <F extends FunctionName>(fn: F, env: Env): z.output<(typeof schemas)[F]> => {
  // An empty string is how CloudFormation renders an unset optional value: treat it as unset so defaults apply.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ''));
  const result = z.safeParse(schemas[fn], present);
  if (!result.success) throw new ConfigurationError(`${fn}: ${describeIssues(result.error.issues, env)}`);
  return result.data as z.output<(typeof schemas)[F]>;
};

export interface StorageConfig {
  tableName: string;
  indexShards: number;
  bucketName: string;
  region: string;
  forcePathStyle: boolean;
}

type StorageEnv = { [K in keyof typeof storage]: z.output<(typeof storage)[K]> };
const storageConfig = (c: StorageEnv): StorageConfig => ({
  tableName: c[ENV.tableName],
  indexShards: c[ENV.indexShards],
  bucketName: c[ENV.bucketName],
  region: c[ENV.region],
  forcePathStyle: c[ENV.forcePathStyle],
});

export interface RequestUploadConfig extends StorageConfig {
  uploadUrlTtlSeconds: number;
  retentionDays: number;
}

export const loadRequestUploadConfig = (env: Env): RequestUploadConfig => {
  const c = parse('requestUpload', env);
  return { ...storageConfig(c), uploadUrlTtlSeconds: c[ENV.uploadUrlTtlSeconds], retentionDays: c[ENV.retentionDays] };
};

export interface ImageReaderConfig extends StorageConfig {
  statsTableName: string;
}

export const loadImageReaderConfig = (env: Env): ImageReaderConfig => {
  const c = parse('imageReader', env);
  return { ...storageConfig(c), statsTableName: c[ENV.statsTableName] };
};

export interface ImageProcessorConfig extends StorageConfig {
  classifier: 'rekognition' | 'local';
  thresholds: PolicyThresholds;
  minLabelConfidence: number;
  maxLabels: number;
  localClassifierWorkers: number;
  maxReceiveCount: number;
}

export const loadImageProcessorConfig = (env: Env): ImageProcessorConfig => {
  const c = parse('imageProcessor', env);
  let thresholds: PolicyThresholds;
  try {
    thresholds = validateThresholds({
      confident: c[ENV.confidentThreshold],
      uncertainMin: c[ENV.uncertainMinThreshold],
      closeMargin: c[ENV.closeMargin],
    });
  } catch (error) {
    throw new ConfigurationError(
      `imageProcessor: invalid environment variables ${ENV.confidentThreshold}/${ENV.uncertainMinThreshold}/${ENV.closeMargin}: ${(error as Error).message}`,
    );
  }
  return {
    ...storageConfig(c),
    classifier: c[ENV.classifier],
    thresholds,
    minLabelConfidence: c[ENV.minLabelConfidence],
    maxLabels: c[ENV.maxLabels],
    localClassifierWorkers: c[ENV.localClassifierWorkers],
    maxReceiveCount: c[ENV.maxReceiveCount],
  };
};

export interface RecordSweeperConfig extends StorageConfig {
  sweep: SweepSettings;
}

export const loadRecordSweeperConfig = (env: Env): RecordSweeperConfig => {
  const c = parse('recordSweeper', env);
  return {
    ...storageConfig(c),
    sweep: {
      processingTimeoutSeconds: c[ENV.sweepProcessingAfterSeconds],
      pendingTimeoutSeconds: c[ENV.sweepPendingAfterSeconds],
      maxRecordsPerRun: c[ENV.sweepMaxRecordsPerRun],
    },
  };
};

export interface StreamPublisherConfig {
  /** The table whose records carry the alert ledger (AlertSentAt). */
  tableName: string;
  statsTableName: string;
  topicArn: string;
  graphqlUrl: string;
  region: string;
}

export const loadStreamPublisherConfig = (env: Env): StreamPublisherConfig => {
  const c = parse('streamPublisher', env);
  return {
    tableName: c[ENV.tableName],
    statsTableName: c[ENV.statsTableName],
    topicArn: c[ENV.topicArn],
    graphqlUrl: c[ENV.graphqlUrl],
    region: c[ENV.region],
  };
};
