/**
 * record-sweeper: invoked by EventBridge Scheduler (and by the local stack's timer) every SWEEPER.intervalMinutes.
 * Settles the records that will never settle by themselves as FAILED; the stream publisher then publishes and
 * counts them like any final status. The event carries nothing the sweep needs: any invocation sweeps.
 * A run that throws (DynamoDB or S3 unavailable, or S3 refusing a HeadObject) fails the invocation, so the
 * scheduler retries it and the Errors alarm sees it; whatever the run settled before stays settled.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { METRIC, REASON_DIMENSION } from '../core/settings';
import { SWEEP_REASON, sweepStaleRecords } from '../core/use-cases/sweep-stale-records';
import { builtOnFirstCall, instrumented } from '../runtime/instrument';
import { fromEnvironment, type RecordSweeperHandlerDeps } from '../runtime/wiring/record-sweeper';

/** What one run did, as counts: the ids are in the log, one line each. */
export interface SweepSummary {
  timedOut: number;
  neverArrived: number;
  skipped: number;
}

export const createHandler = ({ sweep, settings, telemetry }: RecordSweeperHandlerDeps) => {
  const { logger, metrics } = telemetry;
  return instrumented('recordSweeper', telemetry, async (): Promise<SweepSummary> => {
    const report = await sweepStaleRecords(sweep, settings);
    const settled = [
      ...report.timedOut.map((id) => ({ id, reason: SWEEP_REASON.processingTimedOut })),
      ...report.neverArrived.map((id) => ({ id, reason: SWEEP_REASON.uploadNeverArrived })),
    ];
    // The image id is the correlation id across every function's logs.
    for (const { id, reason } of settled) logger.info('Stale record settled as FAILED', { correlation_id: id, reason });
    for (const [reason, count] of [
      [SWEEP_REASON.processingTimedOut, report.timedOut.length],
      [SWEEP_REASON.uploadNeverArrived, report.neverArrived.length],
    ] as const) {
      // Zeros too: a flat line says the sweeper ran and found nothing, where a gap would say nothing.
      metrics?.singleMetric().addDimension(REASON_DIMENSION, reason).addMetric(METRIC.staleRecordsSettled, MetricUnit.Count, count);
    }
    const summary: SweepSummary = { timedOut: report.timedOut.length, neverArrived: report.neverArrived.length, skipped: report.skipped };
    logger.info('Sweep finished', { ...summary });
    return summary;
  });
};

export const handler = builtOnFirstCall(() => createHandler(fromEnvironment(process.env)));
