/**
 * The alarms that are not per function (ObservedFunction has those): dead letters, stream lag, API 5XX,
 * ProcessingFailures and images the sweeper found stuck PROCESSING. Each one, and its recovery, goes to the
 * operations topic.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as appsync from 'aws-cdk-lib/aws-appsync';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { METRIC, REASON_DIMENSION, SWEEPER } from '../../functions/core/settings';
import { SWEEP_REASON } from '../../functions/core/use-cases/sweep-stale-records';
import type { StageConfig } from '../config';
import type { ObservedFunction } from './observed-function';
import { apiMetric, productMetric, streamIteratorAge } from './product-metrics';

export interface ProductAlarmsProps {
  config: StageConfig;
  alarmTopic: sns.ITopic;
  processor: ObservedFunction;
  publisher: ObservedFunction;
  sweeper: ObservedFunction;
  deadLetterQueues: sqs.IQueue[];
  api: appsync.GraphqlApi;
}

export class ProductAlarms extends Construct {
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: ProductAlarmsProps) {
    super(scope, id);
    const { config } = props;
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
    };

    for (const [index, dlq] of props.deadLetterQueues.entries()) {
      alarm(
        `DeadLetterAlarm${index + 1}`,
        `dead-letters-${index + 1}`,
        `A message reached a dead-letter queue (${dlq.node.scope?.node.id ?? ''}/${dlq.node.id}): an upload, a stream batch or a sweep gave up after its retries`,
        dlq.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: cloudwatch.Stats.MAXIMUM }),
        1,
      );
    }
    alarm(
      'IteratorAgeAlarm',
      'stream-iterator-age',
      `The stream publisher is more than ${config.alarms.iteratorAgeMs / 1000} s behind DetectionLogs: live updates are late`,
      streamIteratorAge(props.publisher),
      config.alarms.iteratorAgeMs,
    );
    alarm(
      'ApiServerErrorsAlarm',
      'api-5xx',
      `AppSync answered ${config.alarms.appSync5xx}+ requests with 5XX in 5 minutes`,
      apiMetric(props.api, '5XXError', cloudwatch.Stats.SUM),
      config.alarms.appSync5xx,
    );
    alarm(
      'ProcessingFailuresAlarm',
      'processing-failures',
      `${config.alarms.processingFailures}+ images ended FAILED in 5 minutes (ProcessingFailures)`,
      productMetric(props.processor, METRIC.processingFailures, cloudwatch.Stats.SUM),
      config.alarms.processingFailures,
    );
    // UploadNeverArrived is a client that gave up, not a fault; ProcessingTimedOut is a delivery that died
    // without recording why (a timeout, a crash), which no other alarm sees as a failed image.
    alarm(
      'ProcessingTimeoutsAlarm',
      'processing-timeouts',
      `${config.alarms.processingFailures}+ images were found stuck PROCESSING and settled as FAILED by the record sweeper`,
      productMetric(props.sweeper, METRIC.staleRecordsSettled, cloudwatch.Stats.SUM, {
        dimensions: { [REASON_DIMENSION]: SWEEP_REASON.processingTimedOut },
        // One data point per run: a shorter period would be empty between runs.
        period: Duration.minutes(SWEEPER.intervalMinutes),
      }),
      config.alarms.processingFailures,
    );
  }
}
