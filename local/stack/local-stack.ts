/**
 * startLocalStack: the whole product on one machine, offline, on real emulators, running the same
 * handlers, resolvers and adapters as AWS. Used by `npm start`, the integration tests and the pipeline bench.
 *
 *   DynamoDB Local (Java) ── table + GSIs + stream ──▶ stream event source ──▶ stream-publisher
 *   s3rver ◀── upload gateway (POST policy) ◀── clients      │                     │
 *      └─ ObjectCreated input/ ─▶ fauxqs SQS ─▶ SQS event source ─▶ image-processor  ├─▶ AppSync (IAM publish)
 *   local AppSync server ─▶ DetectionLogs / request-upload / image-reader          └─▶ SNS ─▶ SQS ─▶ alerts inbox
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { Context } from 'aws-lambda';
import type { Classifier } from '../../functions/core/ports';
import { startDynamoDbLocal, type DynamoDbLocal } from '../emulators/dynamodb-local';
import { startNodeEmulators, type NodeEmulators } from '../emulators/node-emulators';
import { startRekognitionApi, type RekognitionApi } from '../emulators/rekognition-api';
import { createRekognitionBridge } from '../emulators/rekognition-bridge';
import { startAppSyncServer } from '../appsync-server';
import { startUploadGateway, type UploadGateway } from '../gateway/upload-gateway';
import { ensureDetectionLogsTable } from '../provision/table';
import { provisionMessaging, type Messaging } from '../provision/messaging';
import { DEFAULT_MAX_RECEIVE_COUNT } from '../../functions/core/settings';
import { applyEnvironment, functionEnvironment } from '../runtime/function-environment';
import { createHandlerLoader, FUNCTIONS } from '../runtime/handlers';
import { startAlertsInbox, type AlertsInbox } from '../wiring/alerts-inbox';
import { openCheckpointStore } from '../wiring/checkpoint-store';
import { createS3NotificationForwarder } from '../wiring/s3-notifications';
import { findWaitingUploads, objectCreatedRecord } from '../wiring/upload-recovery';
import { startSqsEventSource, type EventSource, type SqsHandler } from '../wiring/sqs-event-source';
import { STREAM_FILTER_PATTERNS } from '../../functions/stream-publisher/trigger-filters';
import { startStreamEventSource, type StreamHandler } from '../wiring/stream-event-source';
import { silentLogger, type StackLogger } from './logger';
import { LOCAL_API_KEY, LOCAL_CREDENTIALS, LOCAL_NAMES, LOCAL_REGION } from '../common/naming';
import { writeOutputs, type LocalOutputs } from './outputs';
import { DEFAULT_STATE_DIR, REPO_ROOT } from '../common/paths';
import { ensureResolverBundles, RESOLVER_BUNDLE_DIR } from './resolver-bundles';

export type ClassifierChoice =
  /** The local model (classifier/), as CLASSIFIER=local. */
  | 'local'
  /** Amazon Rekognition with the caller's real AWS credentials, fed the local objects' bytes (everything else stays local). */
  | 'rekognition'
  /** A classifier the caller supplies, served through the local DetectLabels endpoint (fault injection). */
  | { inject: Classifier };

export interface LocalStackOptions {
  /** GraphQL over HTTP; 0 picks a free port. Default 4000. */
  port?: number;
  /** GraphQL over HTTPS/WSS; 0 picks a free port. Default port + 443 (4443). */
  httpsPort?: number;
  /** Where outputs.json, data/ and TLS material live. Default .local in the repository. */
  stateDir?: string;
  /** Keep DynamoDB and S3 data in stateDir/data across restarts (default true); false = throwaway. */
  persist?: boolean;
  /** Wipe stateDir/data before starting. */
  reset?: boolean;
  classifier?: ClassifierChoice;
  localClassifierWorkers?: number;
  /** The uploads queue's visibility timeout: how soon a failed image is retried. Default 30 s. */
  visibilityTimeoutSeconds?: number;
  /** Image-processor batches in flight at once. Default 2. */
  processorConcurrency?: number;
  /** Stream retry backoff base (doubles per attempt). Default 200 ms. */
  streamRetryDelayMs?: number;
  /** Write stateDir/outputs.json. Default true. */
  writeOutputs?: boolean;
  /** The web console's build, served by the AppSync server when present. */
  staticDir?: string;
  logger?: StackLogger;
  /** The upload gateway's clock, for tests of expired tickets. Default: the system clock. */
  uploadClock?: () => Date;
  /** Powertools log level for the handlers. Default WARN. */
  logLevel?: string;
}

