/**
 * evaluateResolver: runs one handler (request or response) of a BUNDLED APPSYNC_JS resolver or
 * function, isolated per call inside a node:vm context kept per bundle (see below).
 *
 * - The ESM bundle is turned into CommonJS once per file (esbuild) and compiled once (vm.Script).
 *   Each call evaluates the module body afresh inside a function, so module-level state never leaks
 *   between requests. The context itself is made once per bundle and reused: creating one cost ~1 ms
 *   per call, most of an evaluation. What could carry state across calls is closed off instead: the
 *   context's built-ins are frozen when it is made (mutating them throws, as writes to frozen objects
 *   do in strict mode), the per-call globals are replaced on every call, and any global a handler adds
 *   is deleted after it.
 * - `import ... from '@aws-appsync/utils'` resolves to this runtime's util/runtime/extensions,
 *   which are also globals, as in AppSync.
 * - ctx goes in and results come out as JSON, exactly the round trip AppSync makes, so a resolver
 *   cannot hand back functions, undefined fields or shared references.
 * - A runaway handler is stopped after timeoutMs; an error in the resolver's own code is reported
 *   with errorType "Code", as AppSync reports it.
 * - node:vm isolates requests from each other, not hostile code from the host: it runs this
 *   repository's own resolvers, nothing a client sends.
 * - Cost: about 0.2 ms per evaluation of a small resolver (it was ~1.1 ms with a context per call).
 */
import { readFileSync, statSync } from 'node:fs';
import vm from 'node:vm';
import { transformSync } from 'esbuild';
import { createResolverContext, type ResolverContextInput } from './context';
import { EarlyReturnSignal, ResolverError, type ResolverErrorShape } from './errors';
import type { FilterJson } from './subscription-filter';
import { createExtensions, createRuntime, createUtil, type EvaluationRecord } from './util';

export type ResolverHandler = 'request' | 'response';

export type ResolverLogger = (level: 'log' | 'info' | 'warn' | 'error' | 'debug', message: string) => void;

export interface EvaluateResolverOptions {
  /** Path of a bundle built by build-resolvers (dist/resolvers/*.js). */
  bundlePath?: string;
  /** Or the bundle's code itself (ESM), e.g. in tests. */
  code?: string;
  handler: ResolverHandler;
  context: ResolverContextInput;
  /** Epoch milliseconds for util.time and the id generators; defaults to Date.now. */
  now?: () => number;
  /** What util.authType() answers; defaults to API-key callers. */
  authType?: string;
  /** AppSync stops long evaluations too; this guards the local server against a looping resolver. */
  timeoutMs?: number;
  /** Where the resolver's console output goes (AppSync sends it to CloudWatch); always kept in `logs` too. */
  logger?: ResolverLogger;
}

export interface EvaluationResult {
  /** The handler's return value (the data-source request, or the field's value); null after an error. */
  result: unknown;
  /** Set when the handler raised util.error / util.unauthorized or its own code failed. */
  error?: ResolverErrorShape;
  /** util.appendError entries, in order; they go to the response's `errors` alongside the data. */
  errors: ResolverErrorShape[];
  /** Set when the handler called runtime.earlyReturn; `result` then holds the returned value. */
  earlyReturn?: { value: unknown; skipTo?: 'END' | 'NEXT' };
  /** ctx.stash as the handler left it (also after an error or early return). */
  stash: Record<string, unknown>;
  subscriptionFilter?: FilterJson;
  subscriptionInvalidationFilter?: FilterJson;
  invalidations: EvaluationRecord['invalidations'];
  cacheEvictions: EvaluationRecord['cacheEvictions'];
  logs: string[];
}

export const DEFAULT_TIMEOUT_MS = 1000;
export const API_KEY_AUTH_TYPE = 'API Key Authorization';
export const IAM_AUTH_TYPE = 'IAM Authorization';

