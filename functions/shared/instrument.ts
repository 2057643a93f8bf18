/**
 * The Powertools plumbing every handler shares, done by hand because middy is not a dependency:
 * Lambda context and cold start in the logs, a traced subsegment per invocation, EMF metrics flushed
 * once at the end even when the handler throws.
 */
import type { Context } from 'aws-lambda';
import { logger, metrics, tracer } from './powertools';

export const instrumented =
  <E, R>(name: string, handle: (event: E, context: Context) => Promise<R>) =>
  async (event: E, context: Context): Promise<R> => {
    logger.addContext(context);
    logger.logEventIfEnabled(event);
    metrics.captureColdStartMetric();
    const segment = tracer?.getSegment();
    const subsegment = segment?.addNewSubsegment(`## ${name}`);
    if (subsegment) tracer?.setSegment(subsegment);
    tracer?.annotateColdStart();
    tracer?.addServiceNameAnnotation();
    try {
      const result = await handle(event, context);
      tracer?.addResponseAsMetadata(result, name);
      return result;
    } catch (error) {
      tracer?.addErrorAsMetadata(error as Error);
      throw error;
    } finally {
      subsegment?.close();
      if (segment) tracer?.setSegment(segment);
      // An invocation with nothing to count (an ignored stream record, a query) is not an empty-metrics warning.
      if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
      logger.resetKeys();
    }
  };
