/** What image-processor tells CloudWatch (EMF) and the log about each processed object. */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { ProcessOutcome } from '../core/use-cases/process-upload';
import { ANIMAL_DIMENSION, METRIC } from '../core/settings';
import type { Telemetry } from '../runtime/telemetry';

/**
 * Keys for one message's log lines. Passed per line rather than appended to the logger because the
 * batch processor handles a batch's messages concurrently, and appended keys would leak between them.
 */
export interface MessageKeys {
  messageId: string;
  objectKey: string;
}

export const recordOutcome = ({ logger, metrics }: Telemetry, outcome: ProcessOutcome, keys: MessageKeys, eventTime?: string): void => {
  if (outcome.kind === 'ignored') {
    logger.warn('Object ignored', { ...keys, reason: outcome.reason });
    return;
  }
  // The image id is the correlation id across requestUpload, image-processor and stream-publisher.
  const ids = { ...keys, correlation_id: outcome.imageId };
  switch (outcome.kind) {
    case 'completed': {
      const { animal, confidence, uncertain } = outcome.classification;
      metrics?.singleMetric().addDimension(ANIMAL_DIMENSION, animal).addMetric(METRIC.imagesClassified, MetricUnit.Count, 1);
      metrics?.addMetric(METRIC.classificationLatency, MetricUnit.Milliseconds, outcome.classifierMs);
      if (uncertain) metrics?.addMetric(METRIC.uncertainClassifications, MetricUnit.Count, 1);
      const sinceUploadMs = eventTime ? Date.now() - Date.parse(eventTime) : undefined;
      logger.info('Image classified', { ...ids, animal, confidence, uncertain, filedAs: outcome.objectKey, sinceUploadMs });
      return;
    }
    case 'failed':
      metrics?.addMetric(METRIC.processingFailures, MetricUnit.Count, 1);
      logger.warn('Image failed', { ...ids, reason: outcome.reason });
      return;
    case 'duplicate':
      metrics?.addMetric(METRIC.duplicateEvents, MetricUnit.Count, 1);
      if (outcome.strayCopy) {
        logger.warn('A concurrent delivery filed this image elsewhere; this delivery left a stray copy to delete by hand', {
          ...ids,
          strayCopy: outcome.strayCopy,
        });
        return;
      }
      if (outcome.superseded) {
        logger.info('The upload was replaced while it was classified: the newer upload\'s own event files it', ids);
        return;
      }
      logger.info('Duplicate event: the image was already processed', ids);
      return;
  }
};