// The wrapper runs module body and handler inside the context, so the timeout covers both.
// 'use strict' because the bundle is an ES module, and modules are strict (writes to frozen built-ins throw).
const wrap = (commonJs: string): string => `(function () {
  'use strict';
  var module = { exports: {} };
  (function (exports, require, module) {
${commonJs}
  })(module.exports, __appsync.require, module);
  var ctx = JSON.parse(__appsync.input);
  ctx.args = ctx.arguments;
  __appsync.ctx = ctx;
  var handler = module.exports[__appsync.handler];
  if (typeof handler !== 'function') __appsync.missingHandler();
  var result = handler(ctx);
  if (result !== null && typeof result === 'object' && typeof result.then === 'function') __appsync.asyncHandler();
  return JSON.stringify({ result: result === undefined ? null : result });
})()`;

interface CompiledBundle {
  key: string;
  filename: string;
  script: vm.Script;
  sandbox: Sandbox;
}

/** The globals each call installs (AppSync's util/extensions/runtime/console, and the host bridge). */
type CallGlobals = Record<'__appsync' | 'util' | 'extensions' | 'runtime' | 'console', unknown>;

interface Sandbox {
  context: vm.Context;
  /** Deletes every global the context did not have once hardened (it must run inside: a delete on the host's view of a context does not reach it). */
  reset: () => void;
}

// Runs inside the new context: freezes every built-in constructor, its prototype and namespace objects,
// then returns the function that puts the global object back to exactly this state.
const HARDEN = `(function () {
  var names = Object.getOwnPropertyNames(globalThis);
  for (var i = 0; i < names.length; i++) {
    var value = globalThis[names[i]];
    if (value === null || value === globalThis || (typeof value !== 'object' && typeof value !== 'function')) continue;
    Object.freeze(value);
    if (typeof value === 'function' && value.prototype) Object.freeze(value.prototype);
  }
  Object.freeze(Object.getPrototypeOf(function* () {}).prototype);
  Object.freeze(Object.getPrototypeOf([][Symbol.iterator]()));
  var baseline = new Set(Object.getOwnPropertyNames(globalThis));
  return function reset() {
    var now = Object.getOwnPropertyNames(globalThis);
    for (var j = 0; j < now.length; j++) if (!baseline.has(now[j])) delete globalThis[now[j]];
  };
})()`;

const createSandbox = (): Sandbox => {
  const context = vm.createContext({});
  return { context, reset: vm.runInContext(HARDEN, context) as () => void };
};

/** Installs one call's globals, and afterwards removes every global the call added. */
const withCallGlobals = <T>(sandbox: Sandbox, globals: CallGlobals, run: () => T): T => {
  Object.assign(sandbox.context, globals);
  try {
    return run();
  } finally {
    sandbox.reset();
  }
};

const cache = new Map<string, CompiledBundle>();

const compile = (code: string, filename: string): vm.Script => {
  const { code: commonJs } = transformSync(code, { format: 'cjs', target: 'es2020', loader: 'js', sourcefile: filename });
  return new vm.Script(wrap(commonJs), { filename });
};

const loadBundle = (key: string, code: () => string, filename: string): CompiledBundle => ({
  key,
  filename,
  script: compile(code(), filename),
  sandbox: createSandbox(),
});

const loadScript = (options: EvaluateResolverOptions): CompiledBundle => {
  if (options.bundlePath) {
    const path = options.bundlePath;
    const stat = statSync(path);
    const key = `${stat.mtimeMs}:${stat.size}`;
    const cached = cache.get(path);
    if (cached && cached.key === key) return cached;
    const bundle = loadBundle(key, () => readFileSync(path, 'utf8'), path);
    cache.set(path, bundle);
    return bundle;
  }
  if (options.code !== undefined) {
    const code = options.code;
    const key = `code:${code}`;
    const bundle = cache.get(key) ?? loadBundle(key, () => code, 'code.js');
    cache.set(key, bundle);
    return bundle;
  }
  throw new TypeError('evaluateResolver needs bundlePath or code');
};

/** Forget compiled bundles (e.g. after a rebuild in watch mode; mtime changes are noticed anyway). */
export const clearResolverCache = (): void => cache.clear();

