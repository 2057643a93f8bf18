/**
 * Every name and default that the handlers, the CDK stack, the local stack, the monitoring constructs and
 * the local model must agree on, declared once. Constants only: no imports, no side effects, so any of
 * them (and a Lambda bundle) can read it for free.
 */

/** The classification policy's thresholds, 0-100 (their meaning: PolicyThresholds in classification-policy.ts). */
export const DEFAULT_THRESHOLDS = { confident: 80, uncertainMin: 50, closeMargin: 15 } as const;

/** What the classifier is asked for, as Rekognition DetectLabels' MinConfidence and MaxLabels. */
export const DEFAULT_LABELS = { minLabelConfidence: 40, maxLabels: 20 } as const;

/** DetectionLogs TTL: a record expires this many days after its upload was requested. */
export const DEFAULT_RETENTION_DAYS = 90;

/** How long an upload ticket (the presigned POST) stays valid. */
export const DEFAULT_UPLOAD_URL_TTL_SECONDS = 600;

/*
 * What one GraphQL request may cost: set on the AppSync API by the CDK stack (infra/constructs/graphql-api.ts)
 * and enforced the same way by the local AppSync server. Without them one request with aliases
 * (`a1: images {...} a2: images {...} ...`) fans out into as many Lambda invocations as it has aliases,
 * while the WAF's rate rule counts one request.
 */
/**
 * The deepest selection the schema allows is `images { items { labels { boundingBoxes { left } } } }`:
 * five levels, counting a top-level field as level 1. The schema has no cycle, so validation already bounds
 * depth; the limit keeps that true if a recursive type is ever added. A deeper schema must raise it
 * (test/infra/hardening.test.ts checks every field of schema.graphql is reachable within it).
 */
export const QUERY_DEPTH_LIMIT = 5;

/**
 * Resolver invocations per request. The console and the CLI need one or two (`images`, `imageUrls`);
 * ten leaves room for a screen that asks for a few things at once, and caps an alias bomb at ten
 * Lambda calls, each bounded by its own read budget (functions/core/image-query.ts).
 */
export const RESOLVER_COUNT_LIMIT = 10;

/** Deliveries of an upload message before the queue moves it to its DLQ (the processor records FAILED on the last). */
export const DEFAULT_MAX_RECEIVE_COUNT = 3;

/**
 * The record sweeper (functions/record-sweeper): settles records that will never settle by themselves
 * (core/use-cases/sweep-stale-records.ts). Its windows follow from the queue and the ticket (sweepWindows there).
 */
export const SWEEPER = {
  /** How often it runs: EventBridge Scheduler's rate in AWS, the local stack's timer. */
  intervalMinutes: 15,
  /** Records examined per status in one run (a run stays well inside its timeout; the next run continues). */
  maxRecordsPerRun: 500,
  /** After its ticket expired, how long a PENDING record still waits for an upload that began in time. */
  uploadGraceSeconds: 1800,
} as const;

/** Model worker threads in one Lambda container running the local classifier. */
export const DEFAULT_LAMBDA_CLASSIFIER_WORKERS = 1;

/** The CloudWatch namespace of the custom metrics, and the service name when none is configured. */
export const METRIC_NAMESPACE = 'pet-detector';
export const DEFAULT_SERVICE_NAME = 'pet-detector';

/** The custom metrics the functions emit and the alarms and dashboard are built on. */
export const METRIC = {
  imagesClassified: 'ImagesClassified',
  uncertainClassifications: 'UncertainClassifications',
  processingFailures: 'ProcessingFailures',
  classificationLatency: 'ClassificationLatency',
  duplicateEvents: 'DuplicateEvents',
  imagesPublished: 'ImagesPublished',
  /** Records the sweeper settled as FAILED, one series per reason (SWEEP_REASON). */
  staleRecordsSettled: 'StaleRecordsSettled',
} as const;

/** The dimension ImagesClassified carries, one series per animal. */
export const ANIMAL_DIMENSION = 'Animal';

/** The dimension StaleRecordsSettled carries: the FailureReason code the sweeper wrote. */
export const REASON_DIMENSION = 'Reason';

/**
 * The environment variables a deployed function reads (functions/runtime/config.ts) and the CDK stack sets
 * (infra/stack.ts, infra/constructs/observed-function.ts).
 */
export const ENV = {
  tableName: 'TABLE_NAME',
  indexShards: 'INDEX_SHARDS',
  statsTableName: 'STATS_TABLE_NAME',
  bucketName: 'BUCKET_NAME',
  region: 'AWS_REGION',
  forcePathStyle: 'S3_FORCE_PATH_STYLE',
  uploadUrlTtlSeconds: 'UPLOAD_URL_TTL_SECONDS',
  retentionDays: 'RETENTION_DAYS',
  classifier: 'CLASSIFIER',
  confidentThreshold: 'CONFIDENT_THRESHOLD',
  uncertainMinThreshold: 'UNCERTAIN_MIN_THRESHOLD',
  closeMargin: 'CLOSE_MARGIN',
  minLabelConfidence: 'MIN_LABEL_CONFIDENCE',
  maxLabels: 'MAX_LABELS',
  localClassifierWorkers: 'LOCAL_CLASSIFIER_WORKERS',
  maxReceiveCount: 'MAX_RECEIVE_COUNT',
  topicArn: 'TOPIC_ARN',
  graphqlUrl: 'GRAPHQL_URL',
  sweepProcessingAfterSeconds: 'SWEEP_PROCESSING_AFTER_SECONDS',
  sweepPendingAfterSeconds: 'SWEEP_PENDING_AFTER_SECONDS',
  sweepMaxRecordsPerRun: 'SWEEP_MAX_RECORDS_PER_RUN',
  serviceName: 'POWERTOOLS_SERVICE_NAME',
  metricsNamespace: 'POWERTOOLS_METRICS_NAMESPACE',
  logLevel: 'POWERTOOLS_LOG_LEVEL',
  metricsDisabled: 'POWERTOOLS_METRICS_DISABLED',
  traceEnabled: 'POWERTOOLS_TRACE_ENABLED',
  tracerCaptureResponse: 'POWERTOOLS_TRACER_CAPTURE_RESPONSE',
} as const;

/**
 * The user pool's password policy: the deployed pool's (infra/constructs/user-pool.ts) and the local pool's
 * (local/provision/user-pool.ts), so a password chosen locally is one AWS accepts too.
 */
export const PASSWORD_POLICY = { minLength: 12, requireLowercase: true, requireUppercase: true, requireDigits: true, requireSymbols: true } as const;
