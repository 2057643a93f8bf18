/**
 * Reads a sharded index (index-keys.ts) as if it were one partition: every shard is read newest first,
 * in parallel, and the heads are merged by (CreatedAt, ImageID) descending. Where each shard stopped is a
 * ShardPosition, which the nextToken carries (page-token.ts), so the next page resumes every shard exactly
 * after what this page consumed from it and re-reads nothing a filter already rejected.
 * Hand-written: a k-way merge over paged async sources with resumable positions is a few dozen lines and
 * no library models DynamoDB's "resume strictly after this key".
 */
import type { IndexKey } from './table-design';
import { INDEXES, TABLE_PARTITION_KEY } from './table-design';
import { shardedPartition } from './index-keys';
import type { MatchRate } from './page-token';

/** An index entry as a Query returns it: the whole item (table-design.ts INDEX_PROJECTION). */
export type IndexEntry = Record<string, unknown>;

/** The partitions a merge reads: shard s of the index is `<partitionValue>#<s>`, beside the owner on a twin. */
export interface ShardedPartitions {
  index: IndexKey;
  partitionValue: string;
  /** An owner-scoped twin's leading key attribute (table-design.ts ownerKey); part of every shard's key. */
  owner?: string;
}

/** Where a shard stands: not read yet, read to the end, or resume strictly after this entry. */
export type ShardPosition = 'start' | 'done' | { createdAt: string; id: string };

export interface ShardRead {
  entries: IndexEntry[];
  /** DynamoDB's LastEvaluatedKey: absent when the shard has nothing more to evaluate. */
  lastKey?: Record<string, unknown>;
  /** Entries the read evaluated, matching or not (DynamoDB's ScannedCount): what the read budget counts. */
  evaluated: number;
}

/**
 * One Query on one shard's partition: at least `wanted` entries evaluated after `startKey` (exclusive),
 * newest first, and never more than `cap` (what is left of the read budget).
 */
export type ReadShard = (
  partition: string,
  startKey: Record<string, unknown> | undefined,
  wanted: number,
  cap: number,
) => Promise<ShardRead>;

interface ShardState {
  partition: string;
  /** ExclusiveStartKey of the next read. */
  startKey?: Record<string, unknown>;
  /** The position this page started from, kept while nothing is consumed from the shard. */
  initial: ShardPosition;
  buffer: IndexEntry[];
  exhausted: boolean;
  lastConsumed?: IndexEntry;
}

/**
 * How many entries to read from each of `shards` shards when `wanted` entries are to be merged, so that one
 * round of Queries usually suffices.
 * An entry's shard is a hash of its image id, so of the newest `wanted` entries each shard holds a binomial
 * count: mean m = wanted / shards, standard deviation sqrt(m (1 - 1 / shards)). A shard whose buffer runs dry
 * while the page still needs entries is read again, and that second round of Queries is a round trip added to
 * the page. An even share plus one (5 entries for a page of 24 over 8 shards) leaves some shard short on 9
 * pages in 10; m + 3 sigma, rounded up, leaves it to the binomial's tail beyond 3 sigma: 9 entries, and a
 * second round on about 1 page in 80 (a shard's chance of holding 9 or more of the 24 is 0.17%, times 8 shards).
 * The surplus is bytes, not requests: it stays buffered or is read again by the next page, and with whole
 * items (~1.3 KB) 9 entries are 3 read units of 4 KB where 5 were 2. One shard reads exactly `wanted`.
 */
export const shardReadSize = (wanted: number, shards: number): number => {
  const mean = wanted / shards;
  const sigma = Math.sqrt(mean * (1 - 1 / shards));
  return Math.min(wanted, Math.ceil(mean + 3 * sigma));
};

/**
 * The share of entries a residual filter is taken to keep until a page's reads show its rate: a first round
 * sized for a page of `want` matches reads want / RESIDUAL_MATCH_PRIOR entries' worth over the shards.
 * Both ways of being wrong cost: a round too small sends a second round trip to every dry shard (~5 ms
 * locally), one too large has DynamoDB evaluate whole items the page does not need (~0.05 ms each locally,
 * read units in AWS). One half covers the residual filters the planner leaves (`not uncertain` keeps ~9 in
 * 10, an animal among uncertain images ~1 in 3, minConfidence anything) in one round for most pages, and
 * over-reads an unfiltered-like filter by less than two.
 */
export const RESIDUAL_MATCH_PRIOR = 0.5;

