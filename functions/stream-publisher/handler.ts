/**
 * stream-publisher: DetectionLogs stream batches (NEW_AND_OLD_IMAGES). The batch's transitions into COMPLETED
 * or FAILED are first counted for imageStats, all at once and exactly once (a failure there retries the whole
 * batch, and the retry counts nothing twice); then each is published to subscribers (and to SNS when
 * uncertain), and only records that failed to publish are retried.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { decodeStreamRecord } from '../adapters/dynamodb-stream-records';
import { METRIC } from '../core/settings';
import { countFinalStatuses } from '../core/use-cases/image-stats';
import { publishClassified } from '../core/use-cases/publish-classified';
import { builtOnFirstCall, instrumented } from '../runtime/instrument';
import { fromEnvironment, type StreamPublisherHandlerDeps } from '../runtime/wiring/stream-publisher';

export const createHandler = ({ countStatuses, publishClassified: deps, telemetry }: StreamPublisherHandlerDeps) => {
  const { logger, metrics } = telemetry;
  const processor = new BatchProcessor(EventType.DynamoDBStreams);

  const publishRecord = async (record: DynamoDBRecord): Promise<void> => {
    const change = decodeStreamRecord(record);
    // Per line, not appended: the batch processor handles a batch's records concurrently.
    const ids = { correlation_id: change.newRecord?.id ?? change.oldRecord?.id, sequenceNumber: record.dynamodb?.SequenceNumber };
    try {
      const outcome = await publishClassified(deps, change);
      if (outcome.kind === 'ignored') return;
      metrics?.addMetric(METRIC.imagesPublished, MetricUnit.Count, 1);
      logger.info('Classification published', { ...ids, status: outcome.record.status, alerted: outcome.alerted });
    } catch (error) {
      logger.warn('Publishing failed; the record will be retried', { ...ids, error: error as Error });
      throw error;
    }
  };

  return instrumented('streamPublisher', telemetry, async (event: DynamoDBStreamEvent, context) => {
    // Counted before anything is published: a subscriber that re-reads imageStats on an event sees it counted.
    const counted = await countFinalStatuses(countStatuses, event.Records.map(decodeStreamRecord));
    if (counted > 0) logger.debug('Final statuses counted', { counted });
    // A batch whose every item failed is reported the same way as a partial failure, not thrown: the
    // event source retries exactly the listed items either way, and the answer keeps one shape.
    return processPartialResponse(event, publishRecord, processor, { context, throwOnFullBatchFailure: false });
  });
};

export const handler = builtOnFirstCall(() => createHandler(fromEnvironment(process.env)));
