/**
 * The environment the Lambda handlers get, per contracts.md section 2, plus the SDK's standard
 * AWS_ENDPOINT_URL_* variables that point every unchanged adapter at the local emulators.
 * All handlers share one process locally, so this is one environment (a superset of each function's).
 */
import { LOCAL_NAMES } from '../common/naming';

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
    TABLE_NAME: LOCAL_NAMES.table,
    BUCKET_NAME: LOCAL_NAMES.bucket,
    TOPIC_ARN: input.topicArn,
    GRAPHQL_URL: input.graphqlUrl,
    AWS_REGION: input.region,
    AWS_DEFAULT_REGION: input.region,
    CLASSIFIER: input.classifier,
    CONFIDENT_THRESHOLD: '80',
    UNCERTAIN_MIN_THRESHOLD: '50',
    CLOSE_MARGIN: '15',
    MIN_LABEL_CONFIDENCE: '40',
    MAX_LABELS: '20',
    RETENTION_DAYS: '90',
    UPLOAD_URL_TTL_SECONDS: '600',
    LOCAL_CLASSIFIER_WORKERS: String(input.localClassifierWorkers),
    MAX_RECEIVE_COUNT: String(input.maxReceiveCount),
    S3_FORCE_PATH_STYLE: 'true',
    POWERTOOLS_SERVICE_NAME: 'pet-detector',
    POWERTOOLS_METRICS_NAMESPACE: 'pet-detector',
    POWERTOOLS_LOG_LEVEL: input.logLevel,
    // No CloudWatch locally: EMF lines on stdout would only bury the log.
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_TRACE_ENABLED: 'false',
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
