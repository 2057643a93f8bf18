/**
 * The Powertools plumbing every handler shares, done by hand because middy is not a dependency:
 * Lambda context and cold start in the logs, a traced subsegment per invocation, EMF metrics flushed
 * once at the end even when the handler throws.
 */
import type { Context } from 'aws-lambda';
import type { Telemetry } from './telemetry';

export const instrumented =
  <E, R>(name: string, { logger, metrics, tracer }: Telemetry, handle: (event: E, context: Context) => Promise<R>) =>
  async (event: E, context: Context): Promise<R> => {
    logger.addContext(context);
    logger.logEventIfEnabled(event);
    metrics?.captureColdStartMetric();
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
      if (metrics?.hasStoredMetrics()) metrics.publishStoredMetrics();
      logger.resetKeys();
    }
  };

/**
 * The handler Lambda calls: built on the first invocation, then reused for the container's life. Lazy so that
 * importing a handler module does nothing (the local stack and the tests import it to call createHandler);
 * a build that throws (a missing variable) fails that invocation with the named error, and the next one retries.
 */
export const builtOnFirstCall = <E, R>(build: () => (event: E, context: Context) => Promise<R>) => {
  let built: ((event: E, context: Context) => Promise<R>) | undefined;
  return (event: E, context: Context): Promise<R> => (built ??= build())(event, context);
};