export interface LocalStack {
  outputs: LocalOutputs;
  apiKey: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  endpoints: {
    graphqlUrl: string;
    realtimeUrl: string;
    graphqlUrlHttps?: string;
    realtimeUrlHttps?: string;
    s3: string;
    dynamodb: string;
    sqs: string;
  };
  queues: Messaging;
  classifier: { kind: 'local' | 'rekognition' | 'injected'; available: boolean; note?: string };
  alerts: AlertsInbox;
  /** Java's pid and the Node emulators' pid, for whoever wants to measure them. */
  pids: { dynamodb?: number; nodeEmulators?: number };
  stop(): Promise<void>;
}

export const startLocalStack = async (options: LocalStackOptions = {}): Promise<LocalStack> => {
  const logger = options.logger ?? silentLogger;
  const stateDir = resolve(options.stateDir ?? DEFAULT_STATE_DIR);
  const persist = options.persist ?? true;
  const dataDir = join(stateDir, 'data');
  const region = LOCAL_REGION;
  const choice = options.classifier ?? 'local';
  const credentials = { ...LOCAL_CREDENTIALS };

  const cleanups: Array<() => Promise<void> | void> = [];
  const stopAll = async () => {
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup();
      } catch (error) {
        logger.warn(`shutdown: ${(error as Error).message}`);
      }
    }
    cleanups.length = 0;
  };

  try {
    if (options.reset) await rm(dataDir, { recursive: true, force: true });
    let s3Directory = join(dataDir, 's3');
    if (persist) await mkdir(join(dataDir, 'dynamodb'), { recursive: true });
    else {
      s3Directory = await mkdtemp(join(tmpdir(), 'pet-detector-s3-'));
      cleanups.push(() => rm(s3Directory, { recursive: true, force: true }));
    }

    // allSettled, not all: when one emulator fails, the others must still be stopped, not left running.
    const [dynamoStart, emulatorsStart, bundles] = await Promise.allSettled([
      startDynamoDbLocal({ dataDir: persist ? join(dataDir, 'dynamodb') : undefined }),
      startNodeEmulators({ s3Directory, bucket: LOCAL_NAMES.bucket, region, ...credentials }),
      ensureResolverBundles(),
    ]);
    if (dynamoStart.status === 'fulfilled') cleanups.push(() => dynamoStart.value.stop());
    if (emulatorsStart.status === 'fulfilled') cleanups.push(() => emulatorsStart.value.stop());
    for (const result of [dynamoStart, emulatorsStart, bundles]) if (result.status === 'rejected') throw result.reason;
    const dynamo = (dynamoStart as PromiseFulfilledResult<DynamoDbLocal>).value;
    const emulators = (emulatorsStart as PromiseFulfilledResult<NodeEmulators>).value;
    const rebuilt = (bundles as PromiseFulfilledResult<boolean>).value;
    if (rebuilt) logger.info('resolver bundles rebuilt (dist/resolvers)');

    const gateway: UploadGateway = await startUploadGateway({
      upstream: emulators.s3rverEndpoint,
      credentials: { [credentials.accessKeyId]: credentials.secretAccessKey },
      clock: options.uploadClock,
      onReject: (error) => logger.info(`upload rejected: ${error.code}: ${error.message}`),
    });
    cleanups.push(() => gateway.close());

    const clientConfig = { region, credentials };
    const ddb = new DynamoDBClient({ ...clientConfig, endpoint: dynamo.endpoint });
    const streams = new DynamoDBStreamsClient({ ...clientConfig, endpoint: dynamo.endpoint });
    const sqs = new SQSClient({ ...clientConfig, endpoint: emulators.sqsEndpoint });
    const sns = new SNSClient({ ...clientConfig, endpoint: emulators.sqsEndpoint });
    const s3 = new S3Client({ ...clientConfig, endpoint: gateway.endpoint, forcePathStyle: true });
    cleanups.push(() => [ddb, streams, sqs, sns, s3].forEach((c) => c.destroy()));

    const [table, messaging] = await Promise.all([
      ensureDetectionLogsTable(ddb, LOCAL_NAMES.table),
      provisionMessaging({ sqs, sns }, { visibilityTimeoutSeconds: options.visibilityTimeoutSeconds ?? 30 }),
    ]);

    let rekognition: RekognitionApi | undefined;
    if (typeof choice === 'object' || choice === 'rekognition') {
      let served: Classifier;
      if (typeof choice === 'object') served = choice.inject;
      else {
        const bridge = await createRekognitionBridge();
        cleanups.push(() => bridge.close());
        served = bridge;
      }
      rekognition = await startRekognitionApi({ classifier: served, s3 });
      cleanups.push(() => rekognition?.close());
    }
    const classifierModule = existsSync(resolve(REPO_ROOT, 'classifier', 'index.ts'));
    const classifier: LocalStack['classifier'] =
      typeof choice === 'object'
        ? { kind: 'injected', available: true, note: 'injected through the local DetectLabels endpoint' }
        : choice === 'rekognition'
          ? { kind: 'rekognition', available: true, note: 'Amazon Rekognition with your AWS credentials, fed the local bytes' }
          : classifierModule
            ? { kind: 'local', available: true }
            : { kind: 'local', available: false, note: 'classifier/index.ts is missing: uploads will end FAILED' };

    // Known once the AppSync server listens (port 0 = free); only stream-publisher reads it, at its first batch.
    const graphqlUrl = 'http://127.0.0.1/graphql';
    const restoreEnv = applyEnvironment(
      functionEnvironment({
        region,
        credentials,
        topicArn: messaging.topicArn,
        graphqlUrl,
        endpoints: {
          s3: gateway.endpoint,
          dynamodb: dynamo.endpoint,
          sqs: emulators.sqsEndpoint,
          sns: emulators.sqsEndpoint,
          rekognition: rekognition?.endpoint,
        },
        classifier: choice === 'local' ? 'local' : 'rekognition',
        localClassifierWorkers: options.localClassifierWorkers ?? 1,
        maxReceiveCount: DEFAULT_MAX_RECEIVE_COUNT,
        logLevel: options.logLevel ?? 'WARN',
        // Injected faults must reach the queue, not be absorbed by the SDK's own retries.
        sdkMaxAttempts: typeof choice === 'object' ? 1 : undefined,
      }),
    );
    cleanups.push(restoreEnv);

    const handlers = createHandlerLoader();
    const lambda = (key: 'requestUpload' | 'imageReader') => ({
      type: 'lambda' as const,
      handler: async (event: unknown, context: Context) => (await handlers.load<(e: unknown, c: Context) => Promise<unknown>>(key))(event, context),
    });

    const alerts = startAlertsInbox({
      sqs,
      queueUrl: messaging.alerts.url,
      onAlert: (alert) => logger.info(`SNS ${LOCAL_NAMES.topic}: ${JSON.stringify(alert.message)}`),
    });
    cleanups.push(() => alerts.stop());

    const appsync = await startAppSyncServer({
      host: '127.0.0.1',
      port: options.port ?? 4000,
      httpsPort: options.httpsPort ?? (options.port === 0 ? 0 : (options.port ?? 4000) + 443),
      apiKey: LOCAL_API_KEY,
      iamCredentials: credentials,
      region,
      schemaPaths: [resolve(REPO_ROOT, 'schema.graphql'), resolve(REPO_ROOT, 'appsync', 'builtins.graphql')],
      resolversDir: RESOLVER_BUNDLE_DIR,
      dataSources: {
        DetectionLogs: { type: 'dynamodb', tableName: LOCAL_NAMES.table, client: ddb },
        ImageReader: lambda('imageReader'),
        RequestUpload: lambda('requestUpload'),
        None: { type: 'none' },
      },
      staticDir: options.staticDir,
      extraRoutes: {
        'GET /local/alerts': (_req, res) => {
          res.writeHead(200, { 'content-type': 'application/json', 'access-control-allow-origin': '*' });
          res.end(JSON.stringify({ alerts: alerts.list() }));
        },
      },
      tls: { dir: join(stateDir, 'tls') },
    });
    cleanups.push(() => appsync.close());
    process.env.GRAPHQL_URL = appsync.url;

    const forwarder = createS3NotificationForwarder({
      sqs,
      queueUrl: messaging.uploads.url,
      region,
      bucket: LOCAL_NAMES.bucket,
      onError: (error) => logger.error(`S3 notification lost: ${(error as Error).message}`),
    });
    emulators.onS3Event((records) => forwarder.forward(records));
    cleanups.push(() => forwarder.drain());
    if (persist) {
      const waiting = await findWaitingUploads({ s3, ddb }, LOCAL_NAMES.bucket, LOCAL_NAMES.table);
      if (waiting.length > 0) logger.info(`re-announcing ${waiting.length} upload(s) that were waiting when the stack last stopped`);
      forwarder.forward(waiting.map((object) => objectCreatedRecord(LOCAL_NAMES.bucket, region, object)));
    }

    const sources: EventSource[] = [];
    sources.push(
      startSqsEventSource({
        sqs,
        queueUrl: messaging.uploads.url,
        queueArn: messaging.uploads.arn,
        region,
        functionName: FUNCTIONS.imageProcessor.name,
        handler: () => handlers.load<SqsHandler>('imageProcessor'),
        concurrency: options.processorConcurrency ?? 2,
        timeoutMs: FUNCTIONS.imageProcessor.timeoutMs,
        onInvocation: ({ records, failed, error }) => {
          if (error) logger.warn(`image-processor failed a batch of ${records}: ${(error as Error).message}`);
          else if (failed > 0) logger.info(`image-processor: ${failed} of ${records} messages back to the queue`);
        },
      }),
    );
    const checkpoints = await openCheckpointStore(persist ? join(dataDir, 'stream-checkpoints.json') : undefined, table.streamArn);
    sources.push(
      startStreamEventSource({
        streams,
        sqs,
        streamArn: table.streamArn,
        region,
        functionName: FUNCTIONS.streamPublisher.name,
        handler: () => handlers.load<StreamHandler>('streamPublisher'),
        checkpoints,
        onFailureQueueUrl: messaging.streamFailures.url,
        filters: STREAM_FILTER_PATTERNS,
        retryDelayMs: options.streamRetryDelayMs ?? 200,
        timeoutMs: FUNCTIONS.streamPublisher.timeoutMs,
        onInvocation: ({ records, failed, error }) => {
          if (error) logger.warn(`stream-publisher failed a batch of ${records}: ${(error as Error).message}`);
          else if (failed > 0) logger.info(`stream-publisher: ${failed} of ${records} records will be retried`);
        },
        onGiveUp: (records, reason) => logger.error(`stream-publisher gave up on ${records} records (${reason}): see the on-failure queue`),
      }),
    );
    cleanups.push(() => Promise.all(sources.map((s) => s.stop())).then(() => undefined));

    const outputs: LocalOutputs = {
      GraphQLApiUrl: appsync.url,
      GraphQLApiKey: LOCAL_API_KEY,
      RealtimeUrl: appsync.realtimeUrl,
      BucketName: LOCAL_NAMES.bucket,
      TableName: LOCAL_NAMES.table,
      TopicArn: messaging.topicArn,
      Region: region,
      GraphQLApiUrlHttps: appsync.httpsUrl,
      CaCertificatePath: appsync.caCertificatePath,
      S3Endpoint: gateway.endpoint,
      DynamoDbEndpoint: dynamo.endpoint,
      ConsoleUrl: options.staticDir ? appsync.url.replace(/\/graphql$/, '/') : undefined,
    };
    if (options.writeOutputs ?? true) await writeOutputs(join(stateDir, 'outputs.json'), outputs);

    return {
      outputs,
      apiKey: LOCAL_API_KEY,
      region,
      credentials,
      endpoints: {
        graphqlUrl: appsync.url,
        realtimeUrl: appsync.realtimeUrl,
        graphqlUrlHttps: appsync.httpsUrl,
        realtimeUrlHttps: appsync.realtimeUrlHttps,
        s3: gateway.endpoint,
        dynamodb: dynamo.endpoint,
        sqs: emulators.sqsEndpoint,
      },
      queues: messaging,
      classifier,
      alerts,
      pids: { dynamodb: dynamo.process.pid, nodeEmulators: emulators.process.pid },
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
};
