/**
 * GraphQL execution with AppSync's semantics on top of graphql-js: per-field auth modes, the bundled
 * resolvers run through the shared APPSYNC_JS runtime, errors in AppSync's shape, and mutation results
 * captured (projected onto the mutation's selection set) for @aws_subscribe delivery.
 */
import {
  GraphQLError,
  defaultFieldResolver,
  execute,
  getOperationAST,
  parse,
  print,
  responsePathAsArray,
  validate,
  type DocumentNode,
  type ExecutionResult,
  type FragmentDefinitionNode,
  type FieldNode,
  type GraphQLFieldResolver,
  type GraphQLResolveInfo,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import type { ResolverSpec } from '../../appsync/resolver-manifest';
import type { ResolverErrorShape } from '../../appsync/runtime/errors';
import type { FilterJson } from '../../appsync/runtime/subscription-filter';
import { authTypeName, type Caller } from './auth/authenticate';
import { FieldError, fieldUnauthorized, formatGraphQLError, type AppSyncGraphQLError } from './errors';
import type { ResolverRunner } from './resolver-runner';
import type { AppSyncSchema, AuthMode } from './schema';
import {
  DEFAULT_QUERY_LIMITS,
  depthLimitExceeded,
  documentDepth,
  fieldDepth,
  resolverCountLimitExceeded,
  validationRules,
  type QueryLimits,
} from './query-limits';
import { pruneToSelection, selectionSetList } from './selection';

export interface GraphQLRequestBody {
  query: string;
  variables?: Record<string, unknown> | null;
  operationName?: string | null;
}

export interface CallerContext {
  caller: Caller;
  /** Request headers, lower-case names (ctx.request.headers). */
  headers: Record<string, string>;
}

export interface GraphQLResponseBody {
  data: unknown;
  errors?: AppSyncGraphQLError[];
}

/** A completed mutation whose field some subscription listens to. */
export interface Publication {
  mutationField: string;
  /** The mutation field's value, restricted to the publisher's selection set. */
  payload: unknown;
}

export type ParsedOperation =
  | { ok: true; document: DocumentNode; operation: OperationDefinitionNode }
  | { ok: false; errors: AppSyncGraphQLError[] };

export type SubscriptionStart =
  | { ok: true; fieldName: string; args: Record<string, unknown>; filter?: FilterJson }
  | { ok: false; errors: AppSyncGraphQLError[] };

type Phase = 'execute' | 'subscribe' | 'deliver';

const MAX_CACHED_DOCUMENTS = 500;
/**
 * Only documents up to 16 KB are cached, so the cache holds at most 500 x 16 KB = 8 MB of query text
 * (plus their ASTs); a bigger one is parsed each time, like any one-off query.
 */
export const MAX_CACHED_DOCUMENT_CHARS = 16 * 1024;
/**
 * graphql-js parses without limit; AppSync executes at most 10,000 resolvers per request (its published
 * quota), and every field selection costs at least one token, so a document of more tokens than that
 * cannot be a useful request: it is refused while parsing instead of being turned into a huge AST.
 */
export const MAX_DOCUMENT_TOKENS = 10_000;

interface RequestState extends CallerContext {
  phase: Phase;
  /** Whether the document reaches past the depth limit, so its fields' levels must be checked. */
  checkDepth: boolean;
  variables: Record<string, unknown>;
  appended: AppSyncGraphQLError[];
  /** Resolvers invoked so far in this request (resolverCountLimit). */
  resolversRun: number;
  mutationResults: {
    fieldName: string;
    value: unknown;
    selectionSet: SelectionSetNode | undefined;
    fragments: Record<string, FragmentDefinitionNode>;
  }[];
  subscription?: { fieldName: string; args: Record<string, unknown>; filter?: FilterJson };
}

const asGraphQLError = (shape: ResolverErrorShape, info: GraphQLResolveInfo): GraphQLError =>
  new GraphQLError(shape.message, {
    nodes: info.fieldNodes,
    path: responsePathAsArray(info.path),
    originalError: new FieldError(shape.message, shape.errorType, shape.data, shape.errorInfo),
  });

export class Executor {
  private readonly specs: Map<string, ResolverSpec>;
  private readonly rules: ReturnType<typeof validationRules>;

  constructor(
    private readonly appsync: AppSyncSchema,
    specs: readonly ResolverSpec[],
    private readonly runner: ResolverRunner,
    private readonly limits: QueryLimits = DEFAULT_QUERY_LIMITS,
  ) {
    this.specs = new Map(specs.map((s) => [`${s.typeName}.${s.fieldName}`, s]));
    this.rules = validationRules(limits);
  }

  parseOperation(query: unknown, operationName?: string | null): ParsedOperation {
    if (typeof query !== 'string' || query.trim() === '') {
      return { ok: false, errors: [plainError('A GraphQL request needs a query string')] };
    }
    const checked = this.checkDocument(query);
    if (!checked.ok) return checked;
    const { document } = checked;
    const operation = getOperationAST(document, operationName ?? undefined);
    if (!operation) return { ok: false, errors: [plainError('Unknown or ambiguous operation name')] };
    return { ok: true, document, operation };
  }

  /**
   * Parsing and validating dominate the cost of a small request, and clients send the same few documents
   * over and over, so checked documents are kept (bounded; oldest dropped first).
   */
  private readonly checkedDocuments = new Map<string, { ok: true; document: DocumentNode } | { ok: false; errors: AppSyncGraphQLError[] }>();

  private checkDocument(query: string): { ok: true; document: DocumentNode } | { ok: false; errors: AppSyncGraphQLError[] } {
    const cached = this.checkedDocuments.get(query);
    if (cached) return cached;
    let checked: { ok: true; document: DocumentNode } | { ok: false; errors: AppSyncGraphQLError[] };
    try {
      const document = parse(query, { maxTokens: MAX_DOCUMENT_TOKENS });
      const validationErrors = validate(this.appsync.schema, document, this.rules);
      checked = validationErrors.length > 0 ? { ok: false, errors: validationErrors.map(formatGraphQLError) } : { ok: true, document };
    } catch (error) {
      checked = { ok: false, errors: [formatGraphQLError(error as GraphQLError)] };
    }
    if (query.length > MAX_CACHED_DOCUMENT_CHARS) return checked;
    if (this.checkedDocuments.size >= MAX_CACHED_DOCUMENTS) {
      this.checkedDocuments.delete(this.checkedDocuments.keys().next().value as string);
    }
    this.checkedDocuments.set(query, checked);
    return checked;
  }

  /** A query or mutation; returns the response body and what the mutation publishes. */
  async execute(request: GraphQLRequestBody, callerContext: CallerContext): Promise<{ body: GraphQLResponseBody; publications: Publication[] }> {
    const parsed = this.parseOperation(request.query, request.operationName);
    if (!parsed.ok) return { body: { data: null, errors: parsed.errors }, publications: [] };
    if (parsed.operation.operation === 'subscription') {
      return {
        body: { data: null, errors: [plainError('Subscriptions are served over the real-time endpoint (/graphql/realtime)')] },
        publications: [],
      };
    }
    const state = this.newState('execute', callerContext, request.variables ?? {});
    const result = await this.run(parsed.document, request, state);
    const publications = state.mutationResults.flatMap((entry) =>
      entry.value === null || entry.value === undefined || this.appsync.subscriptionsFor(entry.fieldName).length === 0
        ? []
        : [{ mutationField: entry.fieldName, payload: pruneToSelection(entry.value, entry.selectionSet, entry.fragments) }],
    );
    return { body: this.body(result, state), publications };
  }

  /** Runs a subscription's resolver at `start` and returns its field, arguments and enhanced filter. */
  async subscribe(document: DocumentNode, request: GraphQLRequestBody, callerContext: CallerContext): Promise<SubscriptionStart> {
    const state = this.newState('subscribe', callerContext, request.variables ?? {});
    const result = await this.run(document, request, state);
    const errors = [...(result.errors ?? []).map(formatGraphQLError), ...state.appended];
    if (errors.length > 0 || !state.subscription) {
      return { ok: false, errors: errors.length > 0 ? errors : [plainError('No subscription field was selected')] };
    }
    return { ok: true, ...state.subscription };
  }

  /** The subscriber's own document executed against a published payload, with the subscriber's auth. */
  async deliver(
    document: DocumentNode,
    request: GraphQLRequestBody,
    fieldName: string,
    payload: unknown,
    callerContext: CallerContext,
  ): Promise<GraphQLResponseBody> {
    const state = this.newState('deliver', callerContext, request.variables ?? {});
    const result = await this.run(document, request, state, { [fieldName]: payload });
    return this.body(result, state);
  }

  private newState(phase: Phase, callerContext: CallerContext, variables: Record<string, unknown>): RequestState {
    return { ...callerContext, phase, checkDepth: true, variables, appended: [], resolversRun: 0, mutationResults: [] };
  }

  private body(result: ExecutionResult, state: RequestState): GraphQLResponseBody {
    const errors = [...(result.errors ?? []).map(formatGraphQLError), ...state.appended];
    return errors.length > 0 ? { data: result.data ?? null, errors } : { data: result.data ?? null };
  }

  private async run(document: DocumentNode, request: GraphQLRequestBody, state: RequestState, rootValue: unknown = {}): Promise<ExecutionResult> {
    state.checkDepth = this.depthOf(document) > this.limits.depth;
    return execute({
      schema: this.appsync.schema,
      document,
      rootValue,
      contextValue: state,
      variableValues: request.variables ?? {},
      operationName: request.operationName ?? undefined,
      fieldResolver: this.resolveField,
    });
  }

  /**
   * Synchronous for a field without a resolver (nearly every field of a response): an async resolver on
   * each would make graphql-js await every leaf of every item, which cost more CPU than the page's own
   * reads (npm run bench:queries). A check that fails still throws, which graphql-js reports at the field.
   */
  private readonly resolveField: GraphQLFieldResolver<unknown, RequestState> = (source, args, state, info) => {
    const field = this.fieldPlan(info.parentType.name, info.fieldName);
    if (!field.modes.includes(state.caller.mode)) throw fieldUnauthorized(info.parentType.name, info.fieldName);
    if (state.checkDepth && fieldDepth(info.path) > this.limits.depth) throw depthLimitExceeded(this.limits.depth, info);
    if (state.phase === 'deliver') return defaultFieldResolver(source, args, state, info);
    if (field.isSubscriptionRoot) state.subscription = { fieldName: info.fieldName, args: { ...args } };
    if (!field.spec) return field.isSubscriptionRoot ? null : defaultFieldResolver(source, args, state, info);
    return this.runResolver(field.spec, source, args, state, info, field.isSubscriptionRoot);
  };

  /**
   * What resolveField needs to know of a Type.field, looked up once: it runs for every field of every item
   * of a response (2,555 times for a year of imageStats buckets), where building the lookup keys showed.
   */
  private readonly fieldPlans = new Map<string, Map<string, FieldPlan>>();
  private readonly depths = new WeakMap<DocumentNode, number>();
  private readonly selections = new WeakMap<FieldNode, SelectionInfo>();

  /** A document no deeper than the depth limit cannot trip it, so its fields skip the check (query-limits.ts). */
  private depthOf(document: DocumentNode): number {
    let depth = this.depths.get(document);
    if (depth === undefined) this.depths.set(document, (depth = documentDepth(document)));
    return depth;
  }

  /** ctx.info's selection fields, kept per field node: a node belongs to one (cached) document, read with its fragments. */
  private selectionOf(fieldNode: FieldNode | undefined, fragments: GraphQLResolveInfo['fragments']): SelectionInfo {
    if (!fieldNode) return { list: [], graphql: '' };
    let selection = this.selections.get(fieldNode);
    if (!selection) {
      const set = fieldNode.selectionSet;
      selection = { list: Object.freeze(selectionSetList(set, fragments)), graphql: set ? print(set) : '' };
      this.selections.set(fieldNode, selection);
    }
    return selection;
  }

  private fieldPlan(typeName: string, fieldName: string): FieldPlan {
    let fields = this.fieldPlans.get(typeName);
    if (!fields) this.fieldPlans.set(typeName, (fields = new Map()));
    let plan = fields.get(fieldName);
    if (!plan) {
      plan = {
        modes: this.appsync.allowedModes(typeName, fieldName),
        spec: this.specs.get(`${typeName}.${fieldName}`),
        isSubscriptionRoot: typeName === this.appsync.schema.getSubscriptionType()?.name,
      };
      fields.set(fieldName, plan);
    }
    return plan;
  }

  private async runResolver(
    spec: ResolverSpec,
    source: unknown,
    args: Record<string, unknown>,
    state: RequestState,
    info: GraphQLResolveInfo,
    isSubscriptionRoot: boolean,
  ): Promise<unknown> {
    const typeName = info.parentType.name;
    const fieldName = info.fieldName;
    state.resolversRun += 1;
    if (state.resolversRun > this.limits.resolverCount) throw resolverCountLimitExceeded(this.limits.resolverCount, info);

    const fieldNode = info.fieldNodes[0];
    const selection = this.selectionOf(fieldNode, info.fragments);
    const outcome = await this.runner.run(spec, {
      arguments: { ...args },
      source: source ?? null,
      identity: state.caller.identity,
      request: { headers: state.headers, domainName: null },
      authType: authTypeName(state.caller.mode),
      info: {
        fieldName,
        parentTypeName: typeName,
        variables: state.variables,
        selectionSetList: selection.list as string[],
        selectionSetGraphQL: selection.graphql,
      },
    });
    for (const appended of outcome.appendedErrors) state.appended.push(formatGraphQLError(asGraphQLError(appended, info)));
    if (!outcome.ok) throw new FieldError(outcome.error.message, outcome.error.errorType, outcome.error.data, outcome.error.errorInfo);

    if (isSubscriptionRoot && state.subscription && outcome.subscriptionFilter) state.subscription.filter = outcome.subscriptionFilter;
    if (isSubscriptionRoot) return null;
    if (info.operation.operation === 'mutation' && info.parentType === this.appsync.schema.getMutationType()) {
      state.mutationResults.push({ fieldName, value: outcome.value, selectionSet: fieldNode?.selectionSet, fragments: info.fragments });
    }
    return outcome.value;
  }
}

/** ctx.info's selection fields, the same for every request of a document (they depend on its AST only). */
interface SelectionInfo {
  list: readonly string[];
  graphql: string;
}

interface FieldPlan {
  modes: readonly AuthMode[];
  spec: ResolverSpec | undefined;
  isSubscriptionRoot: boolean;
}

const plainError = (message: string): AppSyncGraphQLError => ({ path: null, locations: [], message });
