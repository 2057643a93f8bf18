/**
 * The Powertools Tracer, behind a module of its own so that powertools.ts can load it on demand with
 * require() while esbuild still bundles the Tracer's ES module build (a require() of the package itself
 * would pick its larger CommonJS build).
 */
import { Tracer } from '@aws-lambda-powertools/tracer';

export const createTracer = (serviceName: string): Tracer => new Tracer({ serviceName });
