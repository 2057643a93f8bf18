/**
 * A reminder before the client API key expires. The key's expiry is fixed at synthesis (AppSync allows at
 * most 365 days), so a stack that is not redeployed in time starts refusing every client; AppSync publishes
 * no metric a CloudWatch alarm could watch for that. A one-time EventBridge Scheduler schedule, computed from
 * the same expiry, publishes to the operations topic (where every alarm goes) apiKeyExpiryWarningDays
 * before: redeploying moves both the expiry and this reminder forward. Chosen over rotating the key because
 * the key's value is handed to clients (the console's config.json is written at deployment): a rotation
 * outside CloudFormation would break them as surely as the expiry does.
 */
import { Aws, Duration, type Expiration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { StageConfig } from '../config';

export interface ApiKeyExpiryWarningProps {
  config: StageConfig;
  expires: Expiration;
  apiName: string;
  topic: sns.ITopic;
  topicKey: kms.IKey;
}

/** EventBridge Scheduler's one-time form: at(yyyy-mm-ddThh:mm:ss), read in ScheduleExpressionTimezone. */
export const atExpression = (date: Date): string => `at(${date.toISOString().slice(0, 19)})`;

export class ApiKeyExpiryWarning extends Construct {
  readonly schedule: scheduler.CfnSchedule;
  readonly warnAt: Date;

  constructor(scope: Construct, id: string, props: ApiKeyExpiryWarningProps) {
    super(scope, id);
    const { config } = props;
    const expiresAt = props.expires.date;
    this.warnAt = new Date(expiresAt.getTime() - Duration.days(config.apiKeyExpiryWarningDays).toMilliseconds());

    const role = new iam.Role(this, 'Role', {
      roleName: `${config.prefix}api-key-warning-role`,
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
      description: 'Lets EventBridge Scheduler publish the API key expiry reminder',
    });
    role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'PublishReminder', actions: ['sns:Publish'], resources: [props.topic.topicArn] }));
    // The topic is encrypted with the messaging key: publishing needs exactly these two.
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({ sid: 'EncryptForTopic', actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [props.topicKey.keyArn] }),
    );

    this.schedule = new scheduler.CfnSchedule(this, 'Schedule', {
      name: `${config.prefix}api-key-expiry-warning`,
      description: `Warns ${config.apiKeyExpiryWarningDays} days before the ${props.apiName} API key expires`,
      scheduleExpression: atExpression(this.warnAt),
      scheduleExpressionTimezone: 'UTC',
      flexibleTimeWindow: { mode: 'OFF' },
      target: {
        arn: props.topic.topicArn,
        roleArn: role.roleArn,
        input:
          `The client API key of ${props.apiName} (${config.stage}) expires on ${expiresAt.toISOString()}. ` +
          `Redeploy the stack before then (npm run deploy -- -c stage=${config.stage}): every client is refused once it has expired.`,
        retryPolicy: { maximumRetryAttempts: 10, maximumEventAgeInSeconds: 24 * 3600 },
      },
    });
  }
}
