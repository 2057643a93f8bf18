/**
 * Runs one field's resolver the way AppSync does: unit (request -> data source -> response) or pipeline
 * (before -> each function's request/data source/response -> after), with one stash for the whole field,
 * runtime.earlyReturn honoured, and the handlers evaluated by the shared APPSYNC_JS runtime.
 */
import type { ResolverSpec } from '../../appsync/resolver-manifest';
import type { ResolverContextInput, ResolverInfo } from '../../appsync/runtime/context';
import type { ResolverErrorShape } from '../../appsync/runtime/errors';
import { evaluateResolver, type EvaluationResult, type ResolverLogger } from '../../appsync/runtime/evaluate';
import type { FilterJson } from '../../appsync/runtime/subscription-filter';
import type { DataSource, DataSourceOutcome } from './data-sources';

export interface FieldInvocation {
  arguments: Record<string, unknown>;
  source: unknown;
  identity: unknown;
  request: { headers: Record<string, string>; domainName: string | null };
  info: Required<ResolverInfo>;
  /** AppSync's wording for util.authType(). */
  authType: string;
}

export type FieldOutcome =
  | { ok: true; value: unknown; appendedErrors: ResolverErrorShape[]; subscriptionFilter?: FilterJson }
  | { ok: false; error: ResolverErrorShape; appendedErrors: ResolverErrorShape[] };

export interface ResolverRunnerOptions {
  dataSources: ReadonlyMap<string, DataSource>;
  /** Per-handler evaluation limit (the runtime's default when unset). */
  timeoutMs?: number;
  logger?: ResolverLogger;
}

interface Step {
  bundlePath: string;
  handler: 'request' | 'response';
  extra?: Pick<ResolverContextInput, 'prev' | 'result' | 'error'>;
}

export class ResolverRunner {
  constructor(private readonly options: ResolverRunnerOptions) {}

  async run(spec: ResolverSpec, invocation: FieldInvocation): Promise<FieldOutcome> {
    const appended: ResolverErrorShape[] = [];
    let stash: Record<string, unknown> = {};
    let subscriptionFilter: FilterJson | undefined;

    const evaluate = (step: Step): EvaluationResult => {
      const result = evaluateResolver({
        bundlePath: step.bundlePath,
        handler: step.handler,
        authType: invocation.authType,
        ...(this.options.timeoutMs !== undefined ? { timeoutMs: this.options.timeoutMs } : {}),
        ...(this.options.logger ? { logger: this.options.logger } : {}),
        context: {
          arguments: invocation.arguments,
          source: invocation.source,
          identity: invocation.identity,
          request: invocation.request,
          info: invocation.info,
          stash,
          ...step.extra,
        },
      });
      stash = result.stash;
      appended.push(...result.errors);
      if (result.subscriptionFilter) subscriptionFilter = result.subscriptionFilter;
      return result;
    };
    const done = (value: unknown): FieldOutcome =>
      subscriptionFilter
        ? { ok: true, value, appendedErrors: appended, subscriptionFilter }
        : { ok: true, value, appendedErrors: appended };
    const failed = (error: ResolverErrorShape): FieldOutcome => ({ ok: false, error, appendedErrors: appended });

    /** request -> data source -> response for one bundle; `prev` only for pipeline functions. */
    const unit = async (bundlePath: string, dataSourceName: string, prev?: unknown) => {
      const extra = prev === undefined ? {} : { prev: { result: prev } };
      const request = evaluate({ bundlePath, handler: 'request', extra });
      if (request.error) return { error: request.error };
      if (request.earlyReturn) return { value: request.earlyReturn.value, skipTo: request.earlyReturn.skipTo };
      const outcome = await this.invoke(dataSourceName, request.result);
      const response = evaluate({
        bundlePath,
        handler: 'response',
        extra: { ...extra, result: outcome.result, error: outcome.error ?? null },
      });
      if (response.error) return { error: response.error };
      return { value: response.result, skipTo: response.earlyReturn?.skipTo };
    };

    if (spec.kind === 'UNIT') {
      const out = await unit(spec.bundlePath, spec.dataSource!);
      return out.error ? failed(out.error) : done(out.value);
    }

    const before = evaluate({ bundlePath: spec.bundlePath, handler: 'request' });
    if (before.error) return failed(before.error);
    if (before.earlyReturn) return done(before.earlyReturn.value);
    let prev: unknown = before.result;
    for (const fn of spec.functions) {
      const out = await unit(fn.bundlePath, fn.dataSource, prev);
      if (out.error) return failed(out.error);
      prev = out.value;
      if (out.skipTo === 'END') break;
    }
    const after = evaluate({ bundlePath: spec.bundlePath, handler: 'response', extra: { prev: { result: prev } } });
    if (after.error) return failed(after.error);
    return done(after.earlyReturn ? after.earlyReturn.value : after.result);
  }

  private async invoke(name: string, request: unknown): Promise<DataSourceOutcome> {
    const dataSource = this.options.dataSources.get(name);
    if (!dataSource) {
      return { result: null, error: { type: 'DataSourceNotFound', message: `No local data source named ${name}` } };
    }
    return dataSource.invoke(request);
  }
}
