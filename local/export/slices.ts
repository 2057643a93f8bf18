/**
 * Splits an export's createdAt range into consecutive slices of about SLICE_ROWS matching images each, newest
 * first, so that several slices can be paged at once (read-ahead.ts) while the rows still come out in the order
 * of one `images` listing. The sizes are estimated from `imageStats` (one call, or two), the caller's own counts
 * per UTC hour or day; the estimate only balances the work. The slices always cover the whole range
 * exactly: the newest has no upper bound unless --to set one, the oldest no lower bound unless --from did, and
 * neighbours meet at a millisecond (createdAt's precision; both bounds of `images` are inclusive).
 */
import type { ImageFilter, StatsBucket } from '../../graphql/types';
import { MAX_STATS_BUCKETS } from '../../functions/core/image-stats';
import { graphql, type ApiTarget, type RequestOptions } from '../client/graphql';

/** Rows a slice should hold: ten full pages, which one reader fetches ahead of its turn. */
export const SLICE_ROWS = 1000;
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export interface Slice {
  createdAfter?: string;
  createdBefore?: string;
}

const IMAGE_STATS = `query ExportPlan($from: AWSDateTime!, $to: AWSDateTime!, $granularity: StatsGranularity) {
  imageStats(from: $from, to: $to, granularity: $granularity) { start total cats dogs others uncertain failed }
}`;

/** How many of a bucket's images the filter may keep: the narrowest count the bucket has for it. */
export const matchingIn = (bucket: StatsBucket, filter: ImageFilter): number => {
  const counts = [bucket.total];
  if (filter.detectedAnimal) counts.push({ CAT: bucket.cats, DOG: bucket.dogs, OTHER: bucket.others }[filter.detectedAnimal]);
  if (filter.uncertain === true) counts.push(bucket.uncertain);
  if (filter.status === 'FAILED') counts.push(bucket.failed);
  if (filter.status === 'COMPLETED') counts.push(bucket.total - bucket.failed);
  // PENDING and PROCESSING images are not counted by imageStats: such an export is one slice.
  if (filter.status === 'PENDING' || filter.status === 'PROCESSING') counts.push(0);
  return Math.min(...counts);
};

/**
 * The inner boundaries (epoch ms, newest first) that cut buckets of `size` ms into runs of about `rows`
 * matching images, assuming images spread evenly within a bucket.
 */
export const boundaries = (buckets: Array<{ startMs: number; count: number }>, sizeMs: number, rows: number): number[] => {
  const cuts: number[] = [];
  let inSlice = 0;
  for (const { startMs, count } of [...buckets].sort((a, b) => b.startMs - a.startMs)) {
    let remaining = count;
    let top = startMs + sizeMs;
    while (inSlice + remaining >= rows && remaining > 0) {
      const take = rows - inSlice;
      const cut = Math.round(top - (take / remaining) * (top - startMs));
      if (cut <= startMs || cut >= top) break;
      cuts.push(cut);
      remaining -= take;
      top = cut;
      inSlice = 0;
    }
    inSlice += remaining;
  }
  return cuts;
};

/** The slices for `filter`, given the boundaries; each slice's own filter is `{ ...filter, ...slice }`. */
export const slicesBetween = (filter: ImageFilter, cuts: number[]): Slice[] => {
  const edges = [...new Set(cuts)].sort((a, b) => b - a);
  const slices: Slice[] = [];
  let upper = filter.createdBefore ?? undefined;
  for (const cut of edges) {
    slices.push({ createdAfter: new Date(cut).toISOString(), ...(upper ? { createdBefore: upper } : {}) });
    upper = new Date(cut - 1).toISOString();
  }
  slices.push({ ...(filter.createdAfter ? { createdAfter: filter.createdAfter } : {}), ...(upper ? { createdBefore: upper } : {}) });
  return slices;
};

/**
 * The slices of an export, planned from imageStats over its range (without --from, the last 744 days; anything
 * older falls in the oldest slice). Any trouble planning (an API without imageStats, say) gives one slice: the
 * export is then read as one sequence.
 */
export const planSlices = async (target: ApiTarget, filter: ImageFilter, now: Date, options: RequestOptions = {}): Promise<Slice[]> => {
  // imageStats counts [from, to); an hour past now covers a client clock running behind the server's.
  const end = filter.createdBefore ? Date.parse(filter.createdBefore) + 1 : now.getTime() + HOUR_MS;
  const lower = filter.createdAfter ? Date.parse(filter.createdAfter) : -Infinity;
  const stats = async (fromMs: number, granularity: 'HOUR' | 'DAY') => {
    const variables = { from: new Date(fromMs).toISOString(), to: new Date(end).toISOString(), granularity };
    const { imageStats } = await graphql<{ imageStats: StatsBucket[] }>(target, IMAGE_STATS, variables, options);
    return imageStats.map((b) => ({ startMs: Date.parse(b.start), count: matchingIn(b, filter) }));
  };
  try {
    let buckets = await stats(Math.max(lower, end - (MAX_STATS_BUCKETS - 1) * DAY_MS), 'DAY');
    let size = DAY_MS;
    const used = buckets.filter((b) => b.count > 0);
    if (used.length === 0) return slicesBetween(filter, []);
    const oldest = Math.max(lower, Math.min(...used.map((b) => b.startMs)));
    // A range of a month or less is planned again by the hour, for slices finer than a day.
    if (end - oldest <= (MAX_STATS_BUCKETS - 1) * HOUR_MS) {
      buckets = await stats(oldest, 'HOUR');
      size = HOUR_MS;
    }
    return slicesBetween(filter, boundaries(buckets, size, SLICE_ROWS).filter((cut) => cut > lower && cut < end));
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    return slicesBetween(filter, []);
  }
};