/**
 * How many entries a shard's next read should evaluate to yield `share` matches: the share scaled by the
 * match rate this page's reads have shown so far, over every shard (shards hold alike mixes; a residual
 * filter drops the rest), or all a shard may read when nothing has matched yet. Each round is a round trip
 * on every dry shard, so reaching a selective filter's matches, or its read budget, in two rounds instead
 * of one round per ~200 entries is what keeps such a page near an unfiltered one's latency. Over-reading
 * is bounded by the budget; a surplus match stays buffered and is read again by the next page.
 */
const readSize = (share: number, evaluated: number, matched: number, cap: number): number => {
  if (evaluated === 0) return share;
  if (matched === 0) return cap;
  return Math.min(cap, Math.ceil((share * evaluated) / matched));
};

export interface MergeOptions {
  /** Entries all reads together may evaluate; once spent the merge ends, exhausted or not. */
  budget?: number;
  /**
   * Whether the reads apply a residual filter: the first round is then sized for the previous page's match
   * rate (`prior`, from its nextToken) or, on a first page, for RESIDUAL_MATCH_PRIOR.
   */
  filtered?: boolean;
  prior?: MatchRate;
}

export class ShardMerge {
  private readonly shards: ShardState[];
  private readonly budget: number;
  private readonly filtered: boolean;
  private readonly prior: MatchRate | undefined;
  private readonly partitionKey: string;
  private readonly sortKey: string;
  /** The owner key of a twin's partitions, which an ExclusiveStartKey must name too. */
  private readonly ownerKey: Record<string, string>;
  private consumed = 0;
  private evaluated = 0;
  /** Entries the reads returned (the residual filter kept): with `evaluated`, the page's match rate so far. */
  private matched = 0;
  private stopped = false;

  /**
   * @param want how many entries the caller expects to consume (page + 1), to size the first reads.
   */
  constructor(
    partitions: ShardedPartitions,
    positions: readonly ShardPosition[],
    private readonly readShard: ReadShard,
    private readonly want: number,
    options: MergeOptions = {},
  ) {
    this.budget = options.budget ?? Infinity;
    this.filtered = options.filtered ?? false;
    this.prior = options.prior;
    const index = INDEXES[partitions.index];
    this.partitionKey = index.partitionKey;
    this.sortKey = index.sortKey;
    this.ownerKey = index.ownerKey && partitions.owner !== undefined ? { [index.ownerKey]: partitions.owner } : {};
    this.shards = positions.map((initial, shard) => {
      const partition = shardedPartition(partitions.partitionValue, shard);
      const state: ShardState = { partition, initial, buffer: [], exhausted: initial === 'done' };
      if (typeof initial === 'object') state.startKey = this.keyAt(partition, initial);
      return state;
    });
  }

  /** The newest entry not consumed yet, across every shard, without consuming it. */
  async peek(): Promise<IndexEntry | undefined> {
    const shard = await this.head();
    return shard?.buffer[0];
  }

  /** Consumes and returns the newest entry across every shard; undefined when every shard is exhausted. */
  async next(): Promise<IndexEntry | undefined> {
    const shard = await this.head();
    if (!shard) return undefined;
    const entry = shard.buffer.shift() as IndexEntry;
    shard.lastConsumed = entry;
    this.consumed += 1;
    return entry;
  }

  /**
   * Whether the merge ended because the read budget was spent while some shard still had entries to
   * evaluate: more may match, and positions() says where to resume.
   */
  get budgetSpent(): boolean {
    return this.stopped;
  }

  /**
   * What this page's reads evaluated and the residual filter kept, for the next page's first reads: the
   * previous page's rate when this one read nothing; none without a residual filter.
   */
  matchRate(): MatchRate | undefined {
    if (!this.filtered) return undefined;
    return this.evaluated > 0 ? { matched: this.matched, evaluated: this.evaluated } : this.prior;
  }

  /** Where each shard stands after what was consumed: what the next page resumes from. */
  positions(): ShardPosition[] {
    return this.shards.map((s) => {
      if (s.buffer.length > 0) return s.lastConsumed ? this.positionOf(s.lastConsumed) : s.initial;
      // Everything read from this shard was consumed or rejected by the filter: resume after the last evaluated key.
      if (!s.exhausted) return s.startKey ? this.positionOf(s.startKey) : 'start';
      return 'done';
    });
  }

