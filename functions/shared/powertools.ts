/**
 * Powertools singletons, created once per container. Service name and namespace come from the
 * standard POWERTOOLS_* variables, so each function's logs and metrics carry its own service.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';

const serviceName = process.env.POWERTOOLS_SERVICE_NAME ?? 'pet-detector';

export const logger = new Logger({ serviceName });
export const metrics = new Metrics({
  serviceName,
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'pet-detector',
});
export const tracer = new Tracer({ serviceName });

/** The custom metrics the dashboard and alarms are built on (infra reads these names). */
export const METRIC = {
  imagesClassified: 'ImagesClassified',
  uncertainClassifications: 'UncertainClassifications',
  processingFailures: 'ProcessingFailures',
  classificationLatency: 'ClassificationLatency',
  duplicateEvents: 'DuplicateEvents',
  imagesPublished: 'ImagesPublished',
} as const;
