/**
 * The shard merge's read sizing: how many entries each shard's Query asks for, and that the size changes
 * round trips only, never what a page holds or where the next one resumes.
 */
import { shardOf } from '../../../functions/core/index-keys';
import { type IndexEntry, type ReadShard, ShardMerge, type ShardPosition, shardReadSize } from '../../../functions/core/shard-merge';

const SHARDS = 8;
const PAGE = 24;

describe('shardReadSize', () => {
  it('asks each of 8 shards for 9 entries when a page of 24 merges 25: the binomial mean plus 3 sigma, rounded up', () => {
    // mean 25 / 8 = 3.125, sigma sqrt(3.125 x 7/8) = 1.654: 3.125 + 4.961 = 8.09.
    expect(shardReadSize(PAGE + 1, SHARDS)).toBe(9);
    expect(shardReadSize(21, 4)).toBe(12);
  });

  it('asks one partition for exactly what is wanted, and never any shard for more', () => {
    expect(shardReadSize(25, 1)).toBe(25);
    for (const wanted of [1, 2, 5, 25, 101]) {
      for (const shards of [1, 2, 4, 8, 16]) {
        expect(shardReadSize(wanted, shards)).toBeLessThanOrEqual(wanted);
        expect(shardReadSize(wanted, shards)).toBeGreaterThanOrEqual(Math.ceil(wanted / shards));
      }
    }
  });
});

/** Entries of ids img-<page>-<i>, one a second, newest first, each in the shard its id hashes to (index-keys.ts). */
const entriesOf = (page: number, count: number): IndexEntry[] =>
  Array.from({ length: count }, (_, i) => {
    const id = `img-${page}-${i}`;
    return { ImageID: id, ListPK: `IMAGE#${shardOf(id, SHARDS)}`, CreatedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, count - i)).toISOString() };
  });

/**
 * A Query per call on an index of these entries, newest first, resuming after startKey. `served` caps what one
 * call returns (a reader that returns less than asked, as DynamoDB may at 1 MB).
 */
const reader = (entries: IndexEntry[], log: number[], served = Infinity): ReadShard => async (partition, startKey, wanted, cap) => {
  log.push(wanted);
  const rows = entries.filter((e) => e.ListPK === partition && (!startKey || (e.CreatedAt as string) < (startKey.CreatedAt as string)));
  const taken = rows.slice(0, Math.min(wanted, cap, served));
  const last = taken[taken.length - 1];
  return { entries: taken, evaluated: taken.length, ...(rows.length > taken.length && last ? { lastKey: last } : {}) };
};

/**
 * A residual filter's reads over `count` entries (newest first, entry i matches when `matches(i)`): every
 * evaluated entry counts, the matching ones are returned. Logs each read's size, cap and partition.
 */
const filteredReader = (count: number, matches: (i: number) => boolean, sizes: number[], caps: number[] = [], partitions: string[] = []): ReadShard => {
  const entries: IndexEntry[] = Array.from({ length: count }, (_, i) => {
    const id = `img-${i}`;
    return { ImageID: id, ListPK: `IMAGE#${shardOf(id, SHARDS)}`, CreatedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, count - i)).toISOString(), match: matches(i) };
  });
  const all = reader(entries, sizes);
  return async (partition, startKey, wanted, cap) => {
    caps.push(cap);
    partitions.push(partition);
    const read = await all(partition, startKey, wanted, cap);
    return { ...read, entries: read.entries.filter((e) => e.match) };
  };
};

/** One page as the adapter reads it: `limit` consumed, one more peeked. */
const readPage = async (merge: ShardMerge, limit: number) => {
  const ids: string[] = [];
  while (ids.length < limit) {
    const entry = await merge.next();
    if (!entry) break;
    ids.push(entry.ImageID as string);
  }
  const more = (await merge.peek()) !== undefined;
  return { ids, positions: more ? merge.positions() : undefined };
};

const start = (): ShardPosition[] => Array.from({ length: SHARDS }, () => 'start');