  /**
   * The shard holding the newest unconsumed entry, after reading every dry shard that could hold a newer one.
   * A dry shard has evaluated its entries down to its frontier (the key it resumes after), so it holds
   * nothing newer than that: an entry newer than every dry shard's frontier is emitted without reading them.
   * That is what lets a selective filter's page emit the matches its reads found rather than stop at the
   * first dry shard; an unfiltered shard's frontier is its last entry, so it is read as soon as it runs dry.
   */
  private async head(): Promise<ShardState | undefined> {
    for (;;) {
      const best = this.newestHead();
      const live = this.shards.filter((s) => !s.exhausted);
      const head = best?.buffer[0];
      // Strictly newer by CreatedAt: how DynamoDB orders entries of equal CreatedAt within an index is not
      // documented, so a tie with a frontier blocks.
      const blocking = live.filter((s) => s.buffer.length === 0 && !(head && s.startKey && (head[this.sortKey] as string) > (s.startKey[this.sortKey] as string)));
      if (blocking.length === 0) return best;
      const left = this.budget - this.evaluated;
      // A blocking shard may hold the next entry: without budget to read each of them at least once, no
      // entry can be emitted in order, so the merge ends here and the next page resumes every shard where it stands.
      if (left < blocking.length) {
        this.stopped = true;
        return undefined;
      }
      // The first round is sized from the page's spread over the shards (for a residual filter, from the
      // prior match rate), so that it usually suffices. Later rounds top up with an even share plus one,
      // scaled by the match rate seen: a larger share hands the rest of the budget to the first shards to run
      // dry, and a selective filter's page ends short when the others run dry with none left.
      const remaining = Math.max(1, this.want - this.consumed);
      const first = this.evaluated === 0;
      // On a filtered page that follows another, the first round is sized by the rate the previous page saw,
      // as later rounds are by this page's: a filter that kept nothing there reads the whole budget in one round.
      const prior = first && this.filtered && this.prior && this.prior.evaluated > 0 ? this.prior : undefined;
      const firstRound = this.filtered && !prior ? Math.ceil(remaining / RESIDUAL_MATCH_PRIOR) : remaining;
      const share = first ? shardReadSize(firstRound, live.length) : Math.ceil(remaining / live.length) + 1;
      const [evaluated, matched] = prior ? [prior.evaluated, prior.matched] : [this.evaluated, this.matched];
      // A later round also tops up every shard holding less than its share: each would soon block and cost
      // a round trip of its own. With too little budget for them all, the blocking shards come first.
      const topUp = first ? live : live.filter((s) => s.buffer.length < share);
      const reads = left >= topUp.length ? topUp : blocking;
      // The budget left is shared exactly (the first left % n shards read one more), so that a round that
      // spends it leaves no remainder that would cost a round of one-entry Queries.
      const base = Math.floor(left / reads.length);
      const extra = left % reads.length;
      await Promise.all(
        reads.map((s, i) => {
          const cap = base + (i < extra ? 1 : 0);
          return this.fill(s, readSize(share, evaluated, matched, cap), cap);
        }),
      );
    }
  }

  /** The shard whose buffered head is the newest, without reading. */
  private newestHead(): ShardState | undefined {
    let best: ShardState | undefined;
    for (const s of this.shards) {
      const entry = s.buffer[0];
      if (entry && (!best || this.newer(entry, best.buffer[0] as IndexEntry))) best = s;
    }
    return best;
  }

  private async fill(shard: ShardState, wanted: number, cap: number): Promise<void> {
    const read = await this.readShard(shard.partition, shard.startKey, wanted, cap);
    this.evaluated += read.evaluated;
    this.matched += read.entries.length;
    shard.buffer.push(...read.entries);
    if (read.lastKey) shard.startKey = read.lastKey;
    else shard.exhausted = true;
  }

  private newer(a: IndexEntry, b: IndexEntry): boolean {
    const at = a[this.sortKey] as string;
    const bt = b[this.sortKey] as string;
    if (at !== bt) return at > bt;
    return (a[TABLE_PARTITION_KEY] as string) > (b[TABLE_PARTITION_KEY] as string);
  }

  private positionOf(entry: Record<string, unknown>): ShardPosition {
    return { createdAt: entry[this.sortKey] as string, id: entry[TABLE_PARTITION_KEY] as string };
  }

  private keyAt(partition: string, position: { createdAt: string; id: string }): Record<string, unknown> {
    return { [TABLE_PARTITION_KEY]: position.id, ...this.ownerKey, [this.partitionKey]: partition, [this.sortKey]: position.createdAt };
  }
}
