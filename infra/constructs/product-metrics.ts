/** The metrics the alarms and the dashboard both read, built one way so the two cannot disagree. */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as appsync from 'aws-cdk-lib/aws-appsync';
import { METRIC_NAMESPACE } from '../../functions/core/settings';
import type { ObservedFunction } from './observed-function';

export const PERIOD = Duration.minutes(5);

/** An AWS/AppSync metric of the API. */
export const apiMetric = (api: appsync.GraphqlApi, metricName: string, statistic: string, label?: string): cloudwatch.Metric =>
  new cloudwatch.Metric({
    namespace: 'AWS/AppSync',
    metricName,
    dimensionsMap: { GraphQLAPIId: api.apiId },
    period: PERIOD,
    statistic,
    ...(label ? { label } : {}),
  });

/** A custom metric one function emits (EMF, functions/core/settings.ts names them); Powertools adds the service dimension. */
export const productMetric = (
  emitter: ObservedFunction,
  metricName: string,
  statistic: string,
  options: { label?: string; dimensions?: Record<string, string>; period?: Duration } = {},
): cloudwatch.Metric =>
  new cloudwatch.Metric({
    namespace: METRIC_NAMESPACE,
    metricName,
    dimensionsMap: { service: emitter.functionName, ...options.dimensions },
    period: options.period ?? PERIOD,
    statistic,
    ...(options.label ? { label: options.label } : {}),
  });

/** How far the stream publisher is behind DetectionLogs. */
export const streamIteratorAge = (publisher: ObservedFunction): cloudwatch.Metric =>
  publisher.fn.metric('IteratorAge', { period: Duration.minutes(1), statistic: cloudwatch.Stats.MAXIMUM });
