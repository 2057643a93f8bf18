/**
 * pet-detector for one stage: storage, the upload pipeline, the stream publisher, the GraphQL API,
 * monitoring, and (optionally) the web console. Wiring only; each part is its own construct.
 */
import * as path from 'node:path';
import { CfnElement, CfnOutput, Stack, Tags, Validations, type StackProps } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { ANIMAL_PREFIX, INPUT_PREFIX, THUMBNAIL_PREFIX } from '../functions/core/domain';
import { ENV, SWEEPER } from '../functions/core/settings';
import { ALERT_SENT_ATTRIBUTE, INDEXES, SETTLE_ATTRIBUTES, TABLE_PARTITION_KEY } from '../functions/core/table-design';
import { sweepWindows } from '../functions/core/use-cases/sweep-stale-records';
import { REPO_ROOT } from './bundling';
import type { FunctionName, StageConfig } from './config';
import { ApiKeyExpiryWarning } from './constructs/api-key-expiry-warning';
import { ConsoleSite } from './constructs/console-site';
import { DetectionLogs, ImageStats } from './constructs/detection-logs';
import { PetDetectorApi, type ResolverWiring } from './constructs/graphql-api';
import { ImageStore } from './constructs/image-store';
import { Messaging } from './constructs/messaging';
import { ObservedFunction } from './constructs/observed-function';
import { ProductAlarms } from './constructs/product-alarms';
import { ProductDashboard } from './constructs/product-dashboard';
import { RecordSweeping } from './constructs/record-sweeping';
import { StreamPublishing } from './constructs/stream-publishing';
import { UploadEvents } from './constructs/upload-events';
import { UserPool } from './constructs/user-pool';
import { acknowledgeCdkInternals } from './nag';
import { sqsVisibilityTimeoutSeconds } from './sqs-visibility';

export interface PetDetectorStackProps extends StackProps {
  config: StageConfig;
  resolvers: ResolverWiring[];
  /** The built console; required when config.deployConsole. */
  consoleAssetDir?: string;
}

export const SCHEMA_PATH = path.join(REPO_ROOT, 'schema.graphql');

export class PetDetectorStack extends Stack {
  readonly functions: Record<FunctionName, ObservedFunction>;

