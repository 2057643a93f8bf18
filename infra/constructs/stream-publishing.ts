/**
 * DetectionLogs stream -> stream-publisher, woken only when an image reaches a final status, with
 * bounded retries, bisection of failing batches and an SQS on-failure destination.
 */
import { Duration, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sources from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { FINAL_ITEM_STATUSES, STREAM_FILTER_PATTERNS } from '../../functions/stream-publisher/trigger-filters';
import type { StageConfig } from '../config';

export { FINAL_ITEM_STATUSES, STREAM_FILTER_PATTERNS };

export interface StreamPublishingProps {
  config: StageConfig;
  table: dynamodb.ITable;
  publisher: lambda.IFunction;
}

export class StreamPublishing extends Construct {
  readonly failureQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: StreamPublishingProps) {
    super(scope, id);
    const { config } = props;
    const { batchSize, maxBatchingWindowSeconds, retryAttempts, maxRecordAgeSeconds, parallelizationFactor } = config.stream;

    this.failureQueue = new sqs.Queue(this, 'FailureQueue', {
      queueName: `${config.prefix}stream-failures`,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.failureQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        "This queue is the stream event source's on-failure destination, i.e. a dead-letter queue already; it receives " +
        'batch metadata of records that exhausted their retries and is never consumed automatically.',
    });

    props.publisher.addEventSource(
      new sources.DynamoEventSource(props.table, {
        startingPosition: lambda.StartingPosition.LATEST,
        batchSize,
        maxBatchingWindow: Duration.seconds(maxBatchingWindowSeconds),
        bisectBatchOnError: true,
        retryAttempts,
        maxRecordAge: Duration.seconds(maxRecordAgeSeconds),
        parallelizationFactor,
        reportBatchItemFailures: true,
        onFailure: new sources.SqsDlq(this.failureQueue),
        filters: STREAM_FILTER_PATTERNS.map((pattern) => lambda.FilterCriteria.filter(pattern)),
      }),
    );
  }
}
