/**
 * Pipeline resolvers as AppSync runs them (the product has none yet, so the bundles are written here):
 * before -> each function's request / data source / response -> after, one stash throughout,
 * ctx.prev.result threaded, runtime.earlyReturn skipping a function's data source, util.error stopping
 * the pipeline, util.appendError collected.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ResolverSpec } from '../../../appsync/resolver-manifest';
import { createNoneDataSource } from '../../../local/appsync-server/data-sources/none';
import { ResolverRunner, type FieldInvocation } from '../../../local/appsync-server/resolver-runner';

let dir: string;
let spec: ResolverSpec;

const write = (name: string, code: string): string => {
  const file = path.join(dir, name);
  writeFileSync(file, code);
  return file;
};

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'pipeline-test-'));
  const index = write(
    'index.js',
    `export function request(ctx) { ctx.stash.trail = ['before']; return {}; }
     export function response(ctx) { return { trail: ctx.stash.trail, last: ctx.prev.result }; }`,
  );
  const first = write(
    '1.first.js',
    `import { util } from '@aws-appsync/utils';
     export function request(ctx) {
       if (ctx.args.fail) util.error('first refused', 'Refused', { why: 'asked to' });
       ctx.stash.trail.push('1');
       return { payload: { n: 1 } };
     }
     export function response(ctx) { util.appendError('a note', 'Note'); return ctx.result.n; }`,
  );
  const second = write(
    '2.second.js',
    `import { runtime } from '@aws-appsync/utils';
     export function request(ctx) {
       if (ctx.args.skip) runtime.earlyReturn(ctx.prev.result + 100);
       ctx.stash.trail.push('2');
       return { payload: ctx.prev.result + 1 };
     }
     export function response(ctx) { return ctx.result; }`,
  );
  const fn = (name: string, order: number, bundlePath: string) => ({
    name,
    order,
    dataSource: 'None' as const,
    dataSourceKind: 'NONE' as const,
    sourcePath: bundlePath,
    bundlePath,
  });
  spec = {
    typeName: 'Query',
    fieldName: 'image',
    kind: 'PIPELINE',
    dataSource: null,
    dataSourceKind: null,
    sourcePath: index,
    bundlePath: index,
    functions: [fn('1.first', 1, first), fn('2.second', 2, second)],
  };
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const invocation = (args: Record<string, unknown>): FieldInvocation => ({
  arguments: args,
  source: null,
  identity: null,
  request: { headers: {}, domainName: null },
  authType: 'API Key Authorization',
  info: { fieldName: 'image', parentTypeName: 'Query', variables: {}, selectionSetList: [], selectionSetGraphQL: '' },
});

const runner = () => new ResolverRunner({ dataSources: new Map([['None', createNoneDataSource()]]) });

it('runs before, every function and after with one stash, threading prev.result', async () => {
  const outcome = await runner().run(spec, invocation({}));
  expect(outcome).toEqual({
    ok: true,
    value: { trail: ['before', '1', '2'], last: 2 },
    appendedErrors: [{ message: 'a note', errorType: 'Note', data: null, errorInfo: null }],
  });
});

it("skips a function's data source and response on runtime.earlyReturn, passing its value on", async () => {
  const outcome = await runner().run(spec, invocation({ skip: true }));
  expect(outcome).toEqual(expect.objectContaining({ ok: true, value: { trail: ['before', '1'], last: 101 } }));
});

it('stops the pipeline at util.error with its type and data', async () => {
  const outcome = await runner().run(spec, invocation({ fail: true }));
  expect(outcome).toEqual({
    ok: false,
    error: { message: 'first refused', errorType: 'Refused', data: { why: 'asked to' }, errorInfo: null },
    appendedErrors: [],
  });
});
