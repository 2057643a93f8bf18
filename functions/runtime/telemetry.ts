/**
 * A function's Powertools logger, metrics and tracer, built by whoever builds the handler: from the
 * POWERTOOLS_* variables in Lambda (telemetryFromEnvironment), from options on the local stack and in tests.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Tracer } from '@aws-lambda-powertools/tracer';
import type { Instrument } from '../adapters/clients/instrument';
import { DEFAULT_SERVICE_NAME, ENV, METRIC_NAMESPACE } from '../core/settings';

type Env = Record<string, string | undefined>;

export interface Telemetry {
  logger: Logger;
  /** Absent where there is no CloudWatch to read EMF (the local stack): nothing is recorded. */
  metrics?: Metrics;
  /** Absent where tracing is off. */
  tracer?: Tracer;
}

export interface TelemetryOptions {
  serviceName?: string;
  namespace?: string;
  /** DEBUG, INFO, WARN, ERROR, SILENT... Default: Powertools' own (POWERTOOLS_LOG_LEVEL, else INFO). */
  logLevel?: string;
  metrics?: boolean;
  tracing?: boolean;
}

export const createTelemetry = (options: TelemetryOptions = {}): Telemetry => {
  const serviceName = options.serviceName ?? DEFAULT_SERVICE_NAME;
  const logger = new Logger({ serviceName, ...(options.logLevel ? { logLevel: options.logLevel as never } : {}) });
  const metrics = options.metrics === false ? undefined : new Metrics({ serviceName, namespace: options.namespace ?? METRIC_NAMESPACE });
  /*
   * The Tracer only where tracing is on (always in AWS). Loading it loads aws-xray-sdk-core, whose
   * cls-hooked context installs an async_hooks hook that taxes every promise in the process even when
   * tracing is disabled; the local stack runs these handlers in its own process with tracing off, and
   * measured ~5% of its CPU per image in that hook.
   */
  const tracer =
    options.tracing === false
      ? undefined
      : // eslint-disable-next-line @typescript-eslint/no-require-imports -- a conditional load is the point (see above); esbuild bundles it as usual.
        (require('./tracing') as typeof import('./tracing')).createTracer(serviceName);
  return { logger, ...(metrics ? { metrics } : {}), ...(tracer ? { tracer } : {}) };
};

const isFalse = (value: string | undefined) => value?.trim().toLowerCase() === 'false';
const isTrue = (value: string | undefined) => ['true', '1'].includes(value?.trim().toLowerCase() ?? '');

/** The telemetry a deployed function configures with the standard POWERTOOLS_* variables. */
export const telemetryFromEnvironment = (env: Env): Telemetry =>
  createTelemetry({
    serviceName: env[ENV.serviceName],
    namespace: env[ENV.metricsNamespace],
    logLevel: env[ENV.logLevel],
    metrics: !isTrue(env[ENV.metricsDisabled]),
    tracing: !isFalse(env[ENV.traceEnabled]),
  });

/** Wraps an SDK client so that its calls become X-Ray subsegments (when tracing is on). */
export const traceClients =
  ({ tracer }: Telemetry): Instrument =>
  (client) =>
    tracer ? tracer.captureAWSv3Client(client) : client;