const codeError = (filename: string, error: unknown): ResolverErrorShape => {
  const base = filename.split(/[\\/]/).pop() ?? filename;
  const e = error as { name?: unknown; message?: unknown; code?: unknown } | null;
  if (e && e.code === 'ERR_SCRIPT_EXECUTION_TIMEOUT')
    return { message: `${base}: execution timed out`, errorType: 'Code', data: null, errorInfo: null };
  const name = e && typeof e.name === 'string' ? e.name : 'Error';
  const message = e && typeof e.message === 'string' ? e.message : String(error);
  return { message: `${base}: ${name}: ${message}`, errorType: 'Code', data: null, errorInfo: null };
};

const fromJson = (json: string | undefined): unknown => (json === undefined ? null : (JSON.parse(json) as unknown));

export const evaluateResolver = (options: EvaluateResolverOptions): EvaluationResult => {
  const { script, sandbox, filename } = loadScript(options);
  const ctx = createResolverContext(options.context);
  const record: EvaluationRecord = { appendedErrors: [], invalidations: [], cacheEvictions: [] };
  const logs: string[] = [];
  const util = createUtil(
    { info: ctx.info, now: options.now ?? Date.now, authType: options.authType ?? API_KEY_AUTH_TYPE },
    record,
  );
  const extensions = createExtensions(record);
  const runtime = createRuntime();
  const log =
    (level: Parameters<ResolverLogger>[0]) =>
    (...args: unknown[]) => {
      const message = args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ');
      logs.push(message);
      options.logger?.(level, message);
    };
  const bridge = {
    input: JSON.stringify(ctx),
    handler: options.handler,
    ctx: undefined as { stash?: unknown } | undefined,
    require: (name: string) => {
      if (name === '@aws-appsync/utils') return { util, extensions, runtime };
      throw new Error(`Cannot find module '${name}': APPSYNC_JS bundles may import only @aws-appsync/utils`);
    },
    missingHandler: () => {
      throw new ResolverError(`The resolver does not export a ${options.handler} function`, 'Code');
    },
    asyncHandler: () => {
      throw new ResolverError(`${options.handler} returned a Promise: APPSYNC_JS handlers are synchronous`, 'Code');
    },
  };
  const callGlobals = {
    __appsync: bridge,
    util,
    extensions,
    runtime,
    console: { log: log('log'), info: log('info'), warn: log('warn'), error: log('error'), debug: log('debug') },
  };

  const finish = (partial: Pick<EvaluationResult, 'result' | 'error' | 'earlyReturn'>): EvaluationResult => {
    const stashJson = bridge.ctx ? JSON.stringify(bridge.ctx.stash ?? {}) : JSON.stringify(ctx.stash);
    const out: EvaluationResult = {
      ...partial,
      errors: record.appendedErrors,
      stash: JSON.parse(stashJson) as Record<string, unknown>,
      invalidations: record.invalidations,
      cacheEvictions: record.cacheEvictions,
      logs,
    };
    if (partial.error === undefined) delete out.error;
    if (partial.earlyReturn === undefined) delete out.earlyReturn;
    if (record.subscriptionFilter) out.subscriptionFilter = record.subscriptionFilter;
    if (record.subscriptionInvalidationFilter) out.subscriptionInvalidationFilter = record.subscriptionInvalidationFilter;
    return out;
  };

  try {
    const json = withCallGlobals(sandbox, callGlobals, () =>
      script.runInContext(sandbox.context, { timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS }),
    ) as string;
    return finish({ result: (fromJson(json) as { result: unknown }).result });
  } catch (error) {
    if (error instanceof EarlyReturnSignal) {
      const value = fromJson(JSON.stringify(error.value ?? null));
      const earlyReturn: EvaluationResult['earlyReturn'] = { value };
      if (error.skipTo) earlyReturn.skipTo = error.skipTo;
      return finish({ result: value, earlyReturn });
    }
    if (error instanceof ResolverError) return finish({ result: null, error: error.toShape() });
    return finish({ result: null, error: codeError(filename, error) });
  }
};
