/**
 * The production stack, as CloudFormation will receive it: every stage synthesized once (handlers bundled
 * once), then each security, reliability and operability property of issue 3 asserted on the templates.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import type { App, CfnElement } from 'aws-cdk-lib';
import type { Asset } from 'aws-cdk-lib/aws-s3-assets';
import { INDEXES, partitionKeyAttributes, SETTLE_ATTRIBUTES, TABLE_PARTITION_KEY, TTL_ATTRIBUTE } from '../../functions/core/table-design';
import { SWEEPER } from '../../functions/core/settings';
import { sweepWindows } from '../../functions/core/use-cases/sweep-stale-records';
import {
  loadImageProcessorConfig,
  loadImageReaderConfig,
  loadRecordSweeperConfig,
  loadRequestUploadConfig,
  loadStreamPublisherConfig,
} from '../../functions/runtime/config';
import { sqsVisibilityTimeoutSeconds } from '../../infra/sqs-visibility';
import { loadResolverManifest } from '../../appsync/resolver-manifest';
import { STAGES, stageConfig, type FunctionName, type Stage, FUNCTION_NAMES } from '../../infra/config';
import { nagFindings } from '../../infra/nag';
import { STREAM_FILTER_PATTERNS } from '../../infra/constructs/stream-publishing';
import { actionCovered, allPermissions, permissionsOfRole, render, resourcesAllowed } from './support/iam';
import { resolverOutDir, resourcesOf, synthStages, type Synthesized } from './support/synth';

jest.setTimeout(240_000);

const synthesized = {} as Record<Stage, Synthesized>;

beforeAll(async () => {
  const results = await synthStages([...STAGES]);
  STAGES.forEach((stage, i) => (synthesized[stage] = results[i] as Synthesized));
});

const logicalId = (s: Synthesized, element: CfnElement): string => s.stack.getLogicalId(element);
const roleId = (s: Synthesized, fn: FunctionName): string =>
  logicalId(s, s.stack.functions[fn].role.node.defaultChild as CfnElement);
const fnResource = (s: Synthesized, fn: FunctionName) => {
  const id = logicalId(s, s.stack.functions[fn].fn.node.defaultChild as CfnElement);
  return resourcesOf(s.template, 'AWS::Lambda::Function')[id] as { Properties: Record<string, unknown>; Metadata?: Record<string, string> };
};
/** CDK's own singletons written in Python (S3 bucket notifications, BucketDeployment): no runtime of ours to choose. */
const CDK_PYTHON_HANDLER = /^(BucketNotificationsHandler|CustomCDKBucketDeployment)[0-9A-Za-z]+$/;
/** The runtime of every other function in the template. */
const nodeRuntimes = (template: Template): unknown[] =>
  Object.entries(resourcesOf(template, 'AWS::Lambda::Function'))
    .filter(([id, fn]) => !(CDK_PYTHON_HANDLER.test(id) && String(fn.Properties?.Runtime).startsWith('python')))
    .map(([, fn]) => fn.Properties?.Runtime);
const imagesBucketId = (s: Synthesized) => logicalId(s, s.stack.node.findChild('ImageStore').node.findChild('Images').node.defaultChild as CfnElement);