  constructor(scope: Construct, id: string, props: PetDetectorStackProps) {
    super(scope, id, props);
    const { config } = props;
    Tags.of(this).add('Project', 'pet-detector');
    Tags.of(this).add('Environment', config.stage);
    Tags.of(this).add('Owner', config.owner);

    const messaging = new Messaging(this, 'Messaging', { config });
    const alarmTopic = messaging.operationsTopic;
    const table = new DetectionLogs(this, 'DetectionLogs', { config }).table;
    const statsTable = new ImageStats(this, 'ImageStats', { config }).table;

    const images = new ImageStore(this, 'ImageStore', { config });
    const bucket = images.bucket;

    const storageEnv = {
      [ENV.tableName]: table.tableName,
      [ENV.indexShards]: String(config.indexShards),
      [ENV.bucketName]: bucket.bucketName,
      [ENV.forcePathStyle]: 'false',
    };
    const fn = (name: FunctionName, description: string, environment: Record<string, string>) =>
      new ObservedFunction(this, pascal(name), { config, name, description, environment, alarmTopic });

    const requestUpload = fn('request-upload', 'Mutation.requestUpload: PENDING record + presigned S3 POST', {
      ...storageEnv,
      [ENV.uploadUrlTtlSeconds]: String(config.uploadUrlTtlSeconds),
      [ENV.retentionDays]: String(config.retentionDays),
    });
    const imageReader = fn('image-reader', 'Query.images / Query.imageUrls / Query.imageStats', {
      ...storageEnv,
      [ENV.statsTableName]: statsTable.tableName,
    });
    const processor = fn('image-processor', 'Classifies uploads from the queue and files them', {
      ...storageEnv,
      [ENV.classifier]: config.classifier,
      [ENV.confidentThreshold]: String(config.thresholds.confident),
      [ENV.uncertainMinThreshold]: String(config.thresholds.uncertainMin),
      [ENV.closeMargin]: String(config.thresholds.closeMargin),
      [ENV.minLabelConfidence]: String(config.thresholds.minLabelConfidence),
      [ENV.maxLabels]: String(config.thresholds.maxLabels),
      [ENV.localClassifierWorkers]: String(config.localClassifierWorkers),
      // Must equal the queue's maxReceiveCount: the last delivery records FAILED instead of leaving PROCESSING.
      [ENV.maxReceiveCount]: String(config.uploadQueue.maxReceiveCount),
    });

    const windows = sweepWindows({
      visibilityTimeoutSeconds: sqsVisibilityTimeoutSeconds(config.functions['image-processor'].timeoutSeconds, config.uploadQueue.maxBatchingWindowSeconds),
      maxReceiveCount: config.uploadQueue.maxReceiveCount,
      uploadUrlTtlSeconds: config.uploadUrlTtlSeconds,
      uploadGraceSeconds: SWEEPER.uploadGraceSeconds,
    });
    const sweeper = fn('record-sweeper', 'Settles records that never finish (stuck PROCESSING, unused tickets) as FAILED, on a schedule', {
      ...storageEnv,
      [ENV.sweepProcessingAfterSeconds]: String(windows.processingTimeoutSeconds),
      [ENV.sweepPendingAfterSeconds]: String(windows.pendingTimeoutSeconds),
      [ENV.sweepMaxRecordsPerRun]: String(SWEEPER.maxRecordsPerRun),
    });

    const users = new UserPool(this, 'Users', { config });
    const api = new PetDetectorApi(this, 'GraphqlApi', {
      config,
      schemaPath: SCHEMA_PATH,
      table,
      userPool: users.pool,
      userPoolClientIds: [users.client.userPoolClientId],
      imageReader: imageReader.fn,
      requestUpload: requestUpload.fn,
      resolvers: props.resolvers,
    });

    const publisher = fn('stream-publisher', 'DetectionLogs stream -> imageStats counters, publishImageClassified (IAM), SNS for uncertain results', {
      [ENV.tableName]: table.tableName,
      [ENV.statsTableName]: statsTable.tableName,
      [ENV.topicArn]: messaging.uncertainTopic.topicArn,
      [ENV.graphqlUrl]: api.api.graphqlUrl,
    });
    this.functions = {
      'request-upload': requestUpload,
      'image-reader': imageReader,
      'image-processor': processor,
      'stream-publisher': publisher,
      'record-sweeper': sweeper,
    };

    if (api.apiKey) {
      new ApiKeyExpiryWarning(this, 'ApiKeyExpiryWarning', {
        config,
        expires: api.apiKeyExpires,
        apiName: `${config.prefix}api`,
        topic: alarmTopic,
        topicKey: messaging.key,
      });
    }

    this.grantLeastPrivilege(images, table, { requestUpload, imageReader, processor, sweeper }, config.classifier);
    api.grantPublish(publisher.role);
    // Counting is one TransactWriteItems of conditional Puts (markers) and Updates (counters); reading one Query.
    statsTable.grant(publisher.role, 'dynamodb:PutItem', 'dynamodb:UpdateItem');
    statsTable.grant(imageReader.role, 'dynamodb:Query');
    // Topic.grantPublish would add kms:GenerateDataKey*; publishing to an SSE topic needs exactly these two.
    publisher.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ sid: 'PublishUncertain', actions: ['sns:Publish'], resources: [messaging.uncertainTopic.topicArn] }),
    );
    // The alert ledger: one conditional update of AlertSentAt on the image's record, nothing else.
    publisher.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ClaimUncertainAlert',
        actions: ['dynamodb:UpdateItem'],
        resources: [table.tableArn],
        conditions: { 'ForAllValues:StringEquals': { 'dynamodb:Attributes': [TABLE_PARTITION_KEY, ALERT_SENT_ATTRIBUTE] } },
      }),
    );
    publisher.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'EncryptForTopic',
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: [messaging.key.keyArn],
      }),
    );

    const uploads = new UploadEvents(this, 'UploadEvents', {
      config,
      bucket,
      processor: processor.fn,
      processorTimeoutSeconds: config.functions['image-processor'].timeoutSeconds,
    });
    const streamPublishing = new StreamPublishing(this, 'StreamPublishing', { config, table, publisher: publisher.fn });
    const sweeping = new RecordSweeping(this, 'RecordSweeping', { config, sweeper: sweeper.fn });

    // One scope for both, named as the single Monitoring construct was: with the alarms under the id 'Default',
    // every logical ID (and so every deployed alarm and the dashboard) stays what it was before the split.
    const monitoring = new Construct(this, 'Monitoring');
    new ProductAlarms(monitoring, 'Default', {
      config,
      alarmTopic,
      processor,
      publisher,
      sweeper,
      deadLetterQueues: [uploads.deadLetterQueue, streamPublishing.failureQueue, sweeping.deadLetterQueue],
      api: api.api,
    });
    const { dashboard } = new ProductDashboard(monitoring, 'Dashboard', {
      config,
      functions: Object.values(this.functions),
      processor,
      publisher,
      uploadQueue: uploads.queue,
      deadLetterQueues: [uploads.deadLetterQueue, streamPublishing.failureQueue, sweeping.deadLetterQueue],
      table,
      api: api.api,
      webAclName: api.webAcl.name ?? `${config.prefix}api-acl`,
    });

    if (config.deployConsole) {
      if (!props.consoleAssetDir) throw new Error('deployConsole is set but no consoleAssetDir was given (build the console first)');
      const site = new ConsoleSite(this, 'Console', {
        config,
        assetDir: props.consoleAssetDir,
        graphqlUrl: api.api.graphqlUrl,
        realtimeUrl: api.realtimeUrl,
        // The API key only where it is on; otherwise the console signs users in to the pool.
        ...(api.apiKey ? { apiKey: api.apiKey.attrApiKey } : {}),
        userPoolId: users.pool.userPoolId,
        userPoolClientId: users.client.userPoolClientId,
        accessLogBucket: images.accessLogBucket,
      });
      images.addCorsOrigins([site.origin]);
      new CfnOutput(this, 'ConsoleUrl', { value: site.origin, description: 'The web console' });
    }

    const output = (key: string, value: string, description: string) => new CfnOutput(this, key, { value, description });
    output('GraphQLApiUrl', api.api.graphqlUrl, 'AppSync GraphQL endpoint (https)');
    if (api.apiKey) output('GraphQLApiKeyId', api.apiKey.attrApiKeyId, 'Id of the public-tenant API key (read its value with aws appsync list-api-keys)');
    output('UserPoolId', users.pool.userPoolId, 'Cognito user pool the API signs users in with');
    output('UserPoolClientId', users.client.userPoolClientId, 'Public app client of the user pool (SRP and password sign-in)');
    output('RealtimeUrl', api.realtimeUrl, 'AppSync real-time endpoint for subscriptions (wss)');
    output('BucketName', bucket.bucketName, 'Images bucket');
    output('TableName', table.tableName, 'DetectionLogs table');
    output('TopicArn', messaging.uncertainTopic.topicArn, 'SNS topic for uncertain classifications');
    output('Region', this.region, 'Region of the stack');
    output('DashboardName', dashboard.dashboardName, 'CloudWatch dashboard');

    acknowledgeCdkInternals(this);
  }

  /**
   * Written as explicit statements on purpose. Bucket.grantRead/grantPut/grantDelete add wildcard actions
   * (s3:GetObject*, s3:List*, s3:Abort*, s3:DeleteObject*) and Table.grant adds <table>/index/* to every
   * grant; these statements name the exact actions each adapter calls (never Scan) on the exact resources.
   */
  private grantLeastPrivilege(
    images: ImageStore,
    table: dynamodb.ITable,
    fns: { requestUpload: ObservedFunction; imageReader: ObservedFunction; processor: ObservedFunction; sweeper: ObservedFunction },
    classifier: StageConfig['classifier'],
  ): void {
    const filed = Object.values(ANIMAL_PREFIX).map((prefix) => images.objectsUnder(prefix));
    const input = images.objectsUnder(INPUT_PREFIX);
    const thumbnails = images.objectsUnder(THUMBNAIL_PREFIX);
    const bucketLogicalId = this.getLogicalId(images.bucket.node.defaultChild as CfnElement);
    const allow = (role: iam.Role, actions: string[], resources: string[], sid: string) => {
      role.addToPrincipalPolicy(new iam.PolicyStatement({ sid, actions, resources }));
      // cdk-nag reports every <bucket>/<prefix>* object ARN as a wildcard. Object keys are <prefix><imageId>.<ext>
      // with ids minted at upload time, so a prefix is the narrowest resource that can exist.
      for (const prefix of [INPUT_PREFIX, THUMBNAIL_PREFIX, ...Object.values(ANIMAL_PREFIX)]) {
        if (!resources.includes(images.objectsUnder(prefix))) continue;
        Validations.of(role).acknowledge({
          id: `AwsSolutions-IAM5[Resource::<${bucketLogicalId}.Arn>/${prefix}*]`,
          reason: `Objects under ${prefix} are named <imageId>.<ext> with ids created per upload: the prefix is the narrowest resource.`,
        });
      }
    };

    // request-upload signs the presigned POST with its own credentials: the upload is its PutObject on input/*.
    allow(fns.requestUpload.role, ['s3:PutObject'], [input], 'PresignUploadsIntoInput');
    allow(fns.requestUpload.role, ['dynamodb:PutItem'], [table.tableArn], 'CreatePendingRecords');

    // image-reader signs presigned GETs for filed images and their thumbnails only.
    allow(fns.imageReader.role, ['s3:GetObject'], [...filed, thumbnails], 'PresignReadsOfFiledImages');
    const indexes = Object.values(INDEXES).map((index) => `${table.tableArn}/index/${index.name}`);
    // BatchGetItem alone: imageUrls reads its records by id; image(id) is AppSync's own GetItem (DetectionLogs data source).
    allow(fns.imageReader.role, ['dynamodb:BatchGetItem'], [table.tableArn], 'ReadRecords');
    allow(fns.imageReader.role, ['dynamodb:Query'], indexes, 'QueryIndexes');

    // The processor reads and deletes input/*, writes cats/ dogs/ others/ and thumbnails/, and cannot write into input/,
    // so nothing it does can trigger itself.
    // GetObjectVersion: the copy and Rekognition name the exact version read (a ticket may be used again meanwhile).
    allow(fns.processor.role, ['s3:GetObject', 's3:GetObjectVersion'], [input], 'ReadUploads');
    allow(fns.processor.role, ['s3:DeleteObject'], [input], 'DeleteProcessedUploads');
    allow(fns.processor.role, ['s3:PutObject'], filed, 'FileClassifiedImages');
    allow(fns.processor.role, ['s3:PutObject'], [thumbnails], 'WriteThumbnails');
    // Without ListBucket, S3 answers a missing key with 403 instead of 404, and a redelivered event for an
    // already filed image would look like an outage instead of a duplicate. Listing reveals keys, not data,
    // and only under input/: the filed prefixes hold other people's keys and neither role ever lists them.
    // For the ListBucket check behind a GetObject/HeadObject of a missing key, S3 evaluates s3:prefix as the
    // requested key (Ceph's RGW copied that AWS behaviour: ceph/ceph#68577), so the condition still yields 404.
    // (Were S3 to answer 403 anyway, the processor's retry finds the record final and stops; the sweeper's
    // run fails and is retried, never taking the 403 for a missing upload.)
    const tellMissingUploadsApart = (role: iam.Role) =>
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: 'TellMissingUploadsApart',
          actions: ['s3:ListBucket'],
          resources: [images.bucket.bucketArn],
          conditions: { StringLike: { 's3:prefix': [`${INPUT_PREFIX}*`] } },
        }),
      );
    tellMissingUploadsApart(fns.processor.role);
    allow(fns.processor.role, ['dynamodb:GetItem', 'dynamodb:UpdateItem'], [table.tableArn], 'TrackProcessing');

    // The sweeper finds open records on ByStatus (whole items: the index holds them), asks S3 whether an old ticket's upload is there
    // (HeadObject is authorised as GetObject; it never reads the bytes), and writes FAILED: one conditional
    // UpdateItem that may name no attribute beyond SETTLE_ATTRIBUTES, so it cannot touch a classification.
    allow(fns.sweeper.role, ['dynamodb:Query'], [`${table.tableArn}/index/${INDEXES.byStatus.name}`], 'FindOpenRecords');
    fns.sweeper.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'SettleStaleRecords',
        actions: ['dynamodb:UpdateItem'],
        resources: [table.tableArn],
        conditions: { 'ForAllValues:StringEquals': { 'dynamodb:Attributes': [...SETTLE_ATTRIBUTES] } },
      }),
    );
    allow(fns.sweeper.role, ['s3:GetObject'], [input], 'SeeWhetherUploadsArrived');
    tellMissingUploadsApart(fns.sweeper.role);
    // DetectLabels has no resource-level permissions: AWS documents its resource type as "*" only.
    if (classifier === 'rekognition') allow(fns.processor.role, ['rekognition:DetectLabels'], ['*'], 'ClassifyWithRekognition');
  }
}

const pascal = (name: string): string =>
  name
    .split('-')
    .map((part) => part[0]?.toUpperCase() + part.slice(1))
    .join('');
