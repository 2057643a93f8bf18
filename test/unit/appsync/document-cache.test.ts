/**
 * The local AppSync server keeps checked GraphQL documents so that clients resending the same few queries
 * skip parsing, but what it keeps is bounded whatever clients send: at most 500 documents, none bigger than
 * 16 KB of text, and no document of more than 10,000 tokens is even parsed. Retention is observed the way
 * memory is: through weak references after a garbage collection.
 */
import path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Executor, MAX_CACHED_DOCUMENT_CHARS, MAX_DOCUMENT_TOKENS } from '../../../local/appsync-server/execution';
import type { ResolverRunner } from '../../../local/appsync-server/resolver-runner';
import { loadAppSyncSchema } from '../../../local/appsync-server/schema';

const REPO_ROOT = path.join(__dirname, '../../..');
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;
// Full collections are slow on a loaded machine; the work itself is small.
jest.setTimeout(30_000);

const newExecutor = () =>
  new Executor(
    loadAppSyncSchema([path.join(REPO_ROOT, 'schema.graphql'), path.join(REPO_ROOT, 'appsync', 'builtins.graphql')]),
    [],
    // Parsing and validation only: no resolver runs in these tests.
    {} as ResolverRunner,
  );

/** Parses `query` and returns a weak reference to its document, and whether the same object comes back next time. */
const parseWeakly = (executor: Executor, query: string) => {
  const first = executor.parseOperation(query);
  if (!first.ok) throw new Error(JSON.stringify(first.errors));
  const second = executor.parseOperation(query);
  return { ref: new WeakRef(first.document), reused: second.ok && second.document === first.document };
};

/** Which of the objects behind `refs` survive a full collection (WeakRef targets live to the end of the job). */
const retained = async (...refs: Array<WeakRef<object>>): Promise<boolean[]> => {
  await new Promise((resolve) => setImmediate(resolve));
  collectGarbage();
  return refs.map((ref) => ref.deref() !== undefined);
};

const padded = (chars: number) => `{ __typename } #${'x'.repeat(chars)}`;

it('keeps a small document it has checked, and answers the next identical query from it', async () => {
  const executor = newExecutor();
  const { ref, reused } = parseWeakly(executor, '{ __typename }');
  expect(reused).toBe(true);
  expect(await retained(ref)).toEqual([true]);
});

it(`keeps no document over ${MAX_CACHED_DOCUMENT_CHARS / 1024} KB of text: 100 distinct queries just over it leave nothing behind`, async () => {
  const executor = newExecutor();
  const refs = Array.from({ length: 100 }, (_, i) => parseWeakly(executor, `${padded(MAX_CACHED_DOCUMENT_CHARS)}${i}`));
  expect(refs.some((r) => r.reused)).toBe(false);
  const survivors = await retained(...refs.map((r) => r.ref));
  expect(survivors.filter(Boolean)).toHaveLength(0);
});

it('keeps at most 500 documents, dropping the oldest first', async () => {
  const executor = newExecutor();
  const refs = Array.from({ length: 501 }, (_, i) => parseWeakly(executor, `query Q${i} { __typename }`).ref);
  expect(await retained(refs[0]!, refs[1]!, refs[500]!)).toEqual([false, true, true]);
});

it(`refuses a document of more than ${MAX_DOCUMENT_TOKENS} tokens while parsing (an alias bomb), naming the limit`, () => {
  const bomb = `{ ${Array.from({ length: 6_000 }, (_, i) => `a${i}: __typename`).join(' ')} }`;
  const parsed = newExecutor().parseOperation(bomb);
  expect(parsed.ok).toBe(false);
  // (graphql-js 16 spells it "more that".)
  expect(!parsed.ok && parsed.errors[0]?.message).toMatch(new RegExp(`^Syntax Error: Document contains more tha[nt] ${MAX_DOCUMENT_TOKENS} tokens`));
});
