/**
 * The AWS limits the capacity model (model.ts) divides by, for us-east-1, each with where it was read and
 * whether (and how) it can be raised. Account quotas are raised in the Service Quotas console (or
 * `aws service-quotas request-service-quota-increase --service-code <code> --quota-code <code>
 * --desired-value <n>`); fixed limits are designed around. docs/deploy.md lists the increases prod needs.
 */

export interface Quota {
  /** What is limited, in the console's words where it has one. */
  name: string;
  value: number;
  unit: string;
  /** Service Quotas codes, for a request; absent for a fixed limit. */
  serviceCode?: string;
  quotaCode?: string;
  adjustable: boolean;
  source: string;
}

const SERVICE_QUOTAS = 'adjustable in the Service Quotas console';

export const QUOTAS = {
  rekognitionDetectLabelsTps: {
    name: 'Transactions per second per account for the Amazon Rekognition Image operation DetectLabels',
    value: 50,
    unit: 'calls/s',
    serviceCode: 'rekognition',
    quotaCode: 'L-E29B542B',
    adjustable: true,
    source:
      'us-east-1 default 50 TPS (us-west-2 and eu-west-1 too; 5 in smaller regions): Rekognition "Default quotas", ' +
      'https://docs.aws.amazon.com/rekognition/latest/dg/limits.html and https://docs.aws.amazon.com/general/latest/gr/rekognition.html; ' +
      `${SERVICE_QUOTAS} (the Rekognition guide's documented way to raise a TPS quota)`,
  },
  lambdaConcurrentExecutions: {
    name: 'Lambda concurrent executions (account, per region)',
    value: 1000,
    unit: 'executions',
    serviceCode: 'lambda',
    quotaCode: 'L-B99A9384',
    adjustable: true,
    source:
      'default 1,000, of which 100 always stay unreserved; new accounts may start lower (docs/deploy.md): ' +
      `https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html; ${SERVICE_QUOTAS}`,
  },
  sqsEventSourceBatches: {
    name: 'Concurrent batches of one SQS event source mapping (MaximumConcurrency 2-1,000)',
    value: 1000,
    unit: 'batches',
    adjustable: false,
    source:
      'Lambda starts 5 concurrent batches and adds up to 300 a minute, at most 1,000 per mapping: ' +
      'https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html (ScalingConfig range 2-1,000)',
  },
  dynamoPartitionWcu: {
    name: 'DynamoDB writes per partition',
    value: 1000,
    unit: 'WCU/s',
    adjustable: false,
    source: 'a partition serves at most 1,000 write units/s (and 3,000 read units/s), on-demand or provisioned: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/bp-partition-key-design.html',
  },
  dynamoPartitionRcu: {
    name: 'DynamoDB reads per partition',
    value: 3000,
    unit: 'RCU/s',
    adjustable: false,
    source: 'as above: 3,000 read units/s per partition',
  },
  dynamoTableWrites: {
    name: 'DynamoDB table-level write throughput (on-demand, per table)',
    value: 40000,
    unit: 'WRU/s',
    serviceCode: 'dynamodb',
    quotaCode: 'L-AB614373',
    adjustable: true,
    source: `default 40,000 write request units/s per table: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html; ${SERVICE_QUOTAS}`,
  },
  appSyncRequestTokens: {
    name: 'AppSync rate of request tokens (account, per region)',
    value: 2000,
    unit: 'tokens/s',
    serviceCode: 'appsync',
    quotaCode: 'L-FC5E46D0',
    adjustable: true,
    source:
      'a request of up to 1,500 KB-seconds of AppSync memory x time is one token; the developer guide puts the default at 5,000 or 10,000 per ' +
      'second depending on the region, Service Quotas listings at 2,000: the model takes the lowest. ' +
      `https://docs.aws.amazon.com/appsync/latest/devguide/monitoring.html#aws-appsync-using-token-counts-to-optimize-requests; ${SERVICE_QUOTAS}`,
  },
  appSyncInboundMessages: {
    name: 'AppSync real-time inbound messages (publishes that trigger subscriptions), per API',
    value: 10000,
    unit: 'messages/s',
    serviceCode: 'appsync',
    adjustable: true,
    source: 'https://docs.aws.amazon.com/general/latest/gr/appsync.html (value from that page, not confirmed from a stored copy here: check it in Service Quotas)',
  },
  appSyncOutboundMessages: {
    name: 'AppSync real-time outbound messages (deliveries to subscribers), per API',
    value: 1000000,
    unit: 'messages/s',
    serviceCode: 'appsync',
    adjustable: true,
    source: 'https://docs.aws.amazon.com/general/latest/gr/appsync.html (as above, not confirmed from a stored copy here)',
  },
  snsPublish: {
    name: 'SNS messages published per second (standard topics, account, us-east-1)',
    value: 30000,
    unit: 'messages/s',
    serviceCode: 'sns',
    quotaCode: 'L-F8E2BA85',
    adjustable: true,
    source: `us-east-1 30,000/s (9,000 in us-west-2 and eu-west-1, 1,500 or 300 elsewhere): https://docs.aws.amazon.com/general/latest/gr/sns.html; ${SERVICE_QUOTAS}`,
  },
  s3PrefixWrites: {
    name: 'S3 PUT/COPY/POST/DELETE requests per second per partitioned prefix',
    value: 3500,
    unit: 'requests/s',
    adjustable: false,
    source: 'S3 scales by adding prefix partitions under sustained load: https://docs.aws.amazon.com/AmazonS3/latest/userguide/optimizing-performance.html',
  },
  s3PrefixReads: {
    name: 'S3 GET/HEAD requests per second per partitioned prefix',
    value: 5500,
    unit: 'requests/s',
    adjustable: false,
    source: 'as above',
  },
} as const satisfies Record<string, Quota>;

export type QuotaName = keyof typeof QUOTAS;
export type QuotaValues = Record<QuotaName, number>;

export const DEFAULT_QUOTA_VALUES: QuotaValues = Object.fromEntries(Object.entries(QUOTAS).map(([k, q]) => [k, q.value])) as QuotaValues;

/** The sustained rate prod is designed for. */
export const PROD_TARGET_IMAGES_PER_SECOND = 1000;

/**
 * The increases prod needs for PROD_TARGET_IMAGES_PER_SECOND, with why. Rekognition's is raised to the
 * target and no further, so it stays the bottleneck: every other component is sized above it.
 */
export const PROD_QUOTA_INCREASES: Partial<Record<QuotaName, { value: number; why: string }>> = {
  rekognitionDetectLabelsTps: { value: 1000, why: 'one DetectLabels call per image: 1,000 images/s need 1,000 TPS (redeliveries and retries also spend it)' },
  appSyncRequestTokens: {
    value: 5000,
    why: 'about 3.1 GraphQL requests per image (requestUpload, publishImageClassified, the subscriber re-read, a share of gallery pages): 3,100 tokens/s at 1 token each, with room for heavier requests',
  },
};

export const prodQuotaValues = (): QuotaValues => ({
  ...DEFAULT_QUOTA_VALUES,
  ...Object.fromEntries(Object.entries(PROD_QUOTA_INCREASES).map(([k, v]) => [k, v.value])),
});
