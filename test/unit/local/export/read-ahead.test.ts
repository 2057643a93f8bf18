/** readAheadInOrder: sources read at once, items out in the sources' order, each source's buffer bounded. */
import { readAheadInOrder } from '../../../../local/export/read-ahead';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A source of `count` items named `<name><n>`, each after `delayMs`, that records how far it was read. */
const source = (name: string, count: number, delayMs: number, log: Record<string, number>) =>
  async function* () {
    for (let n = 0; n < count; n += 1) {
      await sleep(delayMs);
      log[name] = n + 1;
      yield `${name}${n}`;
    }
  };

const collect = async <T>(iterable: AsyncIterable<T>) => {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
};

it('yields every item in source order, reading `ahead` sources at once', async () => {
  const read: Record<string, number> = {};
  const sources = ['a', 'b', 'c', 'd', 'e'].map((name) => source(name, 3, 20, read));
  const started = performance.now();
  const items = await collect(readAheadInOrder(sources, { ahead: 5, capacity: 3 }));
  expect(items).toEqual(['a0', 'a1', 'a2', 'b0', 'b1', 'b2', 'c0', 'c1', 'c2', 'd0', 'd1', 'd2', 'e0', 'e1', 'e2']);
  // Five sources of 3 × 20 ms read together take about 60 ms, not 300.
  expect(performance.now() - started).toBeLessThan(250);
});

it('reads a waiting source only up to its capacity, and no source beyond `ahead`', async () => {
  const read: Record<string, number> = {};
  const iterator = readAheadInOrder(['a', 'b', 'c'].map((name) => source(name, 50, 1, read)), { ahead: 2, capacity: 4 })[Symbol.asyncIterator]();
  expect((await iterator.next()).value).toBe('a0');
  await sleep(200);
  expect(read.b).toBeLessThanOrEqual(5);
  expect(read.c).toBeUndefined();
  await iterator.return?.(undefined);
});

it('a failing source ends the read with its error, even before the consumer reaches it', async () => {
  const read: Record<string, number> = {};
  async function* failing() {
    await sleep(5);
    yield 'b0';
    throw new Error('page 2 failed');
  }
  const consumed: string[] = [];
  await expect(
    (async () => {
      for await (const item of readAheadInOrder([source('a', 1000, 5, read), failing], { ahead: 2, capacity: 10 })) consumed.push(item);
    })(),
  ).rejects.toThrow('page 2 failed');
  expect(consumed.length).toBeLessThan(100);
});
