/**
 * Each function's configuration, read from the environment once at cold start and checked with zod,
 * so a missing or malformed variable stops the function before its first event, naming the variable.
 * Endpoints are deliberately absent: the SDK's own AWS_ENDPOINT_URL_* variables point clients at
 * emulators locally, so production and local code paths stay identical.
 */
// zod/mini: the same validators as 'zod', tree-shakeable, so the config check costs kilobytes, not ~450 KB of bundle.
import * as z from 'zod/mini';
import { validateThresholds, type PolicyThresholds } from '../core/classification-policy';
import { ConfigurationError } from '../core/errors';

type Env = Record<string, string | undefined>;

const required = z.string().check(z.trim(), z.minLength(1));
const number = (fallback: number, min: number, max: number) =>
  z._default(z.coerce.number().check(z.gte(min), z.lte(max)), fallback);
const integer = (fallback: number, min: number, max: number) =>
  z._default(z.coerce.number().check(z.int(), z.gte(min), z.lte(max)), fallback);
const flag = z._default(z.stringbool(), false);

const storage = {
  TABLE_NAME: required,
  BUCKET_NAME: required,
  AWS_REGION: required,
  S3_FORCE_PATH_STYLE: flag,
};

const schemas = {
  requestUpload: z.object({
    ...storage,
    UPLOAD_URL_TTL_SECONDS: integer(600, 300, 900),
    RETENTION_DAYS: integer(90, 1, 3650),
  }),
  imageReader: z.object(storage),
  imageProcessor: z.object({
    ...storage,
    CLASSIFIER: z._default(z.enum(['rekognition', 'local']), 'rekognition'),
    CONFIDENT_THRESHOLD: number(80, 0, 100),
    UNCERTAIN_MIN_THRESHOLD: number(50, 0, 100),
    CLOSE_MARGIN: number(15, 0, 100),
    MIN_LABEL_CONFIDENCE: number(40, 0, 100),
    MAX_LABELS: integer(20, 1, 1000),
    LOCAL_CLASSIFIER_WORKERS: integer(1, 1, 16),
    // Must equal the queue's maxReceiveCount (3 in the CDK stack and the local stack): on the last
    // delivery a transient fault also records FAILED, so a message in the DLQ never leaves a record PROCESSING.
    MAX_RECEIVE_COUNT: integer(3, 1, 1000),
  }),
  streamPublisher: z.object({
    TOPIC_ARN: required,
    GRAPHQL_URL: z.url(),
    AWS_REGION: required,
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
  bucketName: string;
  region: string;
  forcePathStyle: boolean;
}

const storageConfig = (c: z.output<typeof schemas.imageReader>): StorageConfig => ({
  tableName: c.TABLE_NAME,
  bucketName: c.BUCKET_NAME,
  region: c.AWS_REGION,
  forcePathStyle: c.S3_FORCE_PATH_STYLE,
});

export interface RequestUploadConfig extends StorageConfig {
  uploadUrlTtlSeconds: number;
  retentionDays: number;
}

export const loadRequestUploadConfig = (env: Env = process.env): RequestUploadConfig => {
  const c = parse('requestUpload', env);
  return { ...storageConfig(c), uploadUrlTtlSeconds: c.UPLOAD_URL_TTL_SECONDS, retentionDays: c.RETENTION_DAYS };
};

export type ImageReaderConfig = StorageConfig;

export const loadImageReaderConfig = (env: Env = process.env): ImageReaderConfig => storageConfig(parse('imageReader', env));

export interface ImageProcessorConfig extends StorageConfig {
  classifier: 'rekognition' | 'local';
  thresholds: PolicyThresholds;
  minLabelConfidence: number;
  maxLabels: number;
  localClassifierWorkers: number;
  maxReceiveCount: number;
}

export const loadImageProcessorConfig = (env: Env = process.env): ImageProcessorConfig => {
  const c = parse('imageProcessor', env);
  let thresholds: PolicyThresholds;
  try {
    thresholds = validateThresholds({
      confident: c.CONFIDENT_THRESHOLD,
      uncertainMin: c.UNCERTAIN_MIN_THRESHOLD,
      closeMargin: c.CLOSE_MARGIN,
    });
  } catch (error) {
    throw new ConfigurationError(
      `imageProcessor: invalid environment variables CONFIDENT_THRESHOLD/UNCERTAIN_MIN_THRESHOLD/CLOSE_MARGIN: ${(error as Error).message}`,
    );
  }
  return {
    ...storageConfig(c),
    classifier: c.CLASSIFIER,
    thresholds,
    minLabelConfidence: c.MIN_LABEL_CONFIDENCE,
    maxLabels: c.MAX_LABELS,
    localClassifierWorkers: c.LOCAL_CLASSIFIER_WORKERS,
    maxReceiveCount: c.MAX_RECEIVE_COUNT,
  };
};

export interface StreamPublisherConfig {
  topicArn: string;
  graphqlUrl: string;
  region: string;
}

export const loadStreamPublisherConfig = (env: Env = process.env): StreamPublisherConfig => {
  const c = parse('streamPublisher', env);
  return { topicArn: c.TOPIC_ARN, graphqlUrl: c.GRAPHQL_URL, region: c.AWS_REGION };
};
