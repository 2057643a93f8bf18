/**
 * The images bucket and its access-log bucket. Uploads land in input/ through presigned POSTs from
 * browsers; the processor files them under cats/, dogs/ or others/.
 */
import { Aws, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { INPUT_PREFIX } from '../../functions/core/domain';
import type { StageConfig } from '../config';

export interface ImageStoreProps {
  config: StageConfig;
}

export class ImageStore extends Construct {
  readonly bucket: s3.Bucket;
  readonly accessLogBucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: ImageStoreProps) {
    super(scope, id);
    const { config } = props;
    // DESTROY outside prod; CloudFormation still refuses to delete a bucket that holds objects, which is the
    // safe failure (no auto-delete custom resource that could empty a bucket by mistake).
    const removal = { removalPolicy: config.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY };

    this.accessLogBucket = new s3.Bucket(this, 'AccessLogs', {
      bucketName: `${config.prefix}access-logs-${Aws.ACCOUNT_ID}-${Aws.REGION}`,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      // Server access logs can only be delivered to SSE-S3 buckets.
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(Math.max(config.logRetentionDays, 30)) }],
      ...removal,
    });
    Validations.of(this.accessLogBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This is the access-log bucket itself; logging it into itself would loop and S3 does not allow a log of the log.',
    });

    this.bucket = new s3.Bucket(this, 'Images', {
      bucketName: `${config.prefix}images-${Aws.ACCOUNT_ID}-${Aws.REGION}`,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      versioned: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: this.accessLogBucket,
      serverAccessLogsPrefix: 'images/',
      lifecycleRules: [
        {
          // Every object belongs to one image record, and a record expires retentionDays after its creation
          // (DynamoDB TTL): so does every object, whatever its prefix (cats/ dogs/ others/, and any prefix
          // added later such as thumbnails/). S3 counts from the object's creation, the filing a few seconds
          // after the record's, and rounds up to the next midnight UTC; DynamoDB deletes an expired record
          // within about two days. Both are gone within ~2 days of ExpiresAt (docs/deploy.md, Retention).
          id: 'expire-with-record',
          expiration: Duration.days(config.retentionDays),
        },
        {
          // The processor deletes input/<id> once the image is filed; what is still there was never processed.
          // Overlapping expirations resolve to the shorter one, so input/ goes sooner than the rule above.
          id: 'expire-unprocessed-input',
          prefix: INPUT_PREFIX,
          expiration: Duration.days(config.unprocessedInputExpiryDays),
        },
        { id: 'abort-incomplete-multipart-uploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
        {
          // An expiration or a delete leaves the bytes as a noncurrent version; they go this many days later.
          id: 'expire-noncurrent-versions',
          noncurrentVersionExpiration: Duration.days(config.noncurrentVersionExpiryDays),
          expiredObjectDeleteMarker: true,
        },
      ],
      ...removal,
    });
    if (config.corsOrigins.length > 0) this.addCorsOrigins(config.corsOrigins);
  }

  /** Lets browsers on these origins POST presigned uploads and GET presigned images. */
  addCorsOrigins(origins: string[]): void {
    this.bucket.addCorsRule({
      allowedMethods: [s3.HttpMethods.POST, s3.HttpMethods.GET, s3.HttpMethods.HEAD],
      allowedOrigins: origins,
      allowedHeaders: ['*'],
      exposedHeaders: ['ETag'],
      maxAge: 3000,
    });
  }

  /** ARN pattern of every object under a prefix, e.g. input/*. */
  objectsUnder(prefix: string): string {
    return this.bucket.arnForObjects(`${prefix}*`);
  }
}
