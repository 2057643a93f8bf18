/**
 * S3 ObjectCreated on input/ -> SQS (with a DLQ) -> image-processor. The queue absorbs bursts and gives
 * retries with back-off that a direct S3 -> Lambda trigger would not.
 */
import { Duration } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sources from 'aws-cdk-lib/aws-lambda-event-sources';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3n from 'aws-cdk-lib/aws-s3-notifications';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { FORMAT_BY_CONTENT_TYPE, INPUT_PREFIX } from '../../functions/core/domain';
import type { StageConfig } from '../config';
import { sqsVisibilityTimeoutSeconds } from '../sqs-visibility';

/** Upload tickets write input/<imageId>.<format>, so these are the only suffixes that can ever need work. */
export const UPLOAD_SUFFIXES = [...new Set(Object.values(FORMAT_BY_CONTENT_TYPE))].map((format) => `.${format}`);

export interface UploadEventsProps {
  config: StageConfig;
  bucket: s3.IBucket;
  processor: lambda.IFunction;
  processorTimeoutSeconds: number;
}

export class UploadEvents extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: UploadEventsProps) {
    super(scope, id);
    const { config } = props;
    const { batchSize, maxBatchingWindowSeconds, maxReceiveCount } = config.uploadQueue;

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      queueName: `${config.prefix}uploads-dlq`,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });

    this.queue = new sqs.Queue(this, 'Queue', {
      queueName: `${config.prefix}uploads`,
      // SSE-SQS rather than a KMS key: S3 event notifications can deliver to it without a key policy.
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(sqsVisibilityTimeoutSeconds(props.processorTimeoutSeconds, maxBatchingWindowSeconds)),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount },
    });

    for (const suffix of UPLOAD_SUFFIXES) {
      props.bucket.addEventNotification(s3.EventType.OBJECT_CREATED, new s3n.SqsDestination(this.queue), {
        prefix: INPUT_PREFIX,
        suffix,
      });
    }

    props.processor.addEventSource(
      new sources.SqsEventSource(this.queue, {
        batchSize,
        maxBatchingWindow: Duration.seconds(maxBatchingWindowSeconds),
        reportBatchItemFailures: true,
        // At most the function's reserved concurrency, so the poller never drives it into throttling.
        maxConcurrency: Math.max(2, config.functions['image-processor'].reservedConcurrency),
      }),
    );
  }
}
