/**
 * The product's Lambda handlers as the local stack runs them: each function module's own createHandler,
 * given the configuration a deployed function would read (the defaults in functions/core/settings.ts) and
 * adapters pointed at the emulators. Nothing here reads or writes process.env.
 */
import type { Context } from 'aws-lambda';
import { createLocalClassifier, type LocalClassifier } from '../../classifier';
import {
  DEFAULT_LABELS,
  DEFAULT_LAMBDA_CLASSIFIER_WORKERS,
  DEFAULT_MAX_RECEIVE_COUNT,
  DEFAULT_RETENTION_DAYS,
  DEFAULT_THRESHOLDS,
  DEFAULT_UPLOAD_URL_TTL_SECONDS,
  SWEEPER,
} from '../../functions/core/settings';
import type { Clock } from '../../functions/core/ports';
import { sweepWindows } from '../../functions/core/use-cases/sweep-stale-records';
import { createHandler as createImageProcessor } from '../../functions/image-processor/handler';
import { createHandler as createImageReader } from '../../functions/image-reader/handler';
import { createHandler as createRecordSweeper } from '../../functions/record-sweeper/handler';
import { createHandler as createRequestUpload } from '../../functions/request-upload/handler';
import { createHandler as createStreamPublisher } from '../../functions/stream-publisher/handler';
import type { StorageConfig } from '../../functions/runtime/config';
import { createTelemetry } from '../../functions/runtime/telemetry';
import type { AwsConnection } from '../../functions/runtime/wiring/connection';
import { imageProcessorDeps } from '../../functions/runtime/wiring/image-processor';
import { imageReaderDeps } from '../../functions/runtime/wiring/image-reader';
import { recordSweeperDeps } from '../../functions/runtime/wiring/record-sweeper';
import { requestUploadDeps } from '../../functions/runtime/wiring/request-upload';
import { streamPublisherDeps } from '../../functions/runtime/wiring/stream-publisher';
import { sqsVisibilityTimeoutSeconds } from '../../infra/sqs-visibility';
import { LOCAL_INDEX_SHARDS, LOCAL_NAMES } from '../common/naming';

export type AnyHandler = (event: never, context: Context) => Promise<unknown>;

export const FUNCTIONS = {
  requestUpload: { name: 'serverlessapp-local-request-upload', timeoutMs: 10_000 },
  imageReader: { name: 'serverlessapp-local-image-reader', timeoutMs: 10_000 },
  imageProcessor: { name: 'serverlessapp-local-image-processor', timeoutMs: 60_000 },
  streamPublisher: { name: 'serverlessapp-local-stream-publisher', timeoutMs: 30_000 },
  recordSweeper: { name: 'serverlessapp-local-record-sweeper', timeoutMs: 60_000 },
} as const;

export type FunctionKey = keyof typeof FUNCTIONS;

export interface LocalHandlersInput {
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** Each service's emulator. Without rekognition, the processor needs localModel. */
  endpoints: { s3: string; dynamodb: string; sns?: string; rekognition?: string };
  /** The local model's worker threads; absent: the processor calls DetectLabels at endpoints.rekognition. */
  localModel?: { workers: number };
  tableName?: string;
  /** The ImageStats table (imageStats' counters). Default LOCAL_NAMES.statsTable. */
  statsTableName?: string;
  /** Write shards per list index; every writer and reader of one table must agree. Default LOCAL_INDEX_SHARDS. */
  indexShards?: number;
  bucketName?: string;
  topicArn?: string;
  maxReceiveCount?: number;
  /**
   * The uploads queue's visibility timeout: with maxReceiveCount, when a PROCESSING record is stuck (sweepWindows).
   * Default: the CDK stack's rule for the processor's timeout, as the local queue's default.
   */
  visibilityTimeoutSeconds?: number;
  /** The record sweeper's clock. Default: the system clock; tests move it on instead of waiting. */
  sweeperClock?: Clock;
  /** Powertools log level (DEBUG, INFO, WARN, ERROR, SILENT). */
  logLevel: string;
  /** Only for fault-injection stacks: SDK clients hand every failure to the event source at once. */
  sdkMaxAttempts?: number;
}

