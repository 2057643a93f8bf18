/**
 * startLocalStack: the whole product on one machine, offline, on real emulators, running the same
 * handlers, resolvers and adapters as AWS. Used by `npm start`, the integration tests and the pipeline bench.
 *
 *   DynamoDB Local (Java) ── table + GSIs + stream ──▶ stream event source ──▶ stream-publisher
 *   s3rver ◀── upload gateway (POST policy) ◀── clients      │                     │
 *      └─ ObjectCreated input/ ─▶ fauxqs SQS ─▶ SQS event source ─▶ image-processor  ├─▶ AppSync (IAM publish)
 *   local AppSync server ─▶ DetectionLogs / request-upload / image-reader          └─▶ SNS ─▶ SQS ─▶ alerts inbox
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CognitoIdentityProviderClient, DescribeUserPoolCommand } from '@aws-sdk/client-cognito-identity-provider';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Classifier } from '../../functions/core/ports';
import { corsHeaders, startAppSyncServer, type AppSyncServer, type LocalLambdaHandler } from '../appsync-server';
import { workerPoolsHealth } from '../../classifier/worker-pool';
import { sqsVisibilityTimeoutSeconds } from '../../infra/sqs-visibility';
import { createLocalOrigins, type LocalOrigins } from '../common/origins';
import { describeFault, type FaultReporter } from '../common/request-guard';
import { startCognitoLocal, type CognitoLocal } from '../emulators/cognito-local';
import { localConsoleConfig, type LocalUserPool } from './console-config';
import { startDynamoDbLocal, type DynamoDbLocal } from '../emulators/dynamodb-local';
import { startNodeEmulators, type NodeEmulators } from '../emulators/node-emulators';
import { startRekognitionApi, type RekognitionApi } from '../emulators/rekognition-api';
import { createRekognitionBridge } from '../emulators/rekognition-bridge';
import { startUploadGateway, type UploadGateway } from '../gateway/upload-gateway';
import { ensureDetectionLogsTable, ensureImageStatsTable } from '../provision/table';
import { provisionMessaging, type Messaging } from '../provision/messaging';
import { ensureUser, ensureUserPool, type UserPoolInfo } from '../provision/user-pool';
import { DEFAULT_MAX_RECEIVE_COUNT, SWEEPER } from '../../functions/core/settings';
import { createLocalHandlers, FUNCTIONS, type LocalHandlers } from '../runtime/handlers';
import { startAlertsInbox, type AlertsInbox } from '../wiring/alerts-inbox';
import { checkHealth, healthRoute, type ComponentHealth, type HealthProbe, type HealthReport } from './health';
import { createSupervisor, describeChildExit, type Supervisor } from './supervisor';
import { openCheckpointStore } from '../wiring/checkpoint-store';
import { createS3NotificationForwarder } from '../wiring/s3-notifications';
import { objectCreatedRecord, planUploadRecovery } from '../wiring/upload-recovery';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDbDetectionLog } from '../../functions/adapters/dynamodb-detection-log';
import { startSchedule } from '../wiring/schedule';
import { startSqsEventSource, type EventSource } from '../wiring/sqs-event-source';
import { STREAM_FILTER_PATTERNS } from '../../functions/stream-publisher/trigger-filters';
import { startStreamEventSource } from '../wiring/stream-event-source';
import { silentLogger, type StackLogger } from './logger';
import { LOCAL_API_KEY, LOCAL_CREDENTIALS, LOCAL_DEMO_USER, LOCAL_INDEX_SHARDS, LOCAL_NAMES, LOCAL_REGION } from '../common/naming';
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
  /**
   * The uploads queue's visibility timeout: how soon a failed image is retried. Default: the CDK stack's
   * rule (infra/sqs-visibility.ts), six times the processor's timeout. Tests shorten it to see retries.
   */
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
  /** How often the record sweeper runs (EventBridge Scheduler's rate in AWS). Default SWEEPER.intervalMinutes. */
  sweepIntervalMs?: number;
  /** The record sweeper's clock, for tests of records that never finish. Default: the system clock. */
  sweeperClock?: () => Date;
  /** Powertools log level for the handlers. Default WARN. */
  logLevel?: string;
  /**
   * Called when a child process (Java, the emulators) dies after start-up; the stack has then stopped
   * itself. `npm start` prints the message and exits.
   */
  onFatal?: (message: string) => void;
  /** SDK attempts per call in the handlers. Default: the SDK's own, except 1 for an injected classifier. */
  sdkMaxAttempts?: number;
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
  /** The local Cognito user pool (cognito-local) and the demo user made in it. */
  userPool: { userPoolId: string; userPoolClientId: string; endpoint: string; issuer: string; demoUser: { email: string; password: string } };
  classifier: { kind: 'local' | 'rekognition' | 'injected'; available: boolean; note?: string };
  alerts: AlertsInbox;
  /** Java's pid and the Node emulators' pid, for whoever wants to measure them. */
  pids: { dynamodb?: number; nodeEmulators?: number };
  /** What GET /local/health answers. */
  health(): Promise<HealthReport>;
  stop(): Promise<void>;
}

