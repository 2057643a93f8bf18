/**
 * imageStats: how many images reached a final status, per UTC hour or day of their createdAt, per scope.
 *
 * Counting (use-cases/count-final-statuses.ts) adds each image once, when its final status appears in the
 * DetectionLogs stream, to the buckets of its createdAt in two scopes: its owner's and ALL (analysts).
 * Reading is one Query over one scope and granularity, with the empty buckets filled in here.
 * Counts are history: a record expiring by TTL leaves its buckets as they are.
 */
import type { CallerScope } from './caller-scope';
import type { ImageRecord } from './domain';
import { UnauthorizedError, ValidationError } from './errors';

export type StatsGranularity = 'HOUR' | 'DAY';

export interface StatsCounts {
  total: number;
  cats: number;
  dogs: number;
  others: number;
  uncertain: number;
  failed: number;
}

export interface StatsBucket extends StatsCounts {
  /** The bucket's first instant, UTC, as toISOString() writes it. */
  start: string;
}

/** The ImageStats table: counter items (functions/adapters/stats-counter-items.ts) and one marker per counted image. */
export const STATS_TABLE = { partitionKey: 'StatsKey', sortKey: 'Bucket', ttlAttribute: 'ExpiresAt' } as const;

/** 31 days of hours, or about two years of days. */
export const MAX_STATS_BUCKETS = 744;

const BUCKET_MS: Record<StatsGranularity, number> = { HOUR: 3_600_000, DAY: 86_400_000 };
export const GRANULARITIES: readonly StatsGranularity[] = ['HOUR', 'DAY'];

export const ZERO_COUNTS: StatsCounts = { total: 0, cats: 0, dogs: 0, others: 0, uncertain: 0, failed: 0 };
export const COUNT_NAMES = Object.keys(ZERO_COUNTS) as Array<keyof StatsCounts>;

/** The scope key counters are kept under: one per owner, and ALL for analysts. */
export const ALL_SCOPE = 'ALL';
export const ownerScope = (owner: string): string => `OWNER#${owner}`;

/** The scopes an image counts in. A record from before owners existed counts for analysts only. */
export const countedScopes = (record: Pick<ImageRecord, 'owner'>): string[] =>
  record.owner ? [ALL_SCOPE, ownerScope(record.owner)] : [ALL_SCOPE];

/** The scope a caller reads: its own images' counters, or ALL for analysts. */
export const statsScopeFor = (scope: CallerScope): string => {
  if (scope.kind === 'owner') return ownerScope(scope.owner);
  if (scope.kind === 'everyone') return ALL_SCOPE;
  throw new UnauthorizedError('imageStats', 'Query');
};

/** The start of the UTC hour or day holding an instant (epoch ms). */
export const bucketStart = (ms: number, granularity: StatsGranularity): number => Math.floor(ms / BUCKET_MS[granularity]) * BUCKET_MS[granularity];

/** What one image adds to its buckets: counted once as it reaches COMPLETED or FAILED. */
export const countsOf = (record: Pick<ImageRecord, 'status' | 'detectedAnimal' | 'uncertain'>): StatsCounts => {
  const completed = record.status === 'COMPLETED';
  return {
    total: 1,
    cats: completed && record.detectedAnimal === 'CAT' ? 1 : 0,
    dogs: completed && record.detectedAnimal === 'DOG' ? 1 : 0,
    others: completed && record.detectedAnimal === 'OTHER' ? 1 : 0,
    uncertain: completed && record.uncertain === true ? 1 : 0,
    failed: record.status === 'FAILED' ? 1 : 0,
  };
};

/** One counter an image increments: a scope, a granularity and the bucket of its createdAt. */
export interface CounterKey {
  scope: string;
  granularity: StatsGranularity;
  start: string;
}

/** Every counter one image adds to: each of its scopes, at each granularity. */
export const counterKeysOf = (record: Pick<ImageRecord, 'owner' | 'createdAt'>): CounterKey[] => {
  const created = Date.parse(record.createdAt);
  return countedScopes(record).flatMap((scope) =>
    GRANULARITIES.map((granularity) => ({ scope, granularity, start: new Date(bucketStart(created, granularity)).toISOString() })),
  );
};

export interface StatsRange {
  scope: string;
  granularity: StatsGranularity;
  /** Start of the first bucket and of the last, inclusive. */
  firstStart: string;
  lastStart: string;
  buckets: number;
}

const invalidRange = (message: string): ValidationError => new ValidationError('InvalidStatsRange', message);

/**
 * The buckets asked for: every UTC bucket that overlaps [from, to). Refuses a reversed or empty range
 * (InvalidStatsRange) and more than MAX_STATS_BUCKETS buckets (StatsRangeTooLarge).
 */
export const planStatsRange = (scope: string, from: string, to: string, granularity: StatsGranularity | null | undefined): StatsRange => {
  const g = granularity ?? 'DAY';
  if (!GRANULARITIES.includes(g)) throw invalidRange(`granularity must be one of ${GRANULARITIES.join(', ')}`);
  const fromMs = Date.parse(from);
  const toMs = Date.parse(to);
  if (Number.isNaN(fromMs)) throw invalidRange(`from '${String(from).slice(0, 40)}' is not an ISO-8601 date-time`);
  if (Number.isNaN(toMs)) throw invalidRange(`to '${String(to).slice(0, 40)}' is not an ISO-8601 date-time`);
  if (toMs <= fromMs) throw invalidRange('to must be later than from');
  const first = bucketStart(fromMs, g);
  const buckets = Math.ceil((toMs - first) / BUCKET_MS[g]);
  if (buckets > MAX_STATS_BUCKETS) {
    throw new ValidationError(
      'StatsRangeTooLarge',
      `from..to spans ${buckets} ${g === 'DAY' ? 'days' : 'hours'}; at most ${MAX_STATS_BUCKETS} buckets per call`,
    );
  }
  return {
    scope,
    granularity: g,
    firstStart: new Date(first).toISOString(),
    lastStart: new Date(first + (buckets - 1) * BUCKET_MS[g]).toISOString(),
    buckets,
  };
};

/** A bucket as the store holds it: its first instant (epoch ms) and its counts. */
export interface StoredBucket {
  startMs: number;
  counts: StatsCounts;
}

/** Every bucket of the range, in order, with the stored counts where they exist and zeros elsewhere. */
export const fillBuckets = (range: StatsRange, stored: readonly StoredBucket[]): StatsBucket[] => {
  const size = BUCKET_MS[range.granularity];
  const first = Date.parse(range.firstStart);
  const byIndex: Array<StatsCounts | undefined> = new Array<StatsCounts | undefined>(range.buckets);
  for (const bucket of stored) {
    const index = (bucket.startMs - first) / size;
    if (index >= 0 && index < range.buckets && Number.isInteger(index)) byIndex[index] = bucket.counts;
  }
  const buckets: StatsBucket[] = new Array<StatsBucket>(range.buckets);
  for (let i = 0; i < range.buckets; i += 1) {
    const c = byIndex[i] ?? ZERO_COUNTS;
    const start = new Date(first + i * size).toISOString();
    buckets[i] = { start, total: c.total, cats: c.cats, dogs: c.dogs, others: c.others, uncertain: c.uncertain, failed: c.failed };
  }
  return buckets;
};
