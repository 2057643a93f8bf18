/** What image-processor tells CloudWatch (EMF) and the log about each processed object. */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { ProcessOutcome } from '../core/use-cases/process-upload';
import { logger, METRIC, metrics } from '../shared/powertools';

export const recordOutcome = (outcome: ProcessOutcome, eventTime?: string): void => {
  if (outcome.kind === 'ignored') {
    logger.warn('Object ignored', { objectKey: outcome.key, reason: outcome.reason });
    return;
  }
  logger.setCorrelationId(outcome.imageId);
  switch (outcome.kind) {
    case 'completed': {
      const { animal, confidence, uncertain } = outcome.classification;
      metrics.singleMetric().addDimension('Animal', animal).addMetric(METRIC.imagesClassified, MetricUnit.Count, 1);
      metrics.addMetric(METRIC.classificationLatency, MetricUnit.Milliseconds, outcome.classifierMs);
      if (uncertain) metrics.addMetric(METRIC.uncertainClassifications, MetricUnit.Count, 1);
      const sinceUpload = eventTime ? Date.now() - Date.parse(eventTime) : undefined;
      logger.info('Image classified', { animal, confidence, uncertain, objectKey: outcome.objectKey, sinceUploadMs: sinceUpload });
      return;
    }
    case 'failed':
      metrics.addMetric(METRIC.processingFailures, MetricUnit.Count, 1);
      logger.warn('Image failed', { reason: outcome.reason });
      return;
    case 'duplicate':
      metrics.addMetric(METRIC.duplicateEvents, MetricUnit.Count, 1);
      logger.info('Duplicate event: the image was already processed');
      return;
  }
};