describe.each(STAGES)('stage %s', (stage) => {
  const s = () => synthesized[stage];
  const config = stageConfig({ stage });

  describe('images bucket', () => {
    const images = () => resourcesOf(s().template, 'AWS::S3::Bucket')[imagesBucketId(s())]?.Properties as Record<string, unknown>;

    it('blocks every kind of public access, encrypts at rest and keeps versions', () => {
      expect(images()).toMatchObject({
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
        VersioningConfiguration: { Status: 'Enabled' },
      });
    });

    it('refuses every request that is not over TLS', () => {
      s().template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: imagesBucketId(s()) },
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
    });

    it('logs access into a separate bucket', () => {
      const logging = images().LoggingConfiguration as { DestinationBucketName: unknown };
      const logBucketId = render(logging.DestinationBucketName).replace(/[<>]/g, '');
      expect(logBucketId).not.toBe(imagesBucketId(s()));
      expect(resourcesOf(s().template, 'AWS::S3::Bucket')[logBucketId]).toBeDefined();
    });

    it('expires unprocessed uploads, aborts stale multipart uploads and expires old versions', () => {
      const rules = (images().LifecycleConfiguration as { Rules: Array<Record<string, unknown>> }).Rules;
      expect(rules).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ Prefix: 'input/', ExpirationInDays: config.unprocessedInputExpiryDays, Status: 'Enabled' }),
          expect.objectContaining({ AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 }, Status: 'Enabled' }),
          expect.objectContaining({ NoncurrentVersionExpiration: { NoncurrentDays: config.noncurrentVersionExpiryDays }, Status: 'Enabled' }),
        ]),
      );
    });

    it('lets exactly the configured browser origins POST uploads', () => {
      const cors = images().CorsConfiguration as { CorsRules: Array<{ AllowedMethods: string[]; AllowedOrigins: string[] }> } | undefined;
      if (config.corsOrigins.length === 0) {
        expect(cors).toBeUndefined();
        return;
      }
      expect(cors?.CorsRules).toEqual([expect.objectContaining({ AllowedOrigins: config.corsOrigins, AllowedMethods: expect.arrayContaining(['POST']) })]);
    });
  });

  describe('upload events', () => {
    it('sends ObjectCreated under input/ for each accepted extension to the upload queue, and nothing else', () => {
      const notifications = resourcesOf(s().template, 'Custom::S3BucketNotifications');
      const configs = Object.values(notifications).flatMap(
        (n) => (n.Properties?.NotificationConfiguration as { QueueConfigurations?: unknown[] }).QueueConfigurations ?? [],
      ) as Array<{ Events: string[]; Filter: { Key: { FilterRules: Array<{ Name: string; Value: string }> } } }>;
      const filters = configs.map((c) => ({
        events: c.Events,
        rules: Object.fromEntries(c.Filter.Key.FilterRules.map((r) => [r.Name.toLowerCase(), r.Value])),
      }));
      expect(filters).toEqual(
        ['.jpg', '.png', '.heic', '.heif', '.webp'].map((suffix) => ({ events: ['s3:ObjectCreated:*'], rules: { prefix: 'input/', suffix } })),
      );
    });

    it('uses an encrypted queue whose visibility timeout covers six processor timeouts, with a DLQ after 3 receives', () => {
      const queues = resourcesOf(s().template, 'AWS::SQS::Queue');
      const uploads = Object.values(queues).find((q) => q.Properties?.QueueName === `${config.prefix}uploads`)?.Properties;
      expect(uploads).toBeDefined();
      expect(uploads?.SqsManagedSseEnabled).toBe(true);
      expect(uploads?.VisibilityTimeout).toBeGreaterThanOrEqual(6 * config.functions['image-processor'].timeoutSeconds);
      expect(uploads?.RedrivePolicy).toMatchObject({ maxReceiveCount: 3 });
      const dlqId = render((uploads?.RedrivePolicy as { deadLetterTargetArn: unknown }).deadLetterTargetArn).replace(/<|\.Arn>/g, '');
      expect(queues[dlqId]?.Properties).toMatchObject({ QueueName: `${config.prefix}uploads-dlq`, SqsManagedSseEnabled: true });
    });

    it('feeds the processor in batches with a batching window and partial batch failures', () => {
      s().template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        FunctionName: { Ref: logicalId(s(), s().stack.functions['image-processor'].fn.node.defaultChild as CfnElement) },
        EventSourceArn: Match.objectLike({ 'Fn::GetAtt': Match.arrayWith([Match.stringLikeRegexp('UploadEventsQueue')]) }),
        BatchSize: config.uploadQueue.batchSize,
        MaximumBatchingWindowInSeconds: config.uploadQueue.maxBatchingWindowSeconds,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
      });
    });
  });

  describe('image-processor permissions', () => {
    const permissions = () => permissionsOfRole(s().template, roleId(s(), 'image-processor'));
    const bucket = () => `<${imagesBucketId(s())}.Arn>`;

    it('reads only input/*', () => {
      expect(resourcesAllowed(permissions(), 's3:GetObject')).toEqual([`${bucket()}/input/*`]);
    });

    it('writes only cats/*, dogs/*, others/* and thumbnails/*, never input/*', () => {
      const writable = resourcesAllowed(permissions(), 's3:PutObject');
      expect(writable.sort()).toEqual([`${bucket()}/cats/*`, `${bucket()}/dogs/*`, `${bucket()}/others/*`, `${bucket()}/thumbnails/*`]);
      expect(writable.some((arn) => arn.includes('/input/') || arn === `${bucket()}/*` || arn === '*')).toBe(false);
    });

    it('deletes only input/*', () => {
      expect(resourcesAllowed(permissions(), 's3:DeleteObject')).toEqual([`${bucket()}/input/*`]);
    });

    it('cannot Scan DetectionLogs, or reach it with any action beyond GetItem and UpdateItem', () => {
      expect(actionCovered(permissions(), 'dynamodb:Scan')).toBe(false);
      const dynamo = permissions().filter((p) => p.actions.some((a) => a.startsWith('dynamodb:')));
      expect(dynamo.flatMap((p) => p.actions).sort()).toEqual(['dynamodb:GetItem', 'dynamodb:UpdateItem']);
    });

    it('may call rekognition:DetectLabels (the one action that needs resource *)', () => {
      expect(resourcesAllowed(permissions(), 'rekognition:DetectLabels')).toEqual(['*']);
    });
  });

  describe('least privilege across the stack', () => {
    it('has no wildcard action anywhere (no "*", no "service:*", no "s3:Get*"-style action)', () => {
      const actions = allPermissions(s().template).flatMap((p) => p.actions);
      // CDK's own deployment handlers (bucket notifications) are outside our grants: they are checked by cdk-nag acknowledgement.
      const ours = allPermissions(s().template)
        .filter((p) => !/BucketNotificationsHandler|CDKBucketDeployment/.test(p.policy))
        .flatMap((p) => p.actions);
      expect(actions.length).toBeGreaterThan(0);
      expect(ours.filter((a) => a.includes('*'))).toEqual([]);
    });

    it('uses resource * only for actions that have no resource-level permissions', () => {
      const allowed = new Set(['xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'rekognition:DetectLabels', 'dynamodb:ListStreams']);
      const starred = allPermissions(s().template)
        .filter((p) => !/BucketNotificationsHandler|CDKBucketDeployment/.test(p.policy))
        .filter((p) => p.resources.includes('*'))
        .flatMap((p) => p.actions);
      expect(starred.filter((a) => !allowed.has(a))).toEqual([]);
    });

    it('gives request-upload PutObject on input/* only (the presigned POST is signed with its role)', () => {
      const permissions = permissionsOfRole(s().template, roleId(s(), 'request-upload'));
      expect(resourcesAllowed(permissions, 's3:PutObject')).toEqual([`<${imagesBucketId(s())}.Arn>/input/*`]);
      expect(actionCovered(permissions, 's3:GetObject')).toBe(false);
      expect(actionCovered(permissions, 'dynamodb:Scan')).toBe(false);
    });

    it('lets image-reader presign GETs for filed images and thumbnails only and query only the declared indexes and the stats table', () => {
      const permissions = permissionsOfRole(s().template, roleId(s(), 'image-reader'));
      const bucket = `<${imagesBucketId(s())}.Arn>`;
      expect(resourcesAllowed(permissions, 's3:GetObject').sort()).toEqual([
        `${bucket}/cats/*`,
        `${bucket}/dogs/*`,
        `${bucket}/others/*`,
        `${bucket}/thumbnails/*`,
      ]);
      const table = `<${logicalId(s(), s().stack.node.findChild('DetectionLogs').node.findChild('Table').node.defaultChild as CfnElement)}.Arn>`;
      const stats = `<${logicalId(s(), s().stack.node.findChild('ImageStats').node.findChild('Table').node.defaultChild as CfnElement)}.Arn>`;
      expect(resourcesAllowed(permissions, 'dynamodb:Query').sort()).toEqual(
        [...Object.values(INDEXES).map((i) => `${table}/index/${i.name}`), stats].sort(),
      );
      expect(resourcesAllowed(permissions, 'dynamodb:BatchGetItem')).toEqual([table]);
      expect(actionCovered(permissions, 'dynamodb:GetItem')).toBe(false);
      expect(actionCovered(permissions, 'dynamodb:Scan')).toBe(false);
    });
  });

  describe('record sweeper', () => {
    const sweeperFn = () => `<${logicalId(s(), s().stack.functions['record-sweeper'].fn.node.defaultChild as CfnElement)}.Arn>`;
    const sweeping = () => s().stack.node.findChild('RecordSweeping');
    const dlqId = () => logicalId(s(), sweeping().node.findChild('DeadLetterQueue').node.defaultChild as CfnElement);
    const dlqArn = () => `<${dlqId()}.Arn>`;
    const scheduleRoleId = () => logicalId(s(), sweeping().node.findChild('Role').node.defaultChild as CfnElement);
    const interval = SWEEPER.intervalMinutes * 60;

    it('runs every 15 minutes on EventBridge Scheduler, with its own role, bounded retries and a dead-letter queue', () => {
      const schedules = Object.values(resourcesOf(s().template, 'AWS::Scheduler::Schedule'))
        .map((r) => r.Properties as Record<string, unknown> & { Target: Record<string, unknown> })
        .filter((p) => p.Name === `${config.prefix}record-sweeper`);
      expect(schedules).toHaveLength(1);
      const [schedule] = schedules as [Record<string, unknown> & { Target: Record<string, unknown> }];
      expect(schedule).toMatchObject({ Name: `${config.prefix}record-sweeper`, ScheduleExpression: 'rate(15 minutes)', State: 'ENABLED', FlexibleTimeWindow: { Mode: 'OFF' } });
      expect(render(schedule.Target.Arn)).toBe(sweeperFn());
      expect(render(schedule.Target.RoleArn)).toBe(`<${scheduleRoleId()}.Arn>`);
      expect(render((schedule.Target.DeadLetterConfig as { Arn: unknown }).Arn)).toBe(dlqArn());
      // A run older than the next one is not worth delivering: the next does the same work.
      expect(schedule.Target.RetryPolicy).toEqual({ MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: interval });
    });

    it('lets only this account\'s schedules assume the schedule role, which may invoke the sweeper and dead-letter a run, nothing else', () => {
      const role = resourcesOf(s().template, 'AWS::IAM::Role')[scheduleRoleId()]?.Properties as { RoleName: string; AssumeRolePolicyDocument: { Statement: unknown[] } };
      expect(role.RoleName).toBe(`${config.prefix}record-sweeper-schedule`);
      expect(role.AssumeRolePolicyDocument.Statement).toEqual([
        expect.objectContaining({
          Principal: { Service: 'scheduler.amazonaws.com' },
          Condition: { StringEquals: expect.objectContaining({ 'aws:SourceAccount': { Ref: 'AWS::AccountId' }, 'aws:SourceArn': expect.anything() }) },
        }),
      ]);
      const permissions = permissionsOfRole(s().template, scheduleRoleId());
      expect(permissions.flatMap((p) => p.actions).sort()).toEqual(['lambda:InvokeFunction', 'sqs:SendMessage']);
      expect(resourcesAllowed(permissions, 'lambda:InvokeFunction')).toEqual([sweeperFn(), `${sweeperFn()}:*`]);
      expect(resourcesAllowed(permissions, 'sqs:SendMessage')).toEqual([dlqArn()]);
    });

    it('sends a run that failed every Lambda retry to the same dead-letter queue, and alarms on it', () => {
      const configs = Object.values(resourcesOf(s().template, 'AWS::Lambda::EventInvokeConfig')).map((r) => r.Properties as Record<string, unknown>);
      expect(configs).toHaveLength(1);
      expect(configs[0]).toMatchObject({ Qualifier: '$LATEST', MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: interval });
      expect(render((configs[0]?.DestinationConfig as { OnFailure: { Destination: unknown } }).OnFailure.Destination)).toBe(dlqArn());
      const alarm = Object.values(resourcesOf(s().template, 'AWS::CloudWatch::Alarm'))
        .map((a) => a.Properties as Record<string, unknown>)
        .find((a) => a.MetricName === 'ApproximateNumberOfMessagesVisible' && JSON.stringify(a.Dimensions).includes(`["${dlqId()}","QueueName"]`));
      expect(alarm).toBeDefined();
    });

    it('waits every delivery the queue can make and the ticket plus its grace before settling anything', () => {
      const vars = (fnResource(s(), 'record-sweeper').Properties.Environment as { Variables: Record<string, unknown> }).Variables;
      const env = Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, typeof v === 'string' ? v : `resolved-${k}`]));
      const windows = sweepWindows({
        visibilityTimeoutSeconds: sqsVisibilityTimeoutSeconds(config.functions['image-processor'].timeoutSeconds, config.uploadQueue.maxBatchingWindowSeconds),
        maxReceiveCount: config.uploadQueue.maxReceiveCount,
        uploadUrlTtlSeconds: config.uploadUrlTtlSeconds,
        uploadGraceSeconds: SWEEPER.uploadGraceSeconds,
      });
      expect(loadRecordSweeperConfig({ ...env, AWS_REGION: config.region }).sweep).toEqual({ ...windows, maxRecordsPerRun: SWEEPER.maxRecordsPerRun });
      // The upload queue's own visibility timeout, as deployed, times its receive count.
      const queue = Object.values(resourcesOf(s().template, 'AWS::SQS::Queue')).find((q) => q.Properties?.QueueName === `${config.prefix}uploads`);
      expect(windows.processingTimeoutSeconds).toBe((queue?.Properties?.VisibilityTimeout as number) * config.uploadQueue.maxReceiveCount);
    });

    it('may query ByStatus, write FAILED naming SETTLE_ATTRIBUTES only, and HeadObject or list under input/ only', () => {
      const permissions = permissionsOfRole(s().template, roleId(s(), 'record-sweeper'));
      const table = `<${logicalId(s(), s().stack.node.findChild('DetectionLogs').node.findChild('Table').node.defaultChild as CfnElement)}.Arn>`;
      const bucket = `<${imagesBucketId(s())}.Arn>`;
      expect(resourcesAllowed(permissions, 'dynamodb:Query')).toEqual([`${table}/index/${INDEXES.byStatus.name}`]);
      expect(resourcesAllowed(permissions, 'dynamodb:UpdateItem')).toEqual([table]);
      const policies = resourcesOf(s().template, 'AWS::IAM::Policy');
      const statement = (sid: string) =>
        Object.values(policies)
          .flatMap((p) => (p.Properties?.PolicyDocument as { Statement: Array<Record<string, unknown>> }).Statement)
          .find((st) => st.Sid === sid && permissions.some((perm) => perm.actions.includes(String(st.Action))));
      expect(statement('SettleStaleRecords')?.Condition).toEqual({ 'ForAllValues:StringEquals': { 'dynamodb:Attributes': [...SETTLE_ATTRIBUTES] } });
      expect(resourcesAllowed(permissions, 's3:GetObject')).toEqual([`${bucket}/input/*`]);
      expect(resourcesAllowed(permissions, 's3:ListBucket')).toEqual([bucket]);
      expect(permissions.find((p) => p.actions.includes('s3:ListBucket'))?.hasCondition).toBe(true);
      for (const action of ['dynamodb:Scan', 'dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem', 's3:PutObject', 's3:DeleteObject']) {
        expect(actionCovered(permissions, action)).toBe(false);
      }
    });
  });

  describe('DetectionLogs', () => {
    const table = () => Object.values(resourcesOf(s().template, 'AWS::DynamoDB::Table'))[0] as { Properties: Record<string, unknown>; DeletionPolicy?: string };

    it('is on-demand, with point-in-time recovery, encryption, TTL on ExpiresAt and a NEW_AND_OLD_IMAGES stream', () => {
      expect(table().Properties).toMatchObject({
        TableName: `${config.prefix}detection-logs`,
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [{ AttributeName: TABLE_PARTITION_KEY, KeyType: 'HASH' }],
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
        TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
        StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
      });
    });

    it('has exactly the indexes functions/core/table-design.ts declares, each holding whole items', () => {
      const gsis = table().Properties.GlobalSecondaryIndexes as Array<{
        IndexName: string;
        KeySchema: unknown;
        Projection: { ProjectionType: string; NonKeyAttributes?: string[] };
      }>;
      expect(gsis).toHaveLength(Object.keys(INDEXES).length);
      for (const index of Object.values(INDEXES)) {
        const gsi = gsis.find((g) => g.IndexName === index.name);
        expect(gsi?.KeySchema).toEqual([
          ...partitionKeyAttributes(index).map((name) => ({ AttributeName: name, KeyType: 'HASH' })),
          { AttributeName: index.sortKey, KeyType: 'RANGE' },
        ]);
        // The image-reader serves a page from the index entries alone.
        expect(gsi?.Projection).toEqual({ ProjectionType: 'ALL' });
      }
    });

    it("keys each owner's twin on the owner and its analysts' sharded key (multi-attribute), within DynamoDB's 20 GSIs", () => {
      const gsis = table().Properties.GlobalSecondaryIndexes as Array<{ IndexName: string; KeySchema: unknown }>;
      expect(gsis.length).toBeLessThanOrEqual(20);
      expect(gsis.find((g) => g.IndexName === 'ByOwnerStatus')?.KeySchema).toEqual([
        { AttributeName: 'Owner', KeyType: 'HASH' },
        { AttributeName: 'StatusPK', KeyType: 'HASH' },
        { AttributeName: 'CreatedAt', KeyType: 'RANGE' },
      ]);
      expect(gsis.find((g) => g.IndexName === 'ByOwnerAnimal')?.KeySchema).toEqual([
        { AttributeName: 'Owner', KeyType: 'HASH' },
        { AttributeName: 'AnimalPK', KeyType: 'HASH' },
        { AttributeName: 'CreatedAt', KeyType: 'RANGE' },
      ]);
      expect(gsis.find((g) => g.IndexName === 'ByOwnerUncertain')?.KeySchema).toEqual([
        { AttributeName: 'Owner', KeyType: 'HASH' },
        { AttributeName: 'UncertainKey', KeyType: 'HASH' },
        { AttributeName: 'CreatedAt', KeyType: 'RANGE' },
      ]);
    });

    it(stage === 'prod' ? 'is retained and deletion-protected' : 'can be deleted with the stack', () => {
      expect(table().DeletionPolicy).toBe(stage === 'prod' ? 'Retain' : 'Delete');
      expect(table().Properties.DeletionProtectionEnabled).toBe(stage === 'prod');
    });
  });

  describe('stream -> stream-publisher', () => {
    it('batches, bisects failing batches, bounds retries and record age, and sends give-ups to an SQS destination', () => {
      const failureQueue = Object.entries(resourcesOf(s().template, 'AWS::SQS::Queue')).find(
        ([, q]) => q.Properties?.QueueName === `${config.prefix}stream-failures`,
      );
      expect(failureQueue).toBeDefined();
      s().template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        FunctionName: { Ref: logicalId(s(), s().stack.functions['stream-publisher'].fn.node.defaultChild as CfnElement) },
        StartingPosition: 'LATEST',
        BatchSize: config.stream.batchSize,
        MaximumBatchingWindowInSeconds: config.stream.maxBatchingWindowSeconds,
        BisectBatchOnFunctionError: true,
        MaximumRetryAttempts: config.stream.retryAttempts,
        MaximumRecordAgeInSeconds: config.stream.maxRecordAgeSeconds,
        ParallelizationFactor: config.stream.parallelizationFactor,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [failureQueue?.[0], 'Arn'] } } },
        FilterCriteria: { Filters: STREAM_FILTER_PATTERNS.map((p) => ({ Pattern: JSON.stringify(p) })) },
      });
    });
  });

  describe('SNS', () => {
    it('encrypts both topics with the rotating customer key and refuses publishes without TLS', () => {
      const topics = resourcesOf(s().template, 'AWS::SNS::Topic');
      expect(Object.values(topics).map((t) => t.Properties?.TopicName).sort()).toEqual([`${config.prefix}operations`, `${config.prefix}uncertain`]);
      for (const [id, topic] of Object.entries(topics)) {
        expect(topic.Properties?.KmsMasterKeyId).toBeDefined();
        s().template.hasResourceProperties('AWS::SNS::TopicPolicy', {
          Topics: [{ Ref: id }],
          PolicyDocument: {
            Statement: Match.arrayWith([
              Match.objectLike({ Effect: 'Deny', Action: 'sns:Publish', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
            ]),
          },
        });
      }
      s().template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    });

    it('has no email subscription unless -c notificationEmail is given', () => {
      s().template.resourceCountIs('AWS::SNS::Subscription', 0);
    });
  });

  describe('AppSync', () => {
    const api = () => Object.values(resourcesOf(s().template, 'AWS::AppSync::GraphQLApi'))[0]?.Properties as Record<string, unknown>;
    const apiId = () => Object.keys(resourcesOf(s().template, 'AWS::AppSync::GraphQLApi'))[0] as string;

    it('signs clients in with the user pool, the stream publisher with IAM, and takes the API key only where the stage allows it', () => {
      const pools = resourcesOf(s().template, 'AWS::Cognito::UserPool');
      const clients = resourcesOf(s().template, 'AWS::Cognito::UserPoolClient');
      expect(Object.keys(pools)).toHaveLength(1);
      expect(Object.keys(clients)).toHaveLength(1);
      expect(api()).toMatchObject({
        Name: `${config.prefix}api`,
        AuthenticationType: 'AMAZON_COGNITO_USER_POOLS',
        UserPoolConfig: {
          UserPoolId: { Ref: Object.keys(pools)[0] },
          AppIdClientRegex: { 'Fn::Join': ['', ['^(', { Ref: Object.keys(clients)[0] }, ')$']] },
          DefaultAction: 'ALLOW',
        },
        AdditionalAuthenticationProviders: [{ AuthenticationType: 'AWS_IAM' }, ...(config.apiKeyAccess ? [{ AuthenticationType: 'API_KEY' }] : [])],
        XrayEnabled: true,
        LogConfig: { FieldLogLevel: 'ERROR', ExcludeVerboseContent: !config.apiVerboseLogs, CloudWatchLogsRoleArn: expect.anything() },
      });
    });

    it('samples X-Ray traces by a rule of its own that matches only this API, at the stage rate', () => {
      const rules = Object.values(resourcesOf(s().template, 'AWS::XRay::SamplingRule')) as Array<{ Properties: { SamplingRule: Record<string, unknown> } }>;
      expect(rules).toHaveLength(1);
      expect(rules[0]!.Properties.SamplingRule).toEqual({
        RuleName: `${config.prefix}appsync`,
        Priority: 100,
        ReservoirSize: config.apiTraceSampling.reservoirPerSecond,
        FixedRate: config.apiTraceSampling.fixedRate,
        ServiceType: 'AWS::AppSync::GraphQLAPI',
        ResourceARN: { 'Fn::GetAtt': [apiId(), 'Arn'] },
        ServiceName: '*',
        Host: '*',
        HTTPMethod: '*',
        URLPath: '*',
        Version: 1,
      });
      expect((rules[0]!.Properties.SamplingRule.RuleName as string).length).toBeLessThanOrEqual(32);
      // prod traces a fixed 5% with no reservoir: at ~1 request/s a reservoir would trace most requests.
      if (stage === 'prod') expect(rules[0]!.Properties.SamplingRule).toMatchObject({ ReservoirSize: 0, FixedRate: 0.05 });
    });

    it('is built from schema.graphql, without @aws_api_key where API-key access is off', () => {
      const source = readFileSync(path.join(__dirname, '../../schema.graphql'), 'utf8');
      const deployed = Object.values(resourcesOf(s().template, 'AWS::AppSync::GraphQLSchema'))[0]?.Properties?.Definition as string;
      if (config.apiKeyAccess) expect(deployed).toBe(source);
      else {
        expect(deployed).not.toContain('@aws_api_key');
        expect(deployed).toBe(source.replace(/[ \t]*@aws_api_key\b/g, ''));
      }
    });

    it('has a user pool with email sign-in, a strong password policy, optional TOTP MFA and a public SRP/password client', () => {
      s().template.hasResourceProperties('AWS::Cognito::UserPool', {
        UserPoolName: `${config.prefix}users`,
        UsernameAttributes: ['email'],
        MfaConfiguration: 'OPTIONAL',
        EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
        Policies: { PasswordPolicy: Match.objectLike({ MinimumLength: 12, RequireLowercase: true, RequireUppercase: true, RequireNumbers: true, RequireSymbols: true }) },
        AdminCreateUserConfig: { AllowAdminCreateUserOnly: !config.selfSignUp },
        DeletionProtection: config.deletionProtection ? 'ACTIVE' : 'INACTIVE',
      });
      s().template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
        GenerateSecret: false,
        PreventUserExistenceErrors: 'ENABLED',
        ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
        AllowedOAuthFlows: Match.absent(),
      });
      s().template.hasResourceProperties('AWS::Cognito::UserPoolGroup', { GroupName: 'analysts' });
      if (stage === 'prod') expect(config.deletionProtection).toBe(true);
    });

    (config.apiKeyAccess ? it : it.skip)('creates the client API key with an expiry and exports only its id', () => {
      const keys = resourcesOf(s().template, 'AWS::AppSync::ApiKey');
      expect(Object.values(keys)).toHaveLength(1);
      const expires = Object.values(keys)[0]?.Properties?.Expires as number;
      const days = (expires * 1000 - Date.now()) / 86_400_000;
      expect(days).toBeGreaterThan(config.apiKeyExpiryDays - 1);
      expect(days).toBeLessThanOrEqual(config.apiKeyExpiryDays);
      expect(s().template.toJSON().Outputs.GraphQLApiKeyId.Value).toEqual({ 'Fn::GetAtt': [Object.keys(keys)[0], 'ApiKeyId'] });
    });

    it('writes its logs to /aws/appsync/apis/<id> with the stage retention', () => {
      s().template.hasResourceProperties('AWS::Logs::LogGroup', {
        LogGroupName: { 'Fn::Join': ['', ['/aws/appsync/apis/', { 'Fn::GetAtt': [apiId(), 'ApiId'] }]] },
        RetentionInDays: config.logRetentionDays,
      });
    });

    it('has the DetectionLogs, ImageReader, RequestUpload and None data sources', () => {
      const sources = Object.values(resourcesOf(s().template, 'AWS::AppSync::DataSource')).map((d) => [d.Properties?.Name, d.Properties?.Type]);
      expect(sources.sort()).toEqual([
        ['DetectionLogs', 'AMAZON_DYNAMODB'],
        ['ImageReader', 'AWS_LAMBDA'],
        ['None', 'NONE'],
        ['RequestUpload', 'AWS_LAMBDA'],
      ]);
    });

    it('wires one APPSYNC_JS resolver per resolver file, on the data source its name gives, with the bundled code', () => {
      const specs = loadResolverManifest({ outDir: resolverOutDir });
      const resolvers = Object.values(resourcesOf(s().template, 'AWS::AppSync::Resolver')).map((r) => r.Properties as Record<string, unknown>);
      expect(resolvers).toHaveLength(specs.length);
      const dataSources = resourcesOf(s().template, 'AWS::AppSync::DataSource');
      for (const spec of specs) {
        const resolver = resolvers.find((r) => r.TypeName === spec.typeName && r.FieldName === spec.fieldName);
        expect(resolver).toMatchObject({ Runtime: { Name: 'APPSYNC_JS', RuntimeVersion: '1.0.0' }, Code: readFileSync(spec.bundlePath, 'utf8') });
        // A data source is referenced by GetAtt, or by its literal name when it has no ARN (NONE).
        const reference = render(resolver?.DataSourceName).match(/^<(.+)\.Name>$/)?.[1];
        const name = reference ? dataSources[reference]?.Properties?.Name : resolver?.DataSourceName;
        expect(name).toBe(spec.dataSource);
      }
    });

    it('lets each data source role do exactly what its resolvers need', () => {
      const dynamo = permissionsOfRole(s().template, logicalId(s(), s().stack.node.findChild('GraphqlApi').node.findChild('DetectionLogsRole').node.defaultChild as CfnElement));
      expect(dynamo.flatMap((p) => p.actions)).toEqual(['dynamodb:GetItem']);
      for (const [roleName, fn] of [['ImageReaderRole', 'image-reader'], ['RequestUploadRole', 'request-upload']] as const) {
        const role = s().stack.node.findChild('GraphqlApi').node.findChild(roleName).node.defaultChild as CfnElement;
        const permissions = permissionsOfRole(s().template, logicalId(s(), role));
        expect(permissions.flatMap((p) => p.actions)).toEqual(['lambda:InvokeFunction']);
        expect(permissions.flatMap((p) => p.resources)).toEqual([`<${logicalId(s(), s().stack.functions[fn].fn.node.defaultChild as CfnElement)}.Arn>`]);
      }
    });

    it('keeps publishImageClassified reachable by IAM only, and grants it to the stream publisher alone', () => {
      const definition = readFileSync(path.join(__dirname, '../../schema.graphql'), 'utf8');
      expect(definition).toMatch(/publishImageClassified\(input: PublishImageClassifiedInput!\): Image @aws_iam\s*\n/);
      const graphQLGrants = allPermissions(s().template).filter((p) => p.actions.includes('appsync:GraphQL'));
      expect(graphQLGrants).toHaveLength(1);
      expect(graphQLGrants[0]?.resources).toEqual([
        `arn:aws:appsync:${config.region}:<AWS::AccountId>:apis/<${apiId()}.ApiId>/types/Mutation/fields/publishImageClassified`,
      ]);
      const publisherPolicies = permissionsOfRole(s().template, roleId(s(), 'stream-publisher')).map((p) => p.policy);
      expect(publisherPolicies).toContain(graphQLGrants[0]?.policy);
    });

    it('sits behind a WAF web ACL with a per-IP rate limit, associated with the API', () => {
      const acls = resourcesOf(s().template, 'AWS::WAFv2::WebACL');
      const [aclId, acl] = Object.entries(acls)[0] ?? [];
      expect(acl?.Properties).toMatchObject({
        Scope: 'REGIONAL',
        DefaultAction: { Allow: {} },
        Rules: expect.arrayContaining([
          expect.objectContaining({
            Action: { Block: {} },
            Statement: { RateBasedStatement: { Limit: config.wafRateLimitPer5Min, AggregateKeyType: 'IP', EvaluationWindowSec: 300 } },
          }),
        ]),
      });
      s().template.hasResourceProperties('AWS::WAFv2::WebACLAssociation', {
        ResourceArn: { 'Fn::GetAtt': [apiId(), 'Arn'] },
        WebACLArn: { 'Fn::GetAtt': [aclId, 'Arn'] },
      });
    });
  });

  describe('Lambda functions', () => {
    it.each(FUNCTION_NAMES)('%s: nodejs24.x on arm64, X-Ray active, its settings, its own log group', (name) => {
      const props = fnResource(s(), name).Properties;
      const settings = config.functions[name];
      expect(props).toMatchObject({
        FunctionName: `${config.prefix}${name}`,
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        TracingConfig: { Mode: 'Active' },
        MemorySize: settings.memoryMb,
        Timeout: settings.timeoutSeconds,
        ReservedConcurrentExecutions: settings.reservedConcurrency,
        LoggingConfig: { LogFormat: 'JSON', LogGroup: { Ref: logicalId(s(), s().stack.functions[name].logGroup.node.defaultChild as CfnElement) } },
      });
      s().template.hasResourceProperties('AWS::Logs::LogGroup', {
        LogGroupName: `/aws/lambda/${config.prefix}${name}`,
        RetentionInDays: config.logRetentionDays,
      });
    });

    it('runs every Node.js function in the template on nodejs24.x, and no other function but CDK\'s own Python handlers', () => {
      expect(nodeRuntimes(s().template)).toEqual(FUNCTION_NAMES.map(() => 'nodejs24.x'));
    });

    it.each(FUNCTION_NAMES)('%s: ships a minified bundle with its source map', (name) => {
      const asset = s().stack.functions[name].fn.node.findChild('Code') as Asset;
      const bundleDir = path.join((s().stack.node.root as App).outdir, asset.assetPath);
      // The processor also carries sharp's native linux-arm64 binaries, installed next to the bundle.
      const files = readdirSync(bundleDir).filter((f) => name !== 'image-processor' || !/^(node_modules|package(-lock)?\.json)$/.test(f));
      expect(files.sort()).toEqual(['index.js', 'index.js.map']);
      if (name === 'image-processor') {
        expect(readdirSync(path.join(bundleDir, 'node_modules', '@img'))).toEqual(expect.arrayContaining(['sharp-linux-arm64']));
      }
      const code = readFileSync(path.join(bundleDir, 'index.js'), 'utf8');
      // Minified: very long lines (esbuild keeps only the newlines that template literals and licences need).
      expect(code.length / code.split('\n').length).toBeGreaterThan(2000);
      expect(code).toContain('sourceMappingURL=index.js.map');
      // The SDK is bundled (infra/bundling.ts says why): well under Lambda's limits, over the 250 KB aim. The
      // processor's HEIC decoder adds ~2 MB of wasm inlined as base64, loaded on the first HEIC only.
      expect(statSync(path.join(bundleDir, 'index.js')).size).toBeLessThan((name === 'image-processor' ? 3 : 1) * 1024 * 1024);
    });

    it('gives each function the environment its config loader accepts (functions/runtime/config.ts), with stage values', () => {
      const env = (name: FunctionName) => {
        const vars = (fnResource(s(), name).Properties.Environment as { Variables: Record<string, unknown> }).Variables;
        // Tokens become placeholders; Lambda itself sets AWS_REGION.
        return {
          ...Object.fromEntries(
            Object.entries(vars).map(([k, v]) => [k, typeof v === 'string' ? v : k === 'GRAPHQL_URL' ? 'https://api.example/graphql' : `resolved-${k}`]),
          ),
          AWS_REGION: config.region,
        } as Record<string, string>;
      };
      for (const name of FUNCTION_NAMES) {
        expect(env(name)).toMatchObject({
          POWERTOOLS_SERVICE_NAME: `${config.prefix}${name}`,
          POWERTOOLS_METRICS_NAMESPACE: 'pet-detector',
          POWERTOOLS_LOG_LEVEL: config.powertoolsLogLevel,
          // Presigned tickets and URLs carry the role's session token: never into trace metadata.
          POWERTOOLS_TRACER_CAPTURE_RESPONSE: 'false',
        });
      }
      expect(loadRequestUploadConfig(env('request-upload'))).toMatchObject({
        uploadUrlTtlSeconds: config.uploadUrlTtlSeconds,
        retentionDays: config.retentionDays,
        forcePathStyle: false,
      });
      expect(loadImageReaderConfig(env('image-reader'))).toMatchObject({ forcePathStyle: false });
      expect(loadImageProcessorConfig(env('image-processor'))).toMatchObject({
        classifier: 'rekognition',
        thresholds: { confident: config.thresholds.confident, uncertainMin: config.thresholds.uncertainMin, closeMargin: config.thresholds.closeMargin },
        minLabelConfidence: config.thresholds.minLabelConfidence,
        maxLabels: config.thresholds.maxLabels,
        maxReceiveCount: config.uploadQueue.maxReceiveCount,
      });
      expect(loadStreamPublisherConfig(env('stream-publisher'))).toMatchObject({ graphqlUrl: 'https://api.example/graphql' });
      const publisherVars = (fnResource(s(), 'stream-publisher').Properties.Environment as { Variables: Record<string, unknown> }).Variables;
      expect(publisherVars.GRAPHQL_URL).toEqual({ 'Fn::GetAtt': [Object.keys(resourcesOf(s().template, 'AWS::AppSync::GraphQLApi'))[0], 'GraphQLUrl'] });
    });
  });

  describe('monitoring', () => {
    const alarms = () => Object.values(resourcesOf(s().template, 'AWS::CloudWatch::Alarm')).map((a) => a.Properties as Record<string, unknown>);
    const opsTopicId = () =>
      Object.entries(resourcesOf(s().template, 'AWS::SNS::Topic')).find(([, t]) => t.Properties?.TopicName === `${config.prefix}operations`)?.[0];

    it('alarms on errors, throttles and p99 duration of every function', () => {
      for (const name of FUNCTION_NAMES) {
        for (const [metric, stat] of [['Errors', 'Sum'], ['Throttles', 'Sum'], ['Duration', undefined]] as const) {
          const alarm = alarms().find(
            (a) => a.MetricName === metric && render(a.Dimensions) === `{"Name":"FunctionName","Value":{"Ref":"${logicalId(s(), s().stack.functions[name].fn.node.defaultChild as CfnElement)}"}}`,
          );
          expect(alarm).toBeDefined();
          if (stat) expect(alarm?.Statistic).toBe(stat);
          else expect(alarm?.ExtendedStatistic).toBe('p99');
        }
      }
    });

    it('alarms on dead letters, stream iterator age, AppSync 5XX and ProcessingFailures', () => {
      const byName = (suffix: string) => alarms().find((a) => a.AlarmName === `${config.prefix}${suffix}`);
      expect(alarms().filter((a) => a.MetricName === 'ApproximateNumberOfMessagesVisible')).toHaveLength(3);
      expect(byName('dead-letters-1')).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
      expect(byName('stream-iterator-age')).toMatchObject({ MetricName: 'IteratorAge', Threshold: config.alarms.iteratorAgeMs });
      expect(byName('api-5xx')).toMatchObject({ Namespace: 'AWS/AppSync', MetricName: '5XXError', Threshold: config.alarms.appSync5xx });
      expect(byName('processing-failures')).toMatchObject({
        Namespace: 'pet-detector',
        MetricName: 'ProcessingFailures',
        Dimensions: [{ Name: 'service', Value: `${config.prefix}image-processor` }],
      });
      expect(byName('processing-timeouts')).toMatchObject({
        Namespace: 'pet-detector',
        MetricName: 'StaleRecordsSettled',
        Period: SWEEPER.intervalMinutes * 60,
        Dimensions: expect.arrayContaining([{ Name: 'Reason', Value: 'ProcessingTimedOut' }, { Name: 'service', Value: `${config.prefix}record-sweeper` }]),
      });
    });

    it('sends every alarm (and its recovery) to the operations topic', () => {
      expect(alarms().length).toBeGreaterThanOrEqual(4 * 3 + 5);
      for (const alarm of alarms()) {
        expect(alarm.AlarmActions).toEqual([{ Ref: opsTopicId() }]);
        expect(alarm.OKActions).toEqual([{ Ref: opsTopicId() }]);
      }
    });

    it('has a dashboard with business and operations widgets', () => {
      const dashboard = Object.values(resourcesOf(s().template, 'AWS::CloudWatch::Dashboard'))[0]?.Properties as { DashboardName: string; DashboardBody: unknown };
      expect(dashboard.DashboardName).toBe(`${config.prefix}dashboard`);
      const body = render(dashboard.DashboardBody);
      for (const title of ['Images classified per hour, by animal', 'Uncertain rate (%)', 'Classification latency (ms)', 'Lambda errors', 'Dead letters', 'Stream iterator age (ms)', 'AppSync requests and errors']) {
        expect(body).toContain(title);
      }
      expect(body).toContain('"ImagesClassified","Animal","CAT"');
    });
  });

  describe('naming, tags and outputs', () => {
    it('names every named resource serverlessapp-<stage>-...', () => {
      const nameKeys = ['BucketName', 'TableName', 'QueueName', 'TopicName', 'FunctionName', 'RoleName', 'AlarmName', 'DashboardName', 'Name', 'LogGroupName', 'AliasName'];
      const names: string[] = [];
      for (const resource of Object.values(s().template.toJSON().Resources as Record<string, { Type: string; Properties?: Record<string, unknown> }>)) {
        if (resource.Type === 'AWS::AppSync::DataSource' || resource.Type === 'AWS::AppSync::ApiKey' || resource.Type.startsWith('Custom::')) continue;
        for (const key of nameKeys) {
          const value = resource.Properties?.[key];
          if (value === undefined) continue;
          const name = typeof value === 'object' ? render(value) : String(value);
          // A bare reference points at another resource, whose own name is checked where it is defined.
          if (!/^<[^>]+>$/.test(name)) names.push(name);
        }
      }
      const unprefixed = names.filter(
        (n) =>
          !n.startsWith(config.prefix) &&
          !n.startsWith(`alias/${config.prefix}`) &&
          !n.startsWith(`/aws/lambda/${config.prefix}`) &&
          !n.startsWith('/aws/appsync/apis/') &&
          // WAF rule names live inside the web ACL, whose own name is prefixed.
          !['rate-limit-per-ip', 'aws-known-bad-inputs'].includes(n),
      );
      expect(names.length).toBeGreaterThan(20);
      expect(unprefixed).toEqual([]);
    });

    it('tags resources with Project, Environment and Owner', () => {
      s().template.hasResourceProperties('AWS::DynamoDB::Table', {
        Tags: Match.arrayWith([
          { Key: 'Environment', Value: stage },
          { Key: 'Owner', Value: config.owner },
          { Key: 'Project', Value: 'pet-detector' },
        ]),
      });
    });

    it('exports exactly the outputs a client is configured from (the keys .local/outputs.json repeats)', () => {
      expect(Object.keys(s().template.toJSON().Outputs).sort()).toEqual(
        [
          'BucketName',
          'DashboardName',
          ...(config.apiKeyAccess ? ['GraphQLApiKeyId'] : []),
          'GraphQLApiUrl',
          'RealtimeUrl',
          'Region',
          'TableName',
          'TopicArn',
          'UserPoolClientId',
          'UserPoolId',
        ],
      );
      expect(s().template.toJSON().Outputs.Region.Value).toBe(config.region);
    });

    it('deploys to us-east-1 unless told otherwise', () => {
      expect(s().stack.region).toBe('us-east-1');
    });
  });

  describe('cdk-nag', () => {
    it('reports zero unacknowledged AwsSolutions findings', () => {
      expect(nagFindings(s().stack)).toEqual([]);
    });

    it('gives a reason for every acknowledgement, and names an AwsSolutions rule', () => {
      const entries = s().stack.node
        .findAll()
        .flatMap((c) => c.node.metadata.filter((m) => m.type === 'aws:cdk:acknowledged-rules').map((m) => m.data as Record<string, string>));
      expect(entries.length).toBeGreaterThan(0);
      for (const entry of entries) {
        for (const [rule, reason] of Object.entries(entry)) {
          expect(rule).toMatch(/AwsSolutions-[A-Z0-9]+/);
          expect(reason.length).toBeGreaterThan(40);
        }
      }
    });
  });
});