/** What every step may use: the options, the logger, and the list of things to undo at stop. */
interface StackContext {
  options: LocalStackOptions;
  logger: StackLogger;
  stateDir: string;
  dataDir: string;
  persist: boolean;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  onFault: FaultReporter;
  /** Undone in reverse order at stop. */
  cleanups: Array<() => Promise<void> | void>;
}

const NAMES = {
  dynamodb: 'DynamoDB Local (Java)',
  nodeEmulators: 's3rver + fauxqs (child process)',
  cognito: 'cognito-local (child process)',
} as const;

export const startLocalStack = async (options: LocalStackOptions = {}): Promise<LocalStack> => {
  const logger = options.logger ?? silentLogger;
  const stateDir = resolve(options.stateDir ?? DEFAULT_STATE_DIR);
  const context: StackContext = {
    options,
    logger,
    stateDir,
    dataDir: join(stateDir, 'data'),
    persist: options.persist ?? true,
    region: LOCAL_REGION,
    credentials: { ...LOCAL_CREDENTIALS },
    onFault: (fault) => logger.error(describeFault(fault)),
    cleanups: [],
  };
  let stopping: Promise<void> | undefined;
  const stopAll = (): Promise<void> => {
    stopping ??= (async () => {
      supervisor.standDown();
      for (const cleanup of context.cleanups.reverse()) {
        try {
          await cleanup();
        } catch (error) {
          logger.warn(`shutdown: ${(error as Error).message}`);
        }
      }
      context.cleanups.length = 0;
    })();
    return stopping;
  };
  // A child that dies after start-up stops everything: never serve half alive (see supervisor.ts).
  const supervisor = createSupervisor((exit) => {
    const message = describeChildExit(exit);
    logger.error(message);
    void stopAll().then(() => options.onFatal?.(message));
  });

  try {
    const { dynamo, emulators, cognito, s3Directory } = await startEmulators(context, supervisor);
    const origins = createLocalOrigins();
    const gateway = await startGateway(context, emulators, origins);
    const clients = createClients(context, { dynamodb: dynamo.endpoint, sqs: emulators.sqsEndpoint, s3: gateway.endpoint, cognito: cognito.endpoint });
    void s3Directory;
    const visibilityTimeoutSeconds = options.visibilityTimeoutSeconds ?? sqsVisibilityTimeoutSeconds(FUNCTIONS.imageProcessor.timeoutMs / 1000);
    const [table, , messaging, pool] = await Promise.all([
      ensureDetectionLogsTable(clients.ddb, LOCAL_NAMES.table),
      ensureImageStatsTable(clients.ddb, LOCAL_NAMES.statsTable),
      provisionMessaging(clients, { visibilityTimeoutSeconds }),
      provisionUserPool(clients.cognito),
    ]);
    const userPool = { ...pool, endpoint: cognito.endpoint, issuer: cognito.issuerOf(pool.userPoolId), demoUser: { ...LOCAL_DEMO_USER } };
    const classifier = await startClassifier(context, clients.s3);
    const handlers = startFunctions(context, { dynamo, emulators, gateway, messaging, classifier, visibilityTimeoutSeconds });
    const alerts = startAlertsInbox({
      sqs: clients.sqs,
      queueUrl: messaging.alerts.url,
      onAlert: (alert) => logger.info(`SNS ${LOCAL_NAMES.topic}: ${JSON.stringify(alert.message)}`),
    });
    context.cleanups.push(() => alerts.stop());

    const probes: Record<string, HealthProbe> = {};
    const appsync = await startAppSync(context, { clients, handlers, alerts, origins, probes, userPool });
    // The console's origins are known once the API listens: a future sign-in page there may call the pool.
    cognito.allowOrigins(origins.list);
    const uploads = await wireUploads(context, { emulators, clients, messaging, handlers });
    const stream = await wireStream(context, { clients, messaging, table, handlers, graphqlUrl: appsync.url });
    const sweeper = scheduleSweeper(context, handlers);
    Object.assign(
      probes,
      healthProbes({ supervisor, clients, messaging, uploads, stream, sweeper, classifier: classifier.description, userPoolId: pool.userPoolId }),
    );

    const outputs: LocalOutputs = {
      GraphQLApiUrl: appsync.url,
      GraphQLApiKey: LOCAL_API_KEY,
      RealtimeUrl: appsync.realtimeUrl,
      BucketName: LOCAL_NAMES.bucket,
      TableName: LOCAL_NAMES.table,
      TopicArn: messaging.topicArn,
      Region: context.region,
      GraphQLApiUrlHttps: appsync.httpsUrl,
      CaCertificatePath: appsync.caCertificatePath,
      S3Endpoint: gateway.endpoint,
      DynamoDbEndpoint: dynamo.endpoint,
      ConsoleUrl: options.staticDir ? appsync.url.replace(/\/graphql$/, '/') : undefined,
      UserPoolId: pool.userPoolId,
      UserPoolClientId: pool.userPoolClientId,
      CognitoEndpoint: cognito.endpoint,
    };
    if (options.writeOutputs ?? true) await writeOutputs(join(stateDir, 'outputs.json'), outputs);

    return {
      outputs,
      apiKey: LOCAL_API_KEY,
      region: context.region,
      credentials: context.credentials,
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
      userPool,
      classifier: classifier.description,
      alerts,
      pids: { dynamodb: dynamo.process.pid, nodeEmulators: emulators.process.pid },
      health: () => checkHealth(probes),
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
};

/** Step 1: DynamoDB Local, s3rver + fauxqs, cognito-local and the resolver bundles, side by side; each child supervised. */
const startEmulators = async (context: StackContext, supervisor: Supervisor) => {
  const { options, dataDir, persist, cleanups, region, credentials } = context;
  if (options.reset) await rm(dataDir, { recursive: true, force: true });
  let s3Directory = join(dataDir, 's3');
  // The user pool lives with the rest of the data, so it (and its id, and its users) survives a restart.
  let cognitoDirectory = join(dataDir, 'cognito');
  if (persist) await mkdir(join(dataDir, 'dynamodb'), { recursive: true });
  else {
    s3Directory = await mkdtemp(join(tmpdir(), 'pet-detector-s3-'));
    cognitoDirectory = await mkdtemp(join(tmpdir(), 'pet-detector-cognito-'));
    cleanups.push(() => rm(s3Directory, { recursive: true, force: true }));
    cleanups.push(() => rm(cognitoDirectory, { recursive: true, force: true }));
  }
  // allSettled, not all: when one emulator fails, the others must still be stopped, not left running.
  const [dynamoStart, emulatorsStart, cognitoStart, bundles] = await Promise.allSettled([
    startDynamoDbLocal({ dataDir: persist ? join(dataDir, 'dynamodb') : undefined }),
    startNodeEmulators({ s3Directory, bucket: LOCAL_NAMES.bucket, region, ...credentials }),
    startCognitoLocal({ stateDir: cognitoDirectory }),
    ensureResolverBundles(),
  ]);
  if (dynamoStart.status === 'fulfilled') cleanups.push(() => dynamoStart.value.stop());
  if (emulatorsStart.status === 'fulfilled') cleanups.push(() => emulatorsStart.value.stop());
  if (cognitoStart.status === 'fulfilled') cleanups.push(() => cognitoStart.value.stop());
  for (const result of [dynamoStart, emulatorsStart, cognitoStart, bundles]) if (result.status === 'rejected') throw result.reason;
  const dynamo = (dynamoStart as PromiseFulfilledResult<DynamoDbLocal>).value;
  const emulators = (emulatorsStart as PromiseFulfilledResult<NodeEmulators>).value;
  const cognito = (cognitoStart as PromiseFulfilledResult<CognitoLocal>).value;
  if ((bundles as PromiseFulfilledResult<boolean>).value) context.logger.info('resolver bundles rebuilt (dist/resolvers)');
  supervisor.watch(NAMES.dynamodb, dynamo.process);
  supervisor.watch(NAMES.nodeEmulators, emulators.process);
  supervisor.watch(NAMES.cognito, cognito.process);
  return { dynamo, emulators, cognito, s3Directory };
};

/** The local pool, app client and analysts group (made once, reused after), and the demo user printed in the banner. */
const provisionUserPool = async (cognito: CognitoIdentityProviderClient): Promise<UserPoolInfo> => {
  const pool = await ensureUserPool(cognito, { pool: LOCAL_NAMES.userPool, client: LOCAL_NAMES.userPoolClient });
  await ensureUser(cognito, pool.userPoolId, LOCAL_DEMO_USER);
  return pool;
};

/** Step 2: the local S3 endpoint in front of s3rver. */
const startGateway = async (context: StackContext, emulators: NodeEmulators, origins: LocalOrigins): Promise<UploadGateway> => {
  const gateway = await startUploadGateway({
    upstream: emulators.s3rverEndpoint,
    credentials: { [context.credentials.accessKeyId]: context.credentials.secretAccessKey },
    clock: context.options.uploadClock,
    origins,
    onFault: context.onFault,
    onReject: (error) => context.logger.info(`S3 request refused: ${error.code}: ${error.message}`),
  });
  context.cleanups.push(() => gateway.close());
  return gateway;
};

type Clients = ReturnType<typeof createClients>;

const createClients = (context: StackContext, endpoints: { dynamodb: string; sqs: string; s3: string; cognito: string }) => {
  const config = { region: context.region, credentials: context.credentials };
  const clients = {
    ddb: new DynamoDBClient({ ...config, endpoint: endpoints.dynamodb }),
    streams: new DynamoDBStreamsClient({ ...config, endpoint: endpoints.dynamodb }),
    sqs: new SQSClient({ ...config, endpoint: endpoints.sqs }),
    sns: new SNSClient({ ...config, endpoint: endpoints.sqs }),
    s3: new S3Client({ ...config, endpoint: endpoints.s3, forcePathStyle: true }),
    cognito: new CognitoIdentityProviderClient({ ...config, endpoint: endpoints.cognito }),
  };
  context.cleanups.push(() => Object.values(clients).forEach((c) => c.destroy()));
  return clients;
};

/** Step 3: which classifier the processor meets, and the local DetectLabels endpoint when it needs one. */
const startClassifier = async (context: StackContext, s3: S3Client) => {
  const choice = context.options.classifier ?? 'local';
  let rekognition: RekognitionApi | undefined;
  if (typeof choice === 'object' || choice === 'rekognition') {
    let served: Classifier;
    if (typeof choice === 'object') served = choice.inject;
    else {
      const bridge = await createRekognitionBridge();
      context.cleanups.push(() => bridge.close());
      served = bridge;
    }
    const api = await startRekognitionApi({ classifier: served, s3, onFault: context.onFault });
    rekognition = api;
    context.cleanups.push(() => api.close());
  }
  const description: LocalStack['classifier'] =
    typeof choice === 'object'
      ? { kind: 'injected', available: true, note: 'injected through the local DetectLabels endpoint' }
      : choice === 'rekognition'
        ? { kind: 'rekognition', available: true, note: 'Amazon Rekognition with your AWS credentials, fed the local bytes' }
        : { kind: 'local', available: true };
  return { choice, rekognition, description };
};

/** Step 4: the handlers, each function's own createHandler on adapters pointed at the emulators (no process.env). */
const startFunctions = (
  context: StackContext,
  parts: {
    dynamo: DynamoDbLocal;
    emulators: NodeEmulators;
    gateway: UploadGateway;
    messaging: Messaging;
    classifier: Awaited<ReturnType<typeof startClassifier>>;
    visibilityTimeoutSeconds: number;
  },
): LocalHandlers => {
  const { options } = context;
  const injected = typeof parts.classifier.choice === 'object';
  // Injected faults must reach the queue, not be absorbed by the SDK's own retries (unless asked).
  const sdkMaxAttempts = options.sdkMaxAttempts ?? (injected ? 1 : undefined);
  const handlers = createLocalHandlers({
    region: context.region,
    credentials: context.credentials,
    topicArn: parts.messaging.topicArn,
    endpoints: {
      s3: parts.gateway.endpoint,
      dynamodb: parts.dynamo.endpoint,
      sns: parts.emulators.sqsEndpoint,
      rekognition: parts.classifier.rekognition?.endpoint,
    },
    ...(parts.classifier.choice === 'local' ? { localModel: { workers: options.localClassifierWorkers ?? 1 } } : {}),
    maxReceiveCount: DEFAULT_MAX_RECEIVE_COUNT,
    visibilityTimeoutSeconds: parts.visibilityTimeoutSeconds,
    ...(options.sweeperClock ? { sweeperClock: { now: options.sweeperClock } } : {}),
    logLevel: options.logLevel ?? 'WARN',
    ...(sdkMaxAttempts === undefined ? {} : { sdkMaxAttempts }),
  });
  // Cleanups run in reverse: the event sources stop first, then the model's worker threads.
  context.cleanups.push(() => handlers.close());
  return handlers;
};

type Handlers = LocalHandlers;

/** Step 5: the local AppSync server, with the stack's own routes (/local/alerts, /local/health). */
const startAppSync = async (
  context: StackContext,
  parts: {
    clients: Clients;
    handlers: Handlers;
    alerts: AlertsInbox;
    origins: LocalOrigins;
    probes: Record<string, HealthProbe>;
    userPool: LocalUserPool & { issuer: string };
  },
): Promise<AppSyncServer> => {
  const { options, logger } = context;
  const appsync = await startAppSyncServer({
    host: '127.0.0.1',
    port: options.port ?? 4000,
    httpsPort: options.httpsPort ?? (options.port === 0 ? 0 : (options.port ?? 4000) + 443),
    apiKey: LOCAL_API_KEY,
    userPool: { issuer: parts.userPool.issuer, clientIds: [parts.userPool.userPoolClientId] },
    iamCredentials: context.credentials,
    region: context.region,
    schemaPaths: [resolve(REPO_ROOT, 'schema.graphql'), resolve(REPO_ROOT, 'appsync', 'builtins.graphql')],
    resolversDir: RESOLVER_BUNDLE_DIR,
    dataSources: {
      DetectionLogs: { type: 'dynamodb', tableName: LOCAL_NAMES.table, client: parts.clients.ddb },
      ImageReader: { type: 'lambda', handler: parts.handlers.imageReader as LocalLambdaHandler },
      RequestUpload: { type: 'lambda', handler: parts.handlers.requestUpload as LocalLambdaHandler },
      None: { type: 'none' },
    },
    staticDir: options.staticDir,
    origins: parts.origins,
    onInternalError: (error) => logger.error(`AppSync server: ${error instanceof Error ? error.message : String(error)}`),
    extraRoutes: {
      'GET /local/alerts': (req, res) => {
        res.writeHead(200, { 'content-type': 'application/json', ...corsHeaders(req) });
        res.end(JSON.stringify({ alerts: parts.alerts.list() }));
      },
      'GET /local/health': healthRoute(parts.probes, corsHeaders),
      'GET /config.json': (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
        res.end(JSON.stringify(localConsoleConfig(parts.userPool, context.region)));
      },
    },
    tls: { dir: join(context.stateDir, 'tls') },
  });
  context.cleanups.push(() => appsync.close());
  parts.probes.appsync = () => ({ up: true });
  return appsync;
};

/** Step 6: S3 ObjectCreated -> SQS -> image-processor, and the uploads left waiting by the last run. */
const wireUploads = async (
  context: StackContext,
  parts: { emulators: NodeEmulators; clients: Clients; messaging: Messaging; handlers: Handlers },
) => {
  const { logger, options } = context;
  const forwarder = createS3NotificationForwarder({
    sqs: parts.clients.sqs,
    queueUrl: parts.messaging.uploads.url,
    region: context.region,
    bucket: LOCAL_NAMES.bucket,
    onError: (error, record) => logger.warn(`S3 notification for ${record.s3.object.key} not delivered yet, retrying: ${(error as Error).message}`),
  });
  parts.emulators.onS3Event((records) => forwarder.forward(records));
  context.cleanups.push(() => forwarder.drain());
  if (context.persist) {
    const documents = DynamoDBDocumentClient.from(parts.clients.ddb, { marshallOptions: { removeUndefinedValues: true } });
    const plan = await planUploadRecovery({
      s3: parts.clients.s3,
      log: new DynamoDbDetectionLog(documents, LOCAL_NAMES.table, { indexShards: LOCAL_INDEX_SHARDS }),
      bucket: LOCAL_NAMES.bucket,
      countsFile: join(context.dataDir, 'recovery-announcements.json'),
    });
    if (plan.waiting.length > 0) logger.info(`re-announcing ${plan.waiting.length} upload(s) that were waiting when the stack last stopped`);
    if (plan.abandoned.length > 0) logger.warn(`gave up on ${plan.abandoned.length} upload(s) re-announced at every start without finishing: ${plan.abandoned.join(', ')} (now FAILED)`);
    if (plan.tidied.length > 0) logger.info(`deleted ${plan.tidied.length} input/ object(s) of FAILED uploads`);
    forwarder.forward(plan.waiting.map((object) => objectCreatedRecord(LOCAL_NAMES.bucket, context.region, object)));
  }
  const source = startSqsEventSource({
    sqs: parts.clients.sqs,
    queueUrl: parts.messaging.uploads.url,
    queueArn: parts.messaging.uploads.arn,
    region: context.region,
    functionName: FUNCTIONS.imageProcessor.name,
    handler: parts.handlers.imageProcessor,
    concurrency: options.processorConcurrency ?? 2,
    timeoutMs: FUNCTIONS.imageProcessor.timeoutMs,
    onInvocation: ({ records, failed, error }) => {
      if (error) logger.warn(`image-processor failed a batch of ${records}: ${(error as Error).message}`);
      else if (failed > 0) logger.info(`image-processor: ${failed} of ${records} messages back to the queue`);
    },
  });
  context.cleanups.push(() => source.stop());
  return { forwarder, source };
};

/** Step 7: the table's stream -> stream-publisher, checkpointed per shard. */
const wireStream = async (
  context: StackContext,
  parts: { clients: Clients; messaging: Messaging; table: { streamArn: string }; handlers: Handlers; graphqlUrl: string },
): Promise<EventSource> => {
  const { logger, options } = context;
  const checkpoints = await openCheckpointStore(
    context.persist ? join(context.dataDir, 'stream-checkpoints.json') : undefined,
    parts.table.streamArn,
    (message) => logger.warn(message),
  );
  const source = startStreamEventSource({
    streams: parts.clients.streams,
    sqs: parts.clients.sqs,
    streamArn: parts.table.streamArn,
    region: context.region,
    functionName: FUNCTIONS.streamPublisher.name,
    handler: parts.handlers.streamPublisher(parts.graphqlUrl),
    checkpoints,
    onFailureQueueUrl: parts.messaging.streamFailures.url,
    filters: STREAM_FILTER_PATTERNS,
    retryDelayMs: options.streamRetryDelayMs ?? 200,
    timeoutMs: FUNCTIONS.streamPublisher.timeoutMs,
    onInvocation: ({ records, failed, error }) => {
      if (error) logger.warn(`stream-publisher failed a batch of ${records}: ${(error as Error).message}`);
      else if (failed > 0) logger.info(`stream-publisher: ${failed} of ${records} records will be retried`);
    },
    onGiveUp: (records, reason) => logger.error(`stream-publisher gave up on ${records} records (${reason}): see the on-failure queue`),
  });
  context.cleanups.push(() => source.stop());
  return source;
};

/** Step 8: the record sweeper on a timer, as EventBridge Scheduler runs it in AWS. */
const scheduleSweeper = (context: StackContext, handlers: Handlers): EventSource => {
  const { logger, options } = context;
  const schedule = startSchedule({
    functionName: FUNCTIONS.recordSweeper.name,
    handler: handlers.recordSweeper,
    intervalMs: options.sweepIntervalMs ?? SWEEPER.intervalMinutes * 60_000,
    timeoutMs: FUNCTIONS.recordSweeper.timeoutMs,
    onInvocation: ({ result, error }) => {
      if (error) logger.warn(`record-sweeper failed, the next run tries again: ${(error as Error).message}`);
      else if (result && result.timedOut + result.neverArrived > 0) {
        logger.info(`record-sweeper settled ${result.timedOut} stuck PROCESSING and ${result.neverArrived} unused upload ticket(s) as FAILED`);
      }
    },
  });
  // Pushed after the event sources, so stopped before them: a run in flight ends while everything it calls is up.
  context.cleanups.push(() => schedule.stop());
  return schedule;
};

/** What GET /local/health probes: each component live, not just "was started". */
const healthProbes = (parts: {
  supervisor: Supervisor;
  clients: Clients;
  messaging: Messaging;
  uploads: Awaited<ReturnType<typeof wireUploads>>;
  stream: EventSource;
  sweeper: EventSource;
  classifier: LocalStack['classifier'];
  userPoolId: string;
}): Record<string, HealthProbe> => {
  const child = (name: string) => (parts.supervisor.alive(name) ? undefined : { up: false, detail: `${name} is not running` });
  return {
    dynamodb: async () => {
      const dead = child(NAMES.dynamodb);
      if (dead) return dead;
      await parts.clients.ddb.send(new DescribeTableCommand({ TableName: LOCAL_NAMES.table }));
      return { up: true };
    },
    s3: async () => {
      const dead = child(NAMES.nodeEmulators);
      if (dead) return dead;
      await parts.clients.s3.send(new HeadBucketCommand({ Bucket: LOCAL_NAMES.bucket }));
      return { up: true };
    },
    sqsSns: async () => {
      const dead = child(NAMES.nodeEmulators);
      if (dead) return dead;
      await parts.clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl: parts.messaging.uploads.url, AttributeNames: ['QueueArn'] }));
      const backlog = parts.uploads.forwarder.backlog;
      return backlog > 0 ? { up: true, detail: `${backlog} S3 event(s) being delivered` } : { up: true };
    },
    uploadEvents: () => parts.uploads.source.health(),
    streamEvents: () => parts.stream.health(),
    recordSweeper: () => parts.sweeper.health(),
    classifier: () => classifierHealth(parts.classifier),
    cognito: async () => {
      const dead = child(NAMES.cognito);
      if (dead) return dead;
      await parts.clients.cognito.send(new DescribeUserPoolCommand({ UserPoolId: parts.userPoolId }));
      return { up: true };
    },
  };
};

const classifierHealth = (classifier: LocalStack['classifier']): ComponentHealth => {
  if (!classifier.available) return { up: false, detail: classifier.note };
  if (classifier.kind !== 'local') return { up: true, detail: classifier.note };
  const pools = workerPoolsHealth();
  if (pools.length === 0 || pools.every((p) => !p.started)) return { up: true, detail: 'the model loads with the first image' };
  const failed = pools.find((p) => p.failed);
  if (failed) return { up: false, detail: 'no model worker is running and none could be restarted' };
  const ready = pools.reduce((sum, p) => sum + p.ready, 0);
  const size = pools.reduce((sum, p) => sum + p.size, 0);
  return { up: true, detail: `${ready} of ${size} model workers ready` };
};
