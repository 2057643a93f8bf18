/**
 * AppSync's per-request cost limits (queryDepthLimit, resolverCountLimit, IntrospectionConfig), enforced
 * as AppSync documents them: a field nested deeper than the depth limit, or a resolver beyond the count
 * limit, is a field error (data null there, bubbling up to the nearest nullable field as any field error
 * does); with introspection disabled, an introspection query fails validation. The defaults are the
 * limits the CDK stack sets (functions/core/settings.ts), so the local API refuses what AWS would.
 * The error types and messages are ours: AWS documents the behaviour, not the wording.
 */
import { NoSchemaIntrospectionCustomRule, specifiedRules, type GraphQLResolveInfo, type ValidationRule } from 'graphql';
import { QUERY_DEPTH_LIMIT, RESOLVER_COUNT_LIMIT } from '../../functions/core/settings';
import { FieldError } from './errors';

export interface QueryLimits {
  /** Levels of nesting a response field may sit at; a top-level field is level 1. */
  depth: number;
  /** Resolvers one request may invoke. */
  resolverCount: number;
  /** Whether introspection queries are answered. */
  introspection: boolean;
}

/** The local stack is a development stage: introspection on, as in dev and staging. */
export const DEFAULT_QUERY_LIMITS: QueryLimits = { depth: QUERY_DEPTH_LIMIT, resolverCount: RESOLVER_COUNT_LIMIT, introspection: true };

/** A field's level: its response path without list indices (`image.labels.0.name` is level 3). */
export const fieldDepth = (path: GraphQLResolveInfo['path']): number => {
  let depth = 0;
  for (let at: GraphQLResolveInfo['path'] | undefined = path; at; at = at.prev) if (typeof at.key === 'string') depth += 1;
  return depth;
};

export const depthLimitExceeded = (limit: number, info: GraphQLResolveInfo): FieldError =>
  new FieldError(
    `Query depth limit of ${limit} exceeded: ${info.parentType.name}.${info.fieldName} is nested ${fieldDepth(info.path)} levels deep`,
    'QueryDepthLimitExceeded',
  );

export const resolverCountLimitExceeded = (limit: number, info: GraphQLResolveInfo): FieldError =>
  new FieldError(
    `Resolver count limit of ${limit} exceeded: ${info.parentType.name}.${info.fieldName} would be resolver number ${limit + 1} or later in this request`,
    'ResolverCountLimitExceeded',
  );

/** graphql-js's own validation, plus its rule that refuses __schema and __type when introspection is off. */
export const validationRules = (limits: QueryLimits): readonly ValidationRule[] =>
  limits.introspection ? specifiedRules : [...specifiedRules, NoSchemaIntrospectionCustomRule];
