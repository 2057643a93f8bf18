/**
 * A local implementation of AppSync's APPSYNC_JS runtime, shared by the resolver unit tests and the
 * local AppSync server. @aws-appsync/utils ships types only, so bundled resolvers run against this.
 *
 * Evaluate one handler of a bundle (dist/resolvers/*.js, built by appsync/build-resolvers.ts):
 *   const out = evaluateResolver({ bundlePath, handler: 'request', context: { info, arguments, identity } });
 *   out.result            the data-source request (or, from 'response', the field's value); null on error
 *   out.error             { message, errorType, data, errorInfo } from util.error / util.unauthorized,
 *                         or errorType 'Code' when the resolver's own code failed
 *   out.errors            util.appendError entries
 *   out.earlyReturn       { value, skipTo? } when runtime.earlyReturn was called
 *   out.stash             ctx.stash afterwards (pass it on to the next handler)
 *   out.subscriptionFilter  the filter JSON given to extensions.setSubscriptionFilter (subscription response)
 *   For a response handler pass context.result and, if the data source failed, context.error { message, type }.
 *
 * Resolve a whole field (unit or pipeline) from a manifest ResolverSpec:
 *   const { data, errors, subscriptionFilter } = await executeResolver({ spec, context, invokeDataSource });
 *   invokeDataSource({ dataSource, dataSourceKind, request, info }) -> { result } | { error: { message, type } };
 *   invokeNoneDataSource(request) implements NONE; toAttributeValueMap turns util.dynamodb typed values
 *   ({ N: 1 }, { NULL: null }) into SDK AttributeValues for a DynamoDB data source.
 *
 * Deliver a published payload to a subscriber:
 *   matchesSubscriptionFilter(subscriptionFilter, payload)  // groups OR'ed, filters in a group AND'ed
 */
export { evaluateResolver, clearResolverCache, API_KEY_AUTH_TYPE, IAM_AUTH_TYPE, DEFAULT_TIMEOUT_MS } from './evaluate';
export type { EvaluateResolverOptions, EvaluationResult, ResolverHandler, ResolverLogger } from './evaluate';
export { executeResolver, invokeNoneDataSource } from './execute';
export type { DataSourceCall, DataSourceInvoker, DataSourceOutcome, ExecuteResolverOptions, ExecutionOutcome } from './execute';
export { createResolverContext } from './context';
export type { DataSourceError, ResolverContext, ResolverContextInput, ResolverInfo } from './context';
export { ResolverError, EarlyReturnSignal, UnsupportedUtilError } from './errors';
export type { ResolverErrorShape } from './errors';
export {
  FILTER_OPERATORS,
  matchesSubscriptionFilter,
  toSubscriptionFilter,
  validateSubscriptionFilter,
} from './subscription-filter';
export type { FilterEntry, FilterJson, FilterOperator } from './subscription-filter';
export { toDynamoDB, toMapValues, toAttributeValue, toAttributeValueMap } from './dynamodb';
export type { TypedValue } from './dynamodb';
export { toDynamoDBFilterExpression } from './dynamodb-filter';
export { createUtil, createExtensions, createRuntime } from './util';
export type { EvaluationRecord, UtilOptions } from './util';
