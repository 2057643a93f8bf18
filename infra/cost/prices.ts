/**
 * Published us-east-1 list prices used by `npm run cost` (free tiers ignored: they do not scale).
 * Each price names its unit; the model multiplies, nothing else.
 */
export const PRICES = {
  rekognitionPerImage: { usd: 1.0 / 1000, unit: 'per image (DetectLabels, first 1M images/month)' },
  lambdaArmGbSecond: { usd: 0.0000133334, unit: 'per GB-second (arm64)' },
  lambdaRequest: { usd: 0.2 / 1e6, unit: 'per invocation' },
  dynamoWriteUnit: { usd: 0.625 / 1e6, unit: 'per write request unit (on-demand)' },
  dynamoReadUnit: { usd: 0.125 / 1e6, unit: 'per read request unit (on-demand)' },
  appSyncOperation: { usd: 4.0 / 1e6, unit: 'per query/mutation' },
  appSyncRealtimeUpdate: { usd: 2.0 / 1e6, unit: 'per real-time update delivered' },
  appSyncConnectionMinute: { usd: 0.08 / 1e6, unit: 'per real-time connection minute' },
  snsPublish: { usd: 0.5 / 1e6, unit: 'per publish request' },
  snsEmail: { usd: 2.0 / 1e5, unit: 'per email notification' },
  sqsRequest: { usd: 0.4 / 1e6, unit: 'per request (standard queue, 64 KB chunk)' },
  s3PutRequest: { usd: 0.005 / 1000, unit: 'per PUT/COPY/POST/LIST request (S3 Standard)' },
  s3GetRequest: { usd: 0.0004 / 1000, unit: 'per GET/HEAD request (S3 Standard)' },
  s3TransferOutGb: { usd: 0.09, unit: 'per GB from S3 to the internet (first 10 TB/month)' },
  s3StorageGbMonth: { usd: 0.023, unit: 'per GB-month (S3 Standard, first 50 TB)' },
  wafRequest: { usd: 0.6 / 1e6, unit: 'per web request inspected' },
  wafWebAclMonth: { usd: 5.0, unit: 'per web ACL per month' },
  wafRuleMonth: { usd: 1.0, unit: 'per rule per month' },
  logsIngestGb: { usd: 0.5, unit: 'per GB ingested (CloudWatch Logs, standard)' },
  xrayTraceRecorded: { usd: 5.0 / 1e6, unit: 'per trace recorded' },
  kmsRequest: { usd: 0.03 / 1e4, unit: 'per KMS API request' },
  kmsKeyMonth: { usd: 1.0, unit: 'per customer-managed key per month' },
  cloudWatchAlarmMonth: { usd: 0.1, unit: 'per standard-resolution alarm per month' },
  cloudWatchDashboardMonth: { usd: 3.0, unit: 'per dashboard per month' },
  // Cognito user pools bill monthly active users (MAU) by feature plan. Source: https://aws.amazon.com/cognito/pricing/
  // (its worked examples; the transcription of 2026-09-20 in api-evangelist/amazon-cognito plans/amazon-cognito-plans-pricing.yml),
  // looked up on 2026-11-30. The first 10,000 MAUs of Lite and Essentials are free (ignored, like every free tier);
  // Lite drops to $0.0046 per MAU from 100,001 MAUs, and lower at higher volumes.
  cognitoLiteMau: { usd: 0.0055, unit: 'per monthly active user (Lite, 10,001-100,000 MAUs)' },
  cognitoEssentialsMau: { usd: 0.015, unit: 'per monthly active user (Essentials)' },
  cognitoPlusMau: { usd: 0.02, unit: 'per monthly active user (Plus)' },
  schedulerInvocation: { usd: 1.0 / 1e6, unit: 'per scheduled invocation (EventBridge Scheduler, beyond the first 14M/month)' },
  cloudWatchCustomMetricMonth: { usd: 0.3, unit: 'per custom metric (name + dimensions) per month' },
} as const;
