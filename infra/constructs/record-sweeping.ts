/**
 * EventBridge Scheduler -> record-sweeper every SWEEPER.intervalMinutes. Scheduler invokes the function
 * asynchronously, so there are two ways a run can be lost, and both end in one dead-letter queue (alarmed
 * with the others in ProductAlarms): Scheduler could not deliver the invocation (its retry policy spent), or
 * the function failed every attempt Lambda gave it (its on-failure destination). Retries stay within one
 * interval: after that the next run does the same work anyway.
 */
import { Duration, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { SWEEPER } from '../../functions/core/settings';
import type { StageConfig } from '../config';

export interface RecordSweepingProps {
  config: StageConfig;
  sweeper: lambda.IFunction;
}

/** Attempts after the first, by Scheduler (delivery) and by Lambda (the function's own failures). */
export const SWEEP_RETRY_ATTEMPTS = 2;

export class RecordSweeping extends Construct {
  readonly schedule: scheduler.Schedule;
  readonly role: iam.Role;
  readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: RecordSweepingProps) {
    super(scope, id);
    const { config } = props;
    const interval = Duration.minutes(SWEEPER.intervalMinutes);

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      queueName: `${config.prefix}record-sweeper-dlq`,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        "This queue is the sweep schedule's dead-letter queue and the sweeper's on-failure destination: it receives runs " +
        'that were never delivered or failed every attempt, and is never consumed automatically.',
    });

    // Only this account's schedules may assume it (the confused-deputy guard AWS documents for Scheduler).
    const stack = Stack.of(this);
    this.role = new iam.Role(this, 'Role', {
      roleName: `${config.prefix}record-sweeper-schedule`,
      description: `EventBridge Scheduler invokes ${config.prefix}record-sweeper with this role`,
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: {
          StringEquals: {
            'aws:SourceAccount': stack.account,
            'aws:SourceArn': stack.formatArn({ service: 'scheduler', resource: 'schedule-group', resourceName: 'default' }),
          },
        },
      }),
    });

    this.schedule = new scheduler.Schedule(this, 'Schedule', {
      scheduleName: `${config.prefix}record-sweeper`,
      description: 'Settles records that will never finish (stuck PROCESSING, unused upload tickets) as FAILED',
      schedule: scheduler.ScheduleExpression.rate(interval),
      target: new targets.LambdaInvoke(props.sweeper, {
        role: this.role,
        deadLetterQueue: this.deadLetterQueue,
        retryAttempts: SWEEP_RETRY_ATTEMPTS,
        maxEventAge: interval,
      }),
    });
    Validations.of(this.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${stack.getLogicalId(props.sweeper.node.defaultChild as never)}.Arn>:*]`,
      reason:
        "The schedule's target (aws-scheduler-targets LambdaInvoke) grants lambda:InvokeFunction with Function.grantInvoke, " +
        'which also covers the one function\'s versions and aliases (<arn>:*); the schedule invokes the unqualified function.',
    });

    props.sweeper.configureAsyncInvoke({
      retryAttempts: SWEEP_RETRY_ATTEMPTS,
      maxEventAge: interval,
      onFailure: new destinations.SqsDestination(this.deadLetterQueue),
    });
  }
}