describe('differences between stages', () => {
  it('reserves more concurrency and keeps logs longer in prod than in dev', () => {
    const reserved = (stage: Stage) => fnResource(synthesized[stage], 'image-processor').Properties.ReservedConcurrentExecutions as number;
    expect(reserved('prod')).toBeGreaterThan(reserved('dev'));
    expect(stageConfig({ stage: 'prod' }).logRetentionDays).toBeGreaterThan(stageConfig({ stage: 'dev' }).logRetentionDays);
  });

  it('keeps the images bucket and the table on stack deletion only in prod', () => {
    for (const stage of STAGES) {
      const bucket = resourcesOf(synthesized[stage].template, 'AWS::S3::Bucket')[imagesBucketId(synthesized[stage])];
      expect(bucket?.DeletionPolicy).toBe(stage === 'prod' ? 'Retain' : 'Delete');
    }
  });
});

describe('Rekognition bundles', () => {
  it('leave the local classifier (model worker, TensorFlow) out of the processor', () => {
    const s = synthesized.prod;
    const asset = s.stack.functions['image-processor'].fn.node.findChild('Code') as Asset;
    const dir = path.join((s.stack.node.root as App).outdir, asset.assetPath);
    const code = readFileSync(path.join(dir, 'index.js'), 'utf8');
    expect(code).not.toMatch(/tfjs|model-worker/);
    expect(readdirSync(dir)).not.toContain('local-classifier');
  });
});

