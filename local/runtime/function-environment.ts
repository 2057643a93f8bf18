/**
 * The environment the Lambda handlers get, per contracts.md section 2, plus the SDK's standard
 * AWS_ENDPOINT_URL_* variables that point every unchanged adapter at the local emulators.
 * All handlers share one process locally, so this is one environment (a superset of each function's).
 */
import {
  DEFAULT_LABELS,
  DEFAULT_RETENTION_DAYS,
  DEFAULT_SERVICE_NAME,
  DEFAULT_THRESHOLDS,
  DEFAULT_UPLOAD_URL_TTL_SECONDS,
  ENV,
  METRIC_NAMESPACE,
} from '../../functions/core/settings';
import { LOCAL_INDEX_SHARDS, LOCAL_NAMES } from '../common/naming';

export interface FunctionEnvironmentInput {
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  topicArn: string;
  graphqlUrl: string;
  endpoints: { s3: string; dynamodb: string; sqs: string; sns: string; rekognition?: string };
  classifier: 'local' | 'rekognition';
  localClassifierWorkers: number;
  maxReceiveCount: number;
  logLevel: string;
  /** Only for fault-injection stacks: makes SDK clients hand every failure to the queue at once. */
  sdkMaxAttempts?: number;
}

export const functionEnvironment = (input: FunctionEnvironmentInput): Record<string, string> => {
  const env: Record<string, string> = {
    [ENV.tableName]: LOCAL_NAMES.table,
    [ENV.indexShards]: String(LOCAL_INDEX_SHARDS),
    [ENV.bucketName]: LOCAL_NAMES.bucket,
    [ENV.topicArn]: input.topicArn,
    [ENV.graphqlUrl]: input.graphqlUrl,
    [ENV.region]: input.region,
    AWS_DEFAULT_REGION: input.region,
    [ENV.classifier]: input.classifier,
    [ENV.confidentThreshold]: String(DEFAULT_THRESHOLDS.confident),
    [ENV.uncertainMinThreshold]: String(DEFAULT_THRESHOLDS.uncertainMin),
    [ENV.closeMargin]: String(DEFAULT_THRESHOLDS.closeMargin),
    [ENV.minLabelConfidence]: String(DEFAULT_LABELS.minLabelConfidence),
    [ENV.maxLabels]: String(DEFAULT_LABELS.maxLabels),
    [ENV.retentionDays]: String(DEFAULT_RETENTION_DAYS),
    [ENV.uploadUrlTtlSeconds]: String(DEFAULT_UPLOAD_URL_TTL_SECONDS),
    [ENV.localClassifierWorkers]: String(input.localClassifierWorkers),
    [ENV.maxReceiveCount]: String(input.maxReceiveCount),
    [ENV.forcePathStyle]: 'true',
    [ENV.serviceName]: DEFAULT_SERVICE_NAME,
    [ENV.metricsNamespace]: METRIC_NAMESPACE,
    [ENV.logLevel]: input.logLevel,
    // No CloudWatch locally: EMF lines on stdout would only bury the log.
    [ENV.metricsDisabled]: 'true',
    [ENV.traceEnabled]: 'false',
    AWS_ACCESS_KEY_ID: input.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: input.credentials.secretAccessKey,
    AWS_ENDPOINT_URL_S3: input.endpoints.s3,
    AWS_ENDPOINT_URL_DYNAMODB: input.endpoints.dynamodb,
    AWS_ENDPOINT_URL_DYNAMODB_STREAMS: input.endpoints.dynamodb,
    AWS_ENDPOINT_URL_SQS: input.endpoints.sqs,
    AWS_ENDPOINT_URL_SNS: input.endpoints.sns,
  };
  if (input.credentials.sessionToken) env.AWS_SESSION_TOKEN = input.credentials.sessionToken;
  if (input.endpoints.rekognition) env.AWS_ENDPOINT_URL_REKOGNITION = input.endpoints.rekognition;
  if (input.sdkMaxAttempts) env.AWS_MAX_ATTEMPTS = String(input.sdkMaxAttempts);
  return env;
};

/**
 * Applies the environment to this process and returns an undo. Real profiles and tokens are removed
 * so that nothing can reach a real AWS account by accident.
 */
export const applyEnvironment = (env: Record<string, string>): (() => void) => {
  const scrubbed = ['AWS_PROFILE', 'AWS_SESSION_TOKEN', 'AWS_ENDPOINT_URL', 'AWS_MAX_ATTEMPTS', 'AWS_ENDPOINT_URL_REKOGNITION'];
  const previous = new Map<string, string | undefined>();
  for (const name of [...scrubbed, ...Object.keys(env)]) previous.set(name, process.env[name]);
  for (const name of scrubbed) delete process.env[name];
  Object.assign(process.env, env);
  return () => {
    for (const [name, value] of previous) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
};
