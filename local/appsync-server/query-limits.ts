/**
 * AppSync's per-request cost limits (queryDepthLimit, resolverCountLimit, IntrospectionConfig), enforced
 * as AppSync documents them: a field nested deeper than the depth limit, or a resolver beyond the count
 * limit, is a field error (data null there, bubbling up to the nearest nullable field as any field error
 * does); with introspection disabled, an introspection query fails validation. The defaults are the
 * limits the CDK stack sets (functions/core/settings.ts), so the local API refuses what AWS would.
 * The error types and messages are ours: AWS documents the behaviour, not the wording.
 */
import {
  Kind,
  NoSchemaIntrospectionCustomRule,
  specifiedRules,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLResolveInfo,
  type SelectionSetNode,
  type ValidationRule,
} from 'graphql';
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

/**
 * The deepest field level any operation of the document can reach, fragments spread in: a document no deeper
 * than the limit cannot trip it, so its fields skip the check (a response of 365 buckets has 2,555 fields).
 * A fragment spread inside itself (which validation refuses) counts as unbounded.
 */
export const documentDepth = (document: DocumentNode): number => {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  const spreading = new Set<string>();
  const depthOf = (set: SelectionSetNode | undefined): number => {
    let deepest = 0;
    for (const selection of set?.selections ?? []) {
      if (selection.kind === Kind.FIELD) deepest = Math.max(deepest, 1 + depthOf(selection.selectionSet));
      else if (selection.kind === Kind.INLINE_FRAGMENT) deepest = Math.max(deepest, depthOf(selection.selectionSet));
      else {
        const name = selection.name.value;
        if (spreading.has(name)) return Number.POSITIVE_INFINITY;
        spreading.add(name);
        deepest = Math.max(deepest, depthOf(fragments.get(name)?.selectionSet));
        spreading.delete(name);
      }
    }
    return deepest;
  };
  let deepest = 0;
  for (const definition of document.definitions) {
    if (definition.kind === Kind.OPERATION_DEFINITION) deepest = Math.max(deepest, depthOf(definition.selectionSet));
  }
  return deepest;
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
