/**
 * The contract between the APPSYNC_JS resolvers and their Lambda data sources.
 * The resolver forwards the field, its arguments and the caller's identity; the Lambda answers with data or a named error,
 * which the resolver raises with util.error(message, type) so clients see a clean `errorType`
 * (never a stack, never JSON.stringify(error)).
 */
import type { ErrorCode } from './errors';

export interface ResolverEvent<Args = Record<string, unknown>> {
  fieldName: string;
  parentTypeName: string;
  arguments: Args;
  /**
   * AppSync's verified ctx.identity (null for an API key), as a direct Lambda resolver receives it. The
   * function maps it to a scope with functions/core/caller-scope.ts; only AppSync can invoke it.
   */
  identity: unknown;
}

export type ResolverResult<Data> = { data: Data } | { error: { type: ErrorCode | 'InternalError'; message: string } };
