/** The CloudWatch dashboard: business widgets on top (what was classified, how sure, how fast), operations below. */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as appsync from 'aws-cdk-lib/aws-appsync';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ANIMAL_PREFIX, type Animal } from '../../functions/core/domain';
import { ANIMAL_DIMENSION, METRIC } from '../../functions/core/settings';
import type { StageConfig } from '../config';
import type { ObservedFunction } from './observed-function';
import { apiMetric, PERIOD, productMetric, streamIteratorAge } from './product-metrics';

const ANIMALS = Object.keys(ANIMAL_PREFIX) as Animal[];

export interface ProductDashboardProps {
  config: StageConfig;
  functions: ObservedFunction[];
  processor: ObservedFunction;
  publisher: ObservedFunction;
  uploadQueue: sqs.IQueue;
  deadLetterQueues: sqs.IQueue[];
  table: dynamodb.ITable;
  api: appsync.GraphqlApi;
  webAclName: string;
}

export class ProductDashboard extends Construct {
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: ProductDashboardProps) {
    super(scope, id);
    const { config, processor } = props;
    // 'Default' adds nothing to the logical ID, which stays the one the dashboard had before this construct existed.
    this.dashboard = new cloudwatch.Dashboard(this, 'Default', {
      dashboardName: `${config.prefix}dashboard`,
      defaultInterval: Duration.hours(24),
    });
    this.dashboard.addWidgets(new cloudwatch.TextWidget({ markdown: `# pet-detector ${config.stage}: business`, width: 24, height: 1 }));
    const hourly = Duration.hours(1);
    const daily = Duration.days(1);
    // ImagesClassified carries an Animal dimension (functions/image-processor/metrics.ts); the total is their sum.
    const classifiedByAnimal = (period: Duration) =>
      Object.fromEntries(
        ANIMALS.map((animal) => [
          animal.toLowerCase(),
          productMetric(processor, METRIC.imagesClassified, cloudwatch.Stats.SUM, { label: animal, dimensions: { [ANIMAL_DIMENSION]: animal }, period }),
        ]),
      );
    const classifiedBy = classifiedByAnimal(hourly);
    const classifiedExpression = Object.keys(classifiedBy).join(' + ');
    const classifiedPerDay = new cloudwatch.MathExpression({
      expression: classifiedExpression,
      usingMetrics: classifiedByAnimal(daily),
      label: 'classified',
      period: daily,
    });
    const uncertain = productMetric(processor, METRIC.uncertainClassifications, cloudwatch.Stats.SUM).with({ period: hourly });
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Images classified per hour, by animal',
        width: 8,
        stacked: true,
        left: Object.values(classifiedBy),
        leftYAxis: { min: 0, label: 'images / hour', showUnits: false },
      }),
      new cloudwatch.GraphWidget({
        title: 'Uncertain rate (%)',
        width: 8,
        left: [
          new cloudwatch.MathExpression({
            expression: `IF((${classifiedExpression}) > 0, 100 * uncertain / (${classifiedExpression}), 0)`,
            usingMetrics: { ...classifiedBy, uncertain },
            label: 'uncertain %',
            period: hourly,
          }),
        ],
        leftYAxis: { min: 0, max: 100, showUnits: false },
      }),
      new cloudwatch.GraphWidget({
        title: 'Classification latency (ms)',
        width: 8,
        left: [
          productMetric(processor, METRIC.classificationLatency, cloudwatch.Stats.p(50), { label: 'p50' }),
          productMetric(processor, METRIC.classificationLatency, cloudwatch.Stats.p(99), { label: 'p99' }),
        ],
        leftYAxis: { min: 0, showUnits: false },
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.SingleValueWidget({
        title: 'Last 24 h',
        width: 24,
        metrics: [
          classifiedPerDay,
          uncertain.with({ period: daily, label: 'uncertain' }),
          productMetric(processor, METRIC.processingFailures, cloudwatch.Stats.SUM, { label: 'failed', period: daily }),
          productMetric(processor, METRIC.duplicateEvents, cloudwatch.Stats.SUM, { label: 'duplicate events', period: daily }),
        ],
      }),
    );

    this.dashboard.addWidgets(new cloudwatch.TextWidget({ markdown: `# operations`, width: 24, height: 1 }));
    const byFunction = (metric: (f: ObservedFunction) => cloudwatch.IMetric) => props.functions.map(metric);
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Lambda errors',
        width: 8,
        left: byFunction((f) => f.fn.metricErrors({ period: PERIOD, label: f.functionName })),
      }),
      new cloudwatch.GraphWidget({
        title: 'Lambda throttles',
        width: 8,
        left: byFunction((f) => f.fn.metricThrottles({ period: PERIOD, label: f.functionName })),
      }),
      new cloudwatch.GraphWidget({
        title: 'Lambda p99 duration (ms)',
        width: 8,
        left: byFunction((f) => f.fn.metricDuration({ period: PERIOD, statistic: cloudwatch.Stats.p(99), label: f.functionName })),
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Upload queue',
        width: 8,
        left: [
          props.uploadQueue.metricApproximateNumberOfMessagesVisible({ period: PERIOD, label: 'visible' }),
          props.uploadQueue.metricApproximateAgeOfOldestMessage({ period: PERIOD, label: 'oldest (s)' }),
        ],
      }),
      new cloudwatch.GraphWidget({
        title: 'Dead letters',
        width: 8,
        left: props.deadLetterQueues.map((q) =>
          q.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: cloudwatch.Stats.MAXIMUM, label: q.node.id }),
        ),
      }),
      new cloudwatch.GraphWidget({ title: 'Stream iterator age (ms)', width: 8, left: [streamIteratorAge(props.publisher)] }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'AppSync requests and errors',
        width: 8,
        left: [apiMetric(props.api, '4XXError', cloudwatch.Stats.SUM, '4XX'), apiMetric(props.api, '5XXError', cloudwatch.Stats.SUM, '5XX')],
      }),
      new cloudwatch.GraphWidget({
        title: 'AppSync latency (ms)',
        width: 8,
        left: [apiMetric(props.api, 'Latency', cloudwatch.Stats.p(99), 'p99')],
      }),
      new cloudwatch.GraphWidget({
        title: 'DynamoDB and WAF',
        width: 8,
        left: [
          props.table.metricThrottledRequestsForOperations({ period: PERIOD, label: 'DynamoDB throttled requests' }),
          new cloudwatch.Metric({
            namespace: 'AWS/WAFV2',
            metricName: 'BlockedRequests',
            dimensionsMap: { WebACL: props.webAclName, Region: config.region, Rule: 'ALL' },
            period: PERIOD,
            statistic: cloudwatch.Stats.SUM,
            label: 'WAF blocked requests',
          }),
        ],
      }),
    );
  }
}
