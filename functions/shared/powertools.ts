/**
 * Powertools singletons, created once per container. Service name and namespace come from the
 * standard POWERTOOLS_* variables, so each function's logs and metrics carry its own service.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Tracer } from '@aws-lambda-powertools/tracer';
import type { Instrument } from '../adapters/clients/instrument';
import { DEFAULT_SERVICE_NAME, ENV, METRIC_NAMESPACE } from '../core/settings';

const serviceName = process.env[ENV.serviceName] ?? DEFAULT_SERVICE_NAME;

export const logger = new Logger({ serviceName });
export const metrics = new Metrics({
  serviceName,
  namespace: process.env[ENV.metricsNamespace] ?? METRIC_NAMESPACE,
});

/**
 * The Tracer, only where tracing is on (always in AWS). Loading it loads aws-xray-sdk-core, whose
 * cls-hooked context installs an async_hooks hook that taxes every promise in the process even when
 * tracing is disabled; the local stack runs these handlers in its own process with tracing off, and
 * measured ~5% of its CPU per image in that hook.
 */
const tracingEnabled = process.env.POWERTOOLS_TRACE_ENABLED?.trim().toLowerCase() !== 'false';
export const tracer: Tracer | undefined = tracingEnabled
  ? // eslint-disable-next-line @typescript-eslint/no-require-imports -- a conditional load is the point (see above); esbuild bundles it as usual.
    (require('./tracing') as typeof import('./tracing')).createTracer(serviceName)
  : undefined;

/** Wraps an SDK client so that its calls become X-Ray subsegments (when tracing is on). */
export const traceClient: Instrument = (client) => (tracer ? tracer.captureAWSv3Client(client) : client);

