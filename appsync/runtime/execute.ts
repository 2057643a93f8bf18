/**
 * executeResolver: one field resolved the way AppSync does it, from a manifest ResolverSpec.
 *
 * Unit:     request -> data source -> response.
 * Pipeline: resolver request -> each function (request -> data source -> response) -> resolver response,
 *           with ctx.prev.result threaded through and one stash shared by every step.
 * runtime.earlyReturn skips the data source and that handler's response (in a pipeline resolver's
 * request, or with skipTo END, straight to the resolver's response). util.error stops everything.
 * A data-source failure is not an error by itself: it reaches the response handler as ctx.error,
 * which decides (AppSync's rule).
 */
import type { ResolverSpec } from '../resolver-manifest';
import type { DataSourceError, ResolverContextInput } from './context';
import type { ResolverErrorShape } from './errors';
import { evaluateResolver, type EvaluateResolverOptions, type EvaluationResult } from './evaluate';
import type { FilterJson } from './subscription-filter';

export interface DataSourceCall {
  dataSource: string;
  dataSourceKind: string;
  /** What the request handler returned (e.g. { operation: 'GetItem', key }). */
  request: unknown;
  info: { fieldName: string; parentTypeName: string };
}

export interface DataSourceOutcome {
  result?: unknown;
  error?: DataSourceError;
}

export type DataSourceInvoker = (call: DataSourceCall) => Promise<DataSourceOutcome> | DataSourceOutcome;

/** The NONE data source: the request's payload comes back as the result. */
export const invokeNoneDataSource = (request: unknown): DataSourceOutcome => ({
  result: (request as { payload?: unknown } | null)?.payload ?? null,
});

export interface ExecuteResolverOptions
  extends Pick<EvaluateResolverOptions, 'now' | 'authType' | 'timeoutMs' | 'logger'> {
  spec: Pick<ResolverSpec, 'kind' | 'bundlePath' | 'dataSource' | 'dataSourceKind' | 'functions'>;
  /** Without result/error/prev/stash: those are produced along the way. */
  context: ResolverContextInput;
  invokeDataSource: DataSourceInvoker;
}

export interface ExecutionOutcome {
  /** The field's value; null when an error was raised. */
  data: unknown;
  /** Appended errors plus the raised one, in the order they happened. */
  errors: ResolverErrorShape[];
  subscriptionFilter?: FilterJson;
  subscriptionInvalidationFilter?: FilterJson;
  invalidations: EvaluationResult['invalidations'];
  stash: Record<string, unknown>;
  logs: string[];
}

class Run {
  readonly errors: ResolverErrorShape[] = [];
  readonly logs: string[] = [];
  readonly invalidations: EvaluationResult['invalidations'] = [];
  subscriptionFilter?: FilterJson;
  subscriptionInvalidationFilter?: FilterJson;
  stash: Record<string, unknown>;

  constructor(private readonly options: ExecuteResolverOptions) {
    this.stash = options.context.stash ?? {};
  }

  evaluate(bundlePath: string, handler: 'request' | 'response', extra: Partial<ResolverContextInput>): EvaluationResult {
    const { now, authType, timeoutMs, logger } = this.options;
    const evaluation = evaluateResolver({
      bundlePath,
      handler,
      context: { ...this.options.context, ...extra, stash: this.stash },
      ...(now ? { now } : {}),
      ...(authType ? { authType } : {}),
      ...(timeoutMs ? { timeoutMs } : {}),
      ...(logger ? { logger } : {}),
    });
    this.stash = evaluation.stash;
    this.errors.push(...evaluation.errors);
    if (evaluation.error) this.errors.push(evaluation.error);
    this.logs.push(...evaluation.logs);
    this.invalidations.push(...evaluation.invalidations);
    if (evaluation.subscriptionFilter) this.subscriptionFilter = evaluation.subscriptionFilter;
    if (evaluation.subscriptionInvalidationFilter)
      this.subscriptionInvalidationFilter = evaluation.subscriptionInvalidationFilter;
    return evaluation;
  }

  /** request -> data source -> response for one unit resolver or pipeline function. */
  async step(
    bundlePath: string,
    dataSource: string,
    dataSourceKind: string,
    prev: unknown,
  ): Promise<{ value: unknown; failed: boolean; skipToEnd: boolean }> {
    const request = this.evaluate(bundlePath, 'request', { prev: { result: prev } });
    if (request.error) return { value: null, failed: true, skipToEnd: false };
    if (request.earlyReturn) return { value: request.result, failed: false, skipToEnd: request.earlyReturn.skipTo === 'END' };
    const { context, invokeDataSource } = this.options;
    const outcome = await invokeDataSource({ dataSource, dataSourceKind, request: request.result, info: context.info });
    const response = this.evaluate(bundlePath, 'response', {
      prev: { result: prev },
      result: outcome.result ?? null,
      error: outcome.error ?? null,
    });
    if (response.error) return { value: null, failed: true, skipToEnd: false };
    return { value: response.result, failed: false, skipToEnd: response.earlyReturn?.skipTo === 'END' };
  }

  outcome(data: unknown): ExecutionOutcome {
    const out: ExecutionOutcome = {
      data: data ?? null,
      errors: this.errors,
      invalidations: this.invalidations,
      stash: this.stash,
      logs: this.logs,
    };
    if (this.subscriptionFilter) out.subscriptionFilter = this.subscriptionFilter;
    if (this.subscriptionInvalidationFilter) out.subscriptionInvalidationFilter = this.subscriptionInvalidationFilter;
    return out;
  }
}

export const executeResolver = async (options: ExecuteResolverOptions): Promise<ExecutionOutcome> => {
  const { spec } = options;
  const run = new Run(options);
  if (spec.kind === 'UNIT') {
    if (!spec.dataSource || !spec.dataSourceKind) throw new TypeError('A unit resolver needs a data source');
    const step = await run.step(spec.bundlePath, spec.dataSource, spec.dataSourceKind, null);
    return run.outcome(step.failed ? null : step.value);
  }

  const before = run.evaluate(spec.bundlePath, 'request', {});
  if (before.error) return run.outcome(null);
  let prev = before.result;
  if (!before.earlyReturn) {
    for (const fn of spec.functions) {
      const step = await run.step(fn.bundlePath, fn.dataSource, fn.dataSourceKind, prev);
      if (step.failed) return run.outcome(null);
      prev = step.value;
      if (step.skipToEnd) break;
    }
  }
  const after = run.evaluate(spec.bundlePath, 'response', { prev: { result: prev }, result: prev });
  return run.outcome(after.error ? null : after.result);
};