export interface LocalHandlers {
  requestUpload: AnyHandler;
  imageReader: AnyHandler;
  imageProcessor: ReturnType<typeof createImageProcessor>;
  /** Built once the AppSync server listens: its URL is where the publisher posts. */
  streamPublisher(graphqlUrl: string): ReturnType<typeof createStreamPublisher>;
  recordSweeper: ReturnType<typeof createRecordSweeper>;
  /** Stops the local model's worker threads (if it ever started them). */
  close(): Promise<void>;
}

export const createLocalHandlers = (input: LocalHandlersInput): LocalHandlers => {
  const connection: AwsConnection = {
    endpoints: input.endpoints,
    credentials: input.credentials,
    ...(input.sdkMaxAttempts === undefined ? {} : { maxAttempts: input.sdkMaxAttempts }),
  };
  // No CloudWatch and no X-Ray locally: EMF lines would only bury the log, and the Tracer costs CPU (telemetry.ts).
  const telemetry = (key: FunctionKey) => createTelemetry({ serviceName: FUNCTIONS[key].name, logLevel: input.logLevel, metrics: false, tracing: false });
  const storage: StorageConfig = {
    tableName: input.tableName ?? LOCAL_NAMES.table,
    indexShards: input.indexShards ?? LOCAL_INDEX_SHARDS,
    bucketName: input.bucketName ?? LOCAL_NAMES.bucket,
    region: input.region,
    forcePathStyle: true,
  };
  const statsTableName = input.statsTableName ?? LOCAL_NAMES.statsTable;
  const model: LocalClassifier | undefined = input.localModel
    ? createLocalClassifier({ workers: input.localModel.workers, minConfidence: DEFAULT_LABELS.minLabelConfidence, maxLabels: DEFAULT_LABELS.maxLabels })
    : undefined;
  const processorConfig = {
    ...storage,
    classifier: model ? ('local' as const) : ('rekognition' as const),
    thresholds: { ...DEFAULT_THRESHOLDS },
    ...DEFAULT_LABELS,
    localClassifierWorkers: input.localModel?.workers ?? DEFAULT_LAMBDA_CLASSIFIER_WORKERS,
    maxReceiveCount: input.maxReceiveCount ?? DEFAULT_MAX_RECEIVE_COUNT,
  };
  return {
    requestUpload: createRequestUpload(
      requestUploadDeps(
        { ...storage, uploadUrlTtlSeconds: DEFAULT_UPLOAD_URL_TTL_SECONDS, retentionDays: DEFAULT_RETENTION_DAYS },
        telemetry('requestUpload'),
        connection,
      ),
    ) as AnyHandler,
    imageReader: createImageReader(imageReaderDeps({ ...storage, statsTableName }, telemetry('imageReader'), connection)) as AnyHandler,
    imageProcessor: createImageProcessor(imageProcessorDeps(processorConfig, telemetry('imageProcessor'), { connection, ...(model ? { classifier: model } : {}) })),
    streamPublisher: (graphqlUrl) => {
      if (!input.topicArn) throw new Error('createLocalHandlers: the stream publisher needs a topicArn');
      return createStreamPublisher(
        streamPublisherDeps(
          { tableName: storage.tableName, statsTableName, topicArn: input.topicArn, graphqlUrl, region: input.region },
          telemetry('streamPublisher'),
          connection,
        ),
      );
    },
    recordSweeper: createRecordSweeper(
      recordSweeperDeps(
        {
          ...storage,
          sweep: {
            ...sweepWindows({
              visibilityTimeoutSeconds: input.visibilityTimeoutSeconds ?? sqsVisibilityTimeoutSeconds(FUNCTIONS.imageProcessor.timeoutMs / 1000),
              maxReceiveCount: processorConfig.maxReceiveCount,
              uploadUrlTtlSeconds: DEFAULT_UPLOAD_URL_TTL_SECONDS,
              uploadGraceSeconds: SWEEPER.uploadGraceSeconds,
            }),
            maxRecordsPerRun: SWEEPER.maxRecordsPerRun,
          },
        },
        telemetry('recordSweeper'),
        connection,
        input.sweeperClock,
      ),
    ),
    close: async () => model?.close(),
  };
};