describe('prod with the web console and an alert email (-c console=true -c notificationEmail=...)', () => {
  let s: Synthesized;
  const config = stageConfig({ stage: 'prod', console: 'true', notificationEmail: 'ops@example.com' });

  let consoleDir: string;
  afterAll(() => rmSync(consoleDir, { recursive: true, force: true }));

  beforeAll(async () => {
    consoleDir = mkdtempSync(path.join(tmpdir(), 'pet-detector-console-'));
    writeFileSync(path.join(consoleDir, 'index.html'), '<!doctype html><title>pet-detector</title>');
    [s] = (await synthStages([{ stage: 'prod', console: 'true', notificationEmail: 'ops@example.com' }], { consoleAssetDir: consoleDir })) as [Synthesized];
  });

  const siteBucketId = () => logicalId(s, s.stack.node.findChild('Console').node.findChild('Site').node.defaultChild as CfnElement);
  const distribution = () =>
    Object.values(resourcesOf(s.template, 'AWS::CloudFront::Distribution'))[0]?.Properties?.DistributionConfig as Record<string, unknown>;

  it('keeps the site bucket private, encrypted and TLS-only', () => {
    expect(resourcesOf(s.template, 'AWS::S3::Bucket')[siteBucketId()]?.Properties).toMatchObject({
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
    });
  });

  it('serves it through CloudFront with Origin Access Control, over HTTPS only', () => {
    s.template.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
    expect(distribution()).toMatchObject({
      DefaultRootObject: 'index.html',
      DefaultCacheBehavior: expect.objectContaining({ ViewerProtocolPolicy: 'redirect-to-https' }),
      Logging: expect.objectContaining({ Bucket: expect.anything() }),
    });
    const origins = distribution().Origins as Array<Record<string, unknown>>;
    expect(origins.every((o) => o.OriginAccessControlId !== undefined)).toBe(true);
    s.template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: siteBucketId() },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'cloudfront.amazonaws.com' },
            Action: 's3:GetObject',
            Condition: { StringEquals: { 'AWS:SourceArn': Match.anyValue() } },
          }),
        ]),
      },
    });
  });

  it('writes config.json at deploy time from the stack attributes: the user pool, and no API key where prod has none', () => {
    const deployments = Object.values(resourcesOf(s.template, 'Custom::CDKBucketDeployment'));
    expect(deployments).toHaveLength(1);
    const markers = JSON.stringify(deployments[0]?.Properties?.SourceMarkers);
    const apiId = Object.keys(resourcesOf(s.template, 'AWS::AppSync::GraphQLApi'))[0];
    expect(Object.keys(resourcesOf(s.template, 'AWS::AppSync::ApiKey'))).toEqual([]);
    expect(markers).not.toContain('ApiKey');
    expect(markers).toContain(JSON.stringify({ Ref: Object.keys(resourcesOf(s.template, 'AWS::Cognito::UserPool'))[0] }));
    expect(markers).toContain(JSON.stringify({ Ref: Object.keys(resourcesOf(s.template, 'AWS::Cognito::UserPoolClient'))[0] }));
    expect(markers).toContain(JSON.stringify({ 'Fn::GetAtt': [apiId, 'GraphQLUrl'] }));
    expect(markers).toContain(JSON.stringify({ 'Fn::GetAtt': [apiId, 'RealtimeUrl'] }));
  });

  it('lets the console origin POST uploads to the images bucket', () => {
    const cors = resourcesOf(s.template, 'AWS::S3::Bucket')[imagesBucketId(s)]?.Properties?.CorsConfiguration as { CorsRules: Array<{ AllowedOrigins: unknown[] }> };
    const origins = cors.CorsRules.flatMap((r) => r.AllowedOrigins.map(render));
    expect(origins.some((o) => /^https:\/\/<.*Distribution.*\.DomainName>$/.test(o))).toBe(true);
    expect(Object.keys(s.template.toJSON().Outputs)).toContain('ConsoleUrl');
  });

  it('subscribes the alert email to the uncertain topic', () => {
    const uncertainId = Object.entries(resourcesOf(s.template, 'AWS::SNS::Topic')).find(([, t]) => t.Properties?.TopicName === `${config.prefix}uncertain`)?.[0];
    s.template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com', TopicArn: { Ref: uncertainId } });
  });

  it('runs every Node.js function in the template on nodejs24.x, and no other function but CDK\'s own Python handlers', () => {
    expect(nodeRuntimes(s.template)).toEqual(FUNCTION_NAMES.map(() => 'nodejs24.x'));
  });

  it('stays cdk-nag clean', () => {
    expect(nagFindings(s.stack)).toEqual([]);
  });
});
