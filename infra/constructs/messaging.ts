/**
 * The two SNS topics: uncertain classifications (for people) and operations alarms (for on-call).
 * Both are encrypted with one customer-managed key, because CloudWatch alarms can publish to an encrypted
 * topic only when the key policy lets cloudwatch.amazonaws.com use the key (the AWS-managed aws/sns key
 * cannot be given that grant).
 */
import { Aws, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import type { StageConfig } from '../config';

export class Messaging extends Construct {
  readonly key: kms.Key;
  readonly uncertainTopic: sns.Topic;
  readonly operationsTopic: sns.Topic;

  constructor(scope: Construct, id: string, props: { config: StageConfig }) {
    super(scope, id);
    const { config } = props;
    this.key = new kms.Key(this, 'Key', {
      alias: `alias/${config.prefix}messaging`,
      description: `Encrypts the ${config.prefix} SNS topics`,
      enableKeyRotation: true,
      removalPolicy: config.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarmsToPublishToEncryptedTopics',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: ['*'],
        // Only alarms of this account: without it, CloudWatch acting for any account could use the key
        // (the confused-deputy case AWS's key-policy guidance closes with aws:SourceAccount).
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
    );

    this.uncertainTopic = new sns.Topic(this, 'Uncertain', {
      topicName: `${config.prefix}uncertain`,
      displayName: 'pet-detector: uncertain classifications',
      masterKey: this.key,
      enforceSSL: true,
    });
    if (config.notificationEmail) {
      this.uncertainTopic.addSubscription(new subscriptions.EmailSubscription(config.notificationEmail));
    }

    this.operationsTopic = new sns.Topic(this, 'Operations', {
      topicName: `${config.prefix}operations`,
      displayName: 'pet-detector: operations alarms',
      masterKey: this.key,
      enforceSSL: true,
    });
  }
}
