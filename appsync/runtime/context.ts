/**
 * The `ctx` a resolver handler receives, with AppSync's defaults for whatever the caller leaves out.
 * Plain JSON only: it is copied into the resolver's own realm for every call.
 */
export interface ResolverInfo {
  fieldName: string;
  parentTypeName: string;
  variables?: Record<string, unknown>;
  selectionSetList?: string[];
  selectionSetGraphQL?: string;
}

export interface DataSourceError {
  message: string;
  type: string;
}

export interface ResolverContextInput {
  info: ResolverInfo;
  arguments?: Record<string, unknown>;
  source?: unknown;
  identity?: unknown;
  stash?: Record<string, unknown>;
  /** Pipelines: the previous step's result. */
  prev?: { result: unknown };
  /** Response handlers: the data source's result. */
  result?: unknown;
  /** Response handlers: the data source's error, if it failed. */
  error?: DataSourceError | null;
  request?: { headers?: Record<string, string>; domainName?: string | null };
  env?: Record<string, string>;
}

export interface ResolverContext {
  arguments: Record<string, unknown>;
  source: unknown;
  identity: unknown;
  stash: Record<string, unknown>;
  prev: { result: unknown };
  result: unknown;
  error?: DataSourceError;
  request: { headers: Record<string, string>; domainName: string | null };
  info: Required<ResolverInfo>;
  env: Record<string, string>;
}

export const createResolverContext = (input: ResolverContextInput): ResolverContext => {
  const ctx: ResolverContext = {
    arguments: input.arguments ?? {},
    source: input.source ?? null,
    identity: input.identity ?? null,
    stash: input.stash ?? {},
    prev: input.prev ?? { result: null },
    result: input.result ?? null,
    request: { headers: input.request?.headers ?? {}, domainName: input.request?.domainName ?? null },
    info: {
      fieldName: input.info.fieldName,
      parentTypeName: input.info.parentTypeName,
      variables: input.info.variables ?? {},
      selectionSetList: input.info.selectionSetList ?? [],
      selectionSetGraphQL: input.info.selectionSetGraphQL ?? '',
    },
    env: input.env ?? {},
  };
  // AppSync leaves ctx.error undefined unless the data source failed, so `if (ctx.error)` is the idiom.
  if (input.error) ctx.error = { message: input.error.message, type: input.error.type };
  return ctx;
};
