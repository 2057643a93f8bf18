/**
 * evaluateResolver and executeResolver: how bundled code is run (isolation, errors, early return,
 * stash, timeouts) and how a unit or pipeline resolver is driven through its data sources.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  evaluateResolver,
  executeResolver,
  invokeNoneDataSource,
  type DataSourceCall,
  type EvaluateResolverOptions,
} from '../../../appsync/runtime';

const info = { parentTypeName: 'Query', fieldName: 'thing' };
const evaluate = (code: string, extra: Partial<EvaluateResolverOptions> = {}) =>
  evaluateResolver({ code, handler: 'request', context: { info, arguments: { id: 'a' } }, ...extra });

describe('evaluateResolver', () => {
  it('gives the handler ctx with arguments (also as args), info, stash and identity', () => {
    const out = evaluate(
      `export function request(ctx) { return { same: ctx.args === ctx.arguments, id: ctx.args.id, field: ctx.info.parentTypeName + '.' + ctx.info.fieldName, stash: ctx.stash, identity: ctx.identity, source: ctx.source }; }`,
      { context: { info, arguments: { id: 'a' }, identity: { accountId: '1' }, stash: { s: 1 } } },
    );
    expect(out.result).toEqual({ same: true, id: 'a', field: 'Query.thing', stash: { s: 1 }, identity: { accountId: '1' }, source: null });
  });

  it('resolves @aws-appsync/utils to this runtime and also offers util as a global', () => {
    const out = evaluate(
      `import { util as imported } from '@aws-appsync/utils';
       export function request() { return [imported.base64Encode('hi'), util.base64Encode('hi')]; }`,
    );
    expect(out.result).toEqual(['aGk=', 'aGk=']);
  });

  it('refuses any other import, as AppSync does', () => {
    const out = evaluate(`import fs from 'node:fs'; export function request() { return fs; }`);
    expect(out.error).toMatchObject({ errorType: 'Code' });
    expect(out.error?.message).toContain("Cannot find module 'node:fs'");
  });

  it('has no Node globals inside the sandbox', () => {
    const out = evaluate(`export function request() { return [typeof process, typeof Buffer, typeof setTimeout, typeof fetch]; }`);
    expect(out.result).toEqual(['undefined', 'undefined', 'undefined', 'undefined']);
  });

  it('isolates every call: module state and added globals never leak between requests', () => {
    const code = `let calls = 0; export function request() { calls += 1; globalThis.seen = (globalThis.seen || 0) + 1; return [calls, globalThis.seen]; }`;
    expect(evaluate(code).result).toEqual([1, 1]);
    expect(evaluate(code).result).toEqual([1, 1]);
  });

  it('refuses changes to built-ins, so one request cannot alter what the next one sees', () => {
    const code = `export function request() { const had = typeof [].leak; Array.prototype.leak = 1; return had; }`;
    const first = evaluate(code);
    expect(first.error).toMatchObject({ errorType: 'Code' });
    expect(first.error?.message).toContain('TypeError');
    const probe = evaluate(`export function request() { return [typeof [].leak, typeof JSON.leak]; }`);
    expect(probe.result).toEqual(['undefined', 'undefined']);
  });

  it('gives each call its own util, even after a handler replaced the global', () => {
    const code = `export function request() { const before = typeof util.base64Encode; util = null; return before; }`;
    expect(evaluate(code).result).toBe('function');
    expect(evaluate(code).result).toBe('function');
  });

  it('keeps the caller’s context untouched and returns the stash as the handler left it', () => {
    const context = { info, arguments: { id: 'a' }, stash: { kept: true } };
    const out = evaluate(`export function request(ctx) { ctx.stash.added = ctx.args.id; ctx.args.id = 'changed'; return null; }`, { context });
    expect(out.stash).toEqual({ kept: true, added: 'a' });
    expect(context).toEqual({ info, arguments: { id: 'a' }, stash: { kept: true } });
  });

  it('returns results as JSON, the way AppSync serialises them', () => {
    const out = evaluate(`export function request() { return { a: undefined, b: [undefined], f() {}, n: null }; }`);
    expect(out.result).toEqual({ b: [null], n: null });
  });

  it('reports util.error with its type and keeps appended errors alongside a result', () => {
    const failed = evaluate(`export function request() { util.appendError('first', 'Warn'); util.error('stop', 'Stopped', { x: 1 }); }`);
    expect(failed).toMatchObject({
      result: null,
      error: { message: 'stop', errorType: 'Stopped', data: { x: 1 }, errorInfo: null },
      errors: [{ message: 'first', errorType: 'Warn' }],
    });
    const partial = evaluate(`export function request() { util.appendError('odd', 'Warn'); return 42; }`);
    expect(partial).toMatchObject({ result: 42, errors: [{ message: 'odd' }] });
    expect(partial.error).toBeUndefined();
  });

  it('reports runtime.earlyReturn with its value and skipTo, and the stash so far', () => {
    const out = evaluate(`export function request(ctx) { ctx.stash.a = 1; runtime.earlyReturn({ cached: true }, { skipTo: 'END' }); return 'never'; }`);
    expect(out).toMatchObject({ result: { cached: true }, earlyReturn: { value: { cached: true }, skipTo: 'END' }, stash: { a: 1 } });
  });

  it('reports a bug in the resolver as errorType Code, with the file and the JS error', () => {
    const out = evaluate(`export function request(ctx) { return ctx.nothing.deeper; }`);
    expect(out.error?.errorType).toBe('Code');
    expect(out.error?.message).toMatch(/^code\.js: TypeError: .*deeper/);
  });

  it('refuses a handler that returns a Promise (APPSYNC_JS is synchronous)', () => {
    const out = evaluate(`export function request() { return Promise.resolve(1); }`);
    expect(out.error).toMatchObject({ errorType: 'Code' });
    expect(out.error?.message).toContain('Promise');
  });

  it('says so when the bundle lacks the handler', () => {
    expect(evaluate(`export function response() { return 1; }`).error?.message).toContain('does not export a request function');
  });

  it('stops a handler that never ends', () => {
    const out = evaluate(`export function request() { for (;;) {} }`, { timeoutMs: 50 });
    expect(out.error).toMatchObject({ errorType: 'Code', message: 'code.js: execution timed out' });
  });

  it('captures console output and forwards it to a logger', () => {
    const lines: string[] = [];
    const out = evaluate(`export function request() { console.log('hello', { a: 1 }); console.error('bad'); return null; }`, {
      logger: (level, message) => lines.push(`${level}:${message}`),
    });
    expect(out.logs).toEqual(['hello {"a":1}', 'bad']);
    expect(lines).toEqual(['log:hello {"a":1}', 'error:bad']);
  });

  it('uses the injected clock for util.time', () => {
    const out = evaluate(`export function request() { return util.time.nowISO8601(); }`, { now: () => 0 });
    expect(out.result).toBe('1970-01-01T00:00:00.000Z');
  });
});

describe('executeResolver', () => {
  let dir: string;
  const file = (name: string, code: string): string => {
    const full = path.join(dir, name);
    writeFileSync(full, code);
    return full;
  };

  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'pet-detector-execute-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const unit = (code: string) => ({
    kind: 'UNIT' as const,
    bundlePath: file('unit.js', code),
    dataSource: 'None' as const,
    dataSourceKind: 'NONE' as const,
    functions: [],
  });

  it('runs request, the data source, then response with ctx.result', async () => {
    const calls: DataSourceCall[] = [];
    const outcome = await executeResolver({
      spec: unit(`export function request(ctx) { ctx.stash.t = 1; return { payload: ctx.args }; }
                  export function response(ctx) { return { got: ctx.result, stash: ctx.stash }; }`),
      context: { info, arguments: { id: 'a' } },
      invokeDataSource: (call) => {
        calls.push(call);
        return invokeNoneDataSource(call.request);
      },
    });
    expect(calls).toEqual([{ dataSource: 'None', dataSourceKind: 'NONE', request: { payload: { id: 'a' } }, info }]);
    expect(outcome).toMatchObject({ data: { got: { id: 'a' }, stash: { t: 1 } }, errors: [] });
  });

  it('hands a data-source failure to the response as ctx.error', async () => {
    const outcome = await executeResolver({
      spec: unit(`export function request() { return {}; }
                  export function response(ctx) { if (ctx.error) util.error(ctx.error.message, ctx.error.type); return 1; }`),
      context: { info },
      invokeDataSource: () => ({ error: { message: 'throttled', type: 'DynamoDB:ProvisionedThroughputExceededException' } }),
    });
    expect(outcome).toMatchObject({ data: null, errors: [{ message: 'throttled', errorType: 'DynamoDB:ProvisionedThroughputExceededException' }] });
  });

  it('skips the data source and response after an early return in request', async () => {
    const invoke = jest.fn();
    const outcome = await executeResolver({
      spec: unit(`export function request() { runtime.earlyReturn('early'); }
                  export function response() { return 'late'; }`),
      context: { info },
      invokeDataSource: invoke,
    });
    expect(outcome.data).toBe('early');
    expect(invoke).not.toHaveBeenCalled();
  });

  it('skips the data source after util.error in request', async () => {
    const invoke = jest.fn();
    const outcome = await executeResolver({
      spec: unit(`export function request() { util.error('no', 'Nope'); } export function response() { return 1; }`),
      context: { info },
      invokeDataSource: invoke,
    });
    expect(outcome).toMatchObject({ data: null, errors: [{ errorType: 'Nope' }] });
    expect(invoke).not.toHaveBeenCalled();
  });

  it('threads prev.result and the stash through a pipeline, honouring skipTo END', async () => {
    const fn = (name: string, code: string, dataSource = 'None') => ({
      name,
      order: Number(name.split('.')[0]),
      dataSource: dataSource as 'None',
      dataSourceKind: 'NONE' as const,
      sourcePath: '',
      bundlePath: file(`${name}.js`, code),
    });
    const spec = {
      kind: 'PIPELINE' as const,
      dataSource: null,
      dataSourceKind: null,
      bundlePath: file('index.js', `export function request(ctx) { ctx.stash.trail = ['before']; return { start: 1 }; }
        export function response(ctx) { return { final: ctx.prev.result, trail: ctx.stash.trail }; }`),
      functions: [
        fn('1.first', `export function request(ctx) { ctx.stash.trail.push('first'); return { payload: ctx.prev.result.start + 1 }; }
          export function response(ctx) { return ctx.result; }`),
        fn('2.skipped', `export function request(ctx) { ctx.stash.trail.push('skipped'); runtime.earlyReturn(ctx.prev.result * 10); }
          export function response() { return 'never'; }`),
        fn('3.end', `export function request(ctx) { ctx.stash.trail.push('end'); runtime.earlyReturn(ctx.prev.result + 1, { skipTo: 'END' }); }
          export function response() { return 'never'; }`),
        fn('4.never', `export function request(ctx) { ctx.stash.trail.push('never'); return {}; } export function response() { return 0; }`),
      ],
    };
    const invoke = jest.fn(({ request }: DataSourceCall) => invokeNoneDataSource(request));
    const outcome = await executeResolver({ spec, context: { info }, invokeDataSource: invoke });
    expect(outcome.data).toEqual({ final: 21, trail: ['before', 'first', 'skipped', 'end'] });
    expect(invoke).toHaveBeenCalledTimes(1);
  });
});
