/**
 * Alarms that are not per function (dead letters, stream lag, API 5XX, ProcessingFailures) and the
 * CloudWatch dashboard: business widgets on top, operations below.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as appsync from 'aws-cdk-lib/aws-appsync';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ANIMAL_PREFIX } from '../../functions/core/domain';
import type { Animal } from '../../functions/core/domain';
import { ANIMAL_DIMENSION, METRIC, METRIC_NAMESPACE } from '../../functions/core/settings';
import type { StageConfig } from '../config';
import type { ObservedFunction } from './observed-function';

const ANIMALS = Object.keys(ANIMAL_PREFIX) as Animal[];

export interface MonitoringProps {
  config: StageConfig;
  alarmTopic: sns.ITopic;
  functions: ObservedFunction[];
  processor: ObservedFunction;
  publisher: ObservedFunction;
  uploadQueue: sqs.IQueue;
  deadLetterQueues: sqs.IQueue[];
  table: dynamodb.ITable;
  api: appsync.GraphqlApi;
  webAclName: string;
}

export class Monitoring extends Construct {
  readonly dashboard: cloudwatch.Dashboard;
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const { config } = props;
    const period = Duration.minutes(5);
    const action = new cwActions.SnsAction(props.alarmTopic);
    const alarm = (alarmId: string, name: string, description: string, metric: cloudwatch.IMetric, threshold: number) => {
      const created = new cloudwatch.Alarm(this, alarmId, {
        alarmName: `${config.prefix}${name}`,
        alarmDescription: description,
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      created.addAlarmAction(action);
      created.addOkAction(action);
      this.alarms.push(created);
      return created;
    };

    for (const [index, dlq] of props.deadLetterQueues.entries()) {
      alarm(
        `DeadLetterAlarm${index + 1}`,
        `dead-letters-${index + 1}`,
        `A message reached a dead-letter queue (${dlq.node.id}): an upload or a stream batch gave up after its retries`,
        dlq.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: cloudwatch.Stats.MAXIMUM }),
        1,
      );
    }

    const iteratorAge = props.publisher.fn.metric('IteratorAge', { period: Duration.minutes(1), statistic: cloudwatch.Stats.MAXIMUM });
    alarm(
      'IteratorAgeAlarm',
      'stream-iterator-age',
      `The stream publisher is more than ${config.alarms.iteratorAgeMs / 1000} s behind DetectionLogs: live updates are late`,
      iteratorAge,
      config.alarms.iteratorAgeMs,
    );

    const apiMetric = (metricName: string, statistic: string, label?: string) =>
      new cloudwatch.Metric({
        namespace: 'AWS/AppSync',
        metricName,
        dimensionsMap: { GraphQLAPIId: props.api.apiId },
        period,
        statistic,
        ...(label ? { label } : {}),
      });
    const api5xx = apiMetric('5XXError', cloudwatch.Stats.SUM);
    alarm('ApiServerErrorsAlarm', 'api-5xx', `AppSync answered ${config.alarms.appSync5xx}+ requests with 5XX in 5 minutes`, api5xx, config.alarms.appSync5xx);

    const customMetric = (metricName: string, statistic: string, label?: string) =>
      new cloudwatch.Metric({
        namespace: METRIC_NAMESPACE,
        metricName,
        dimensionsMap: { service: props.processor.functionName },
        period,
        statistic,
        ...(label ? { label } : {}),
      });
    alarm(
      'ProcessingFailuresAlarm',
      'processing-failures',
      `${config.alarms.processingFailures}+ images ended FAILED in 5 minutes (ProcessingFailures)`,
      customMetric(METRIC.processingFailures, cloudwatch.Stats.SUM),
      config.alarms.processingFailures,
    );

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: `${config.prefix}dashboard`,
      defaultInterval: Duration.hours(24),
    });
    this.dashboard.addWidgets(
      new cloudwatch.TextWidget({ markdown: `# pet-detector ${config.stage}: business`, width: 24, height: 1 }),
    );
    const hourly = Duration.hours(1);
    // ImagesClassified carries an Animal dimension (functions/image-processor/metrics.ts); the total is their sum.
    const classifiedByAnimal = (metricPeriod: Duration) =>
      Object.fromEntries(
        ANIMALS.map((animal) => [
          animal.toLowerCase(),
          new cloudwatch.Metric({
            namespace: METRIC_NAMESPACE,
            metricName: METRIC.imagesClassified,
            dimensionsMap: { service: props.processor.functionName, [ANIMAL_DIMENSION]: animal },
            period: metricPeriod,
            statistic: cloudwatch.Stats.SUM,
            label: animal,
          }),
        ]),
      );
    const classifiedBy = classifiedByAnimal(hourly);
    const classifiedExpression = Object.keys(classifiedBy).join(' + ');
    const classifiedPerDay = new cloudwatch.MathExpression({
      expression: classifiedExpression,
      usingMetrics: classifiedByAnimal(Duration.days(1)),
      label: 'classified',
      period: Duration.days(1),
    });
    const uncertain = customMetric(METRIC.uncertainClassifications, cloudwatch.Stats.SUM).with({ period: hourly });
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
          customMetric(METRIC.classificationLatency, cloudwatch.Stats.p(50), 'p50'),
          customMetric(METRIC.classificationLatency, cloudwatch.Stats.p(99), 'p99'),
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
          uncertain.with({ period: Duration.days(1), label: 'uncertain' }),
          customMetric(METRIC.processingFailures, cloudwatch.Stats.SUM, 'failed').with({ period: Duration.days(1) }),
          customMetric(METRIC.duplicateEvents, cloudwatch.Stats.SUM, 'duplicate events').with({ period: Duration.days(1) }),
        ],
      }),
    );

    this.dashboard.addWidgets(
      new cloudwatch.TextWidget({ markdown: `# operations`, width: 24, height: 1 }),
    );
    const byFunction = (metric: (f: ObservedFunction) => cloudwatch.IMetric) => props.functions.map(metric);
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Lambda errors',
        width: 8,
        left: byFunction((f) => f.fn.metricErrors({ period, label: f.functionName })),
      }),
      new cloudwatch.GraphWidget({
        title: 'Lambda throttles',
        width: 8,
        left: byFunction((f) => f.fn.metricThrottles({ period, label: f.functionName })),
      }),
      new cloudwatch.GraphWidget({
        title: 'Lambda p99 duration (ms)',
        width: 8,
        left: byFunction((f) => f.fn.metricDuration({ period, statistic: cloudwatch.Stats.p(99), label: f.functionName })),
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Upload queue',
        width: 8,
        left: [
          props.uploadQueue.metricApproximateNumberOfMessagesVisible({ period, label: 'visible' }),
          props.uploadQueue.metricApproximateAgeOfOldestMessage({ period, label: 'oldest (s)' }),
        ],
      }),
      new cloudwatch.GraphWidget({
        title: 'Dead letters',
        width: 8,
        left: props.deadLetterQueues.map((q) =>
          q.metricApproximateNumberOfMessagesVisible({ period, statistic: cloudwatch.Stats.MAXIMUM, label: q.node.id }),
        ),
      }),
      new cloudwatch.GraphWidget({ title: 'Stream iterator age (ms)', width: 8, left: [iteratorAge] }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'AppSync requests and errors',
        width: 8,
        left: [
          apiMetric('4XXError', cloudwatch.Stats.SUM, '4XX'),
          apiMetric('5XXError', cloudwatch.Stats.SUM, '5XX'),
        ],
      }),
      new cloudwatch.GraphWidget({
        title: 'AppSync latency (ms)',
        width: 8,
        left: [apiMetric('Latency', cloudwatch.Stats.p(99), 'p99')],
      }),
      new cloudwatch.GraphWidget({
        title: 'DynamoDB and WAF',
        width: 8,
        left: [
          props.table.metricThrottledRequestsForOperations({ period, label: 'DynamoDB throttled requests' }),
          new cloudwatch.Metric({
            namespace: 'AWS/WAFV2',
            metricName: 'BlockedRequests',
            dimensionsMap: { WebACL: props.webAclName, Region: config.region, Rule: 'ALL' },
            period,
            statistic: cloudwatch.Stats.SUM,
            label: 'WAF blocked requests',
          }),
        ],
      }),
    );
  }
}
