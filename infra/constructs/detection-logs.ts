/**
 * DetectionLogs: one item per image, its indexes exactly as functions/core/table-design.ts describes them,
 * TTL on ExpiresAt and a NEW_AND_OLD_IMAGES stream for the stream publisher.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { STATS_TABLE } from '../../functions/core/image-stats';
import { INDEX_PROJECTION, INDEXES, partitionKeyAttributes, TABLE_PARTITION_KEY, TTL_ATTRIBUTE } from '../../functions/core/table-design';
import type { StageConfig } from '../config';

export class DetectionLogs extends Construct {
  readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string, props: { config: StageConfig }) {
    super(scope, id);
    const { config } = props;
    this.table = new dynamodb.Table(this, 'Table', {
      tableName: `${config.prefix}detection-logs`,
      partitionKey: { name: TABLE_PARTITION_KEY, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      timeToLiveAttribute: TTL_ATTRIBUTE,
      stream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
      deletionProtection: config.deletionProtection,
      removalPolicy: config.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    for (const index of Object.values(INDEXES)) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.name,
        // An owner's twin has a multi-attribute partition key: its owner, then the sharded key (table-design.ts).
        ...(index.ownerKey
          ? { partitionKeys: partitionKeyAttributes(index).map((name) => ({ name, type: dynamodb.AttributeType.STRING })) }
          : { partitionKey: { name: index.partitionKey, type: dynamodb.AttributeType.STRING } }),
        sortKey: { name: index.sortKey, type: dynamodb.AttributeType.STRING },
        // Whole items: the image-reader serves a page from the index entries alone (see table-design.ts).
        projectionType: dynamodb.ProjectionType[INDEX_PROJECTION],
      });
    }
  }
}

/**
 * ImageStats: imageStats' counters (per scope, a month of days or a day of hours per item: a year of days is
 * one Query of 13 items; functions/adapters/stats-counter-items.ts)
 * and the markers that make counting exactly once (expired by TTL after a week). No stream, no index.
 */
export class ImageStats extends Construct {
  readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string, props: { config: StageConfig }) {
    super(scope, id);
    const { config } = props;
    this.table = new dynamodb.Table(this, 'Table', {
      tableName: `${config.prefix}image-stats`,
      partitionKey: { name: STATS_TABLE.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: STATS_TABLE.sortKey, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      timeToLiveAttribute: STATS_TABLE.ttlAttribute,
      deletionProtection: config.deletionProtection,
      removalPolicy: config.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
  }
}
