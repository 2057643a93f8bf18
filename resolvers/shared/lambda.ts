/**
 * The resolver side of the Lambda data-source contract (functions/core/resolver-contract.ts):
 * forward the field, its arguments and the caller's identity, then turn { error } into a GraphQL error with its errorType.
 */
import { util, type Context, type LambdaRequest } from '@aws-appsync/utils';
import type { ResolverEvent, ResolverResult } from '../../functions/core/resolver-contract';

type ResolverFailure = Extract<ResolverResult<never>, { error: unknown }>;
type ResolverSuccess<T> = Extract<ResolverResult<T>, { data: unknown }>;

export function invokeWithArguments(ctx: Context): LambdaRequest {
  const payload: ResolverEvent = {
    fieldName: ctx.info.fieldName,
    parentTypeName: ctx.info.parentTypeName,
    arguments: ctx.arguments,
    identity: ctx.identity ?? null,
  };
  return { operation: 'Invoke', payload };
}

export function lambdaData<T>(ctx: Context): T {
  if (ctx.error) {
    // The function failed outright (it never throws for a client error): its message may describe
    // internals, so it goes to the log and the client gets a plain InternalError.
    console.error(`Lambda data source failed for ${ctx.info.parentTypeName}.${ctx.info.fieldName}`, ctx.error);
    util.error('The request could not be completed', 'InternalError');
  }
  const outcome = ctx.result as Partial<ResolverFailure & ResolverSuccess<T>> | null;
  if (!outcome) {
    util.error('The request could not be completed', 'InternalError');
  }
  if (outcome.error) {
    util.error(outcome.error.message, outcome.error.type);
  }
  return outcome.data as T;
}