describe('ShardMerge read sizing', () => {
  it('reads a page of 24 over 8 shards in one round of Queries on about 99% of pages of random ids', async () => {
    const pages = 1000;
    let secondRounds = 0;
    let evenShareShort = 0;
    for (let page = 0; page < pages; page += 1) {
      const entries = entriesOf(page, 60);
      const calls: number[] = [];
      await readPage(new ShardMerge({ index: 'byCreatedAt', partitionValue: 'IMAGE' }, start(), reader(entries, calls), PAGE + 1), PAGE);
      if (calls.length > SHARDS) secondRounds += 1;
      // What the former size (an even share plus one: 5) would have met: some shard holding 5 of the page's 24.
      const perShard = new Map<unknown, number>();
      for (const e of entries.slice(0, PAGE)) perShard.set(e.ListPK, (perShard.get(e.ListPK) ?? 0) + 1);
      if (Math.max(...perShard.values()) >= Math.ceil((PAGE + 1) / SHARDS) + 1) evenShareShort += 1;
    }
    // The binomial tail says ~1.3%; the even share plus one needed a second round on ~90% of pages.
    expect(secondRounds / pages).toBeLessThan(0.03);
    expect(evenShareShort / pages).toBeGreaterThan(0.8);
  });

  it('keeps a selective filter\'s pages as full as before: later rounds top up dry shards with an even share, not a sized one', async () => {
    // One entry in 16 matches.
    const filtered = filteredReader(20_000, (i) => (i * 7919) % 16 === 0, []);
    const sizes: number[] = [];
    let positions: ShardPosition[] | undefined = start();
    while (positions && sizes.length < 15) {
      const merge: ShardMerge = new ShardMerge({ index: 'byCreatedAt', partitionValue: 'IMAGE' }, positions, filtered, PAGE + 1, { budget: 1000, filtered: true });
      const page = await readPage(merge, PAGE);
      sizes.push(page.ids.length);
      // As the adapter: a page the budget ended resumes where each shard stands.
      positions = page.positions ?? (merge.budgetSpent ? merge.positions() : undefined);
    }
    expect(sizes).toHaveLength(15);
    // 1,000 entries a page hold ~62 matches. Sizing the top-up rounds like the first gave the rest of the budget
    // to the first shards to run dry: 6.6 items a page on this data instead of 13.5.
    expect(sizes.reduce((a, b) => a + b, 0) / sizes.length).toBeGreaterThan(12);
  });

  it("sizes a filtered page's first round for half of the entries matching: 14 a shard for a page of 24 over 8", async () => {
    const calls: number[] = [];
    const page = await readPage(
      new ShardMerge({ index: 'byCreatedAt', partitionValue: 'IMAGE' }, start(), filteredReader(2_000, (i) => i % 10 !== 0, calls), PAGE + 1, { budget: 250, filtered: true }),
      PAGE,
    );
    expect(page.ids).toHaveLength(PAGE);
    // shardReadSize(50, 8): mean 6.25 plus 3 sigma (2.34) = 13.3. Nine in ten match: one round suffices.
    expect(calls).toEqual(Array(SHARDS).fill(14));
  });

  it('spends the whole budget in two rounds on a filter that matches nothing, leaving no remainder for a third', async () => {
    const calls: number[] = [];
    const caps: number[] = [];
    const none = filteredReader(5_000, () => false, calls, caps);
    const merge = new ShardMerge({ index: 'byCreatedAt', partitionValue: 'IMAGE' }, start(), none, PAGE + 1, { budget: 250, filtered: true });
    expect(await readPage(merge, PAGE)).toEqual({ ids: [], positions: undefined });
    expect(merge.budgetSpent).toBe(true);
    expect(calls).toHaveLength(2 * SHARDS);
    // 8 x 14 first, then the 138 left shared exactly: 18 for two shards, 17 for six.
    expect(caps.slice(SHARDS).sort()).toEqual([17, 17, 17, 17, 17, 17, 18, 18]);
    expect(Math.min(...calls.slice(SHARDS))).toBe(17);
    expect(calls.reduce((a, b) => a + b, 0)).toBe(250);
  });

  it('tops up a shard about to run dry with the dry ones: a shard holding one match is read in the same round', async () => {
    const calls: number[] = [];
    const partitions: string[] = [];
    // One entry in 37 matches: after the first round some shards hold a match and others none.
    const rare = filteredReader(5_000, (i) => i % 37 === 0, calls, [], partitions);
    const merge = new ShardMerge({ index: 'byCreatedAt', partitionValue: 'IMAGE' }, start(), rare, PAGE + 1, { budget: 250, filtered: true });
    await readPage(merge, PAGE);
    // Every shard is read in both rounds, and the budget is spent then: no shard needs a third round trip.
    const rounds = new Map<string, number>();
    for (const p of partitions) rounds.set(p, (rounds.get(p) ?? 0) + 1);
    expect([...rounds.values()]).toEqual(Array(SHARDS).fill(2));
    expect(calls.reduce((a, b) => a + b, 0)).toBe(250);
  });

  it("emits the matches a budget-bound page found, not only those before the first dry shard: a shard's frontier bounds what it can hold", async () => {
    // One entry in 20 matches: a budget of 200 entries finds ~10 a page, and a page of 24 cannot fill.
    const count = 5_000;
    const matching = (i: number) => (i * 7919) % 20 === 0;
    const calls: number[] = [];
    const rare = filteredReader(count, matching, calls);
    const pages: string[][] = [];
    let positions: ShardPosition[] | undefined = start();
    while (positions && pages.length < 10) {
      const merge: ShardMerge = new ShardMerge({ index: 'byCreatedAt', partitionValue: 'IMAGE' }, positions, rare, PAGE + 1, { budget: 200, filtered: true });
      const page = await readPage(merge, PAGE);
      pages.push(page.ids);
      positions = page.positions ?? (merge.budgetSpent ? merge.positions() : undefined);
    }
    const expected = Array.from({ length: count }, (_, i) => i).filter(matching).map((i) => `img-${i}`);
    // Newest first, each match once, none skipped.
    expect(pages.flat()).toEqual(expected.slice(0, pages.flat().length));
    // ~5 a page (a shard that ends a page with matches buffered reads them again on the next one); stopping
    // at the first dry shard emitted ~1 a page and read the rest again.
    expect(pages.flat().length / pages.length).toBeGreaterThan(4);
    expect(calls.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(200 * pages.length);
  });

  it("sizes a following page's first round by the previous page's match rate, carried in its token", async () => {
    const first = (prior: { matched: number; evaluated: number }, matches: (i: number) => boolean) => {
      const calls: number[] = [];
      const merge = new ShardMerge({ index: 'byCreatedAt', partitionValue: 'IMAGE' }, start(), filteredReader(5_000, matches, calls), PAGE + 1, {
        budget: 250,
        filtered: true,
        prior,
      });
      return { merge, calls };
    };
    // Nothing matched on the previous page: the whole budget in one round of 8 Queries, not two rounds of 16.
    const none = first({ matched: 0, evaluated: 250 }, () => false);
    await readPage(none.merge, PAGE);
    expect(none.calls).toHaveLength(SHARDS);
    expect(none.calls.reduce((a, b) => a + b, 0)).toBe(250);
    expect(none.merge.matchRate()).toEqual({ matched: 0, evaluated: 250 });
    // Nine in ten matched: 9 matches a shard are 10 entries, not the 14 a first page guesses.
    const dense = first({ matched: 225, evaluated: 250 }, (i) => i % 10 !== 0);
    expect((await readPage(dense.merge, PAGE)).ids).toHaveLength(PAGE);
    expect(dense.calls).toEqual(Array(SHARDS).fill(10));
  });

  it('yields the same pages and the same resume positions whatever each read returns: sizing changes round trips only', async () => {
    const entries = entriesOf(7, 150);
    const pagesOf = async (served: number) => {
      const pages: Array<{ ids: string[]; positions?: ShardPosition[] }> = [];
      let positions: ShardPosition[] | undefined = start();
      while (positions) {
        const page = await readPage(new ShardMerge({ index: 'byCreatedAt', partitionValue: 'IMAGE' }, positions, reader(entries, [], served), PAGE + 1), PAGE);
        pages.push(page);
        positions = page.positions;
      }
      return pages;
    };
    const sized = await pagesOf(Infinity);
    expect(sized.flatMap((p) => p.ids)).toEqual(entries.map((e) => e.ImageID));
    // A reader that hands back one entry per Query reads far more often, and pages and tokens stay the same.
    expect(await pagesOf(1)).toEqual(sized);
    expect(await pagesOf(3)).toEqual(sized);
  });
});
