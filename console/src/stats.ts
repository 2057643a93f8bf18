/**
 * The Insights view's arithmetic: which imageStats call a date range means, and what its buckets add up to.
 * Every figure comes from imageStats (counted once per image on the server); nothing here counts images.
 * Dates are whole UTC days because the server's buckets are UTC hours and days.
 */
import type { StatsBucket, StatsGranularity } from './api';

/** yyyy-mm-dd, as <input type=date> writes it; both ends inclusive, in UTC. */
export interface StatsRange {
  from: string;
  to: string;
}

/** AUTO: hours for a range of up to HOURLY_UP_TO_DAYS days, days beyond. */
export type GranularityChoice = 'AUTO' | StatsGranularity;

export interface StatsQuery {
  /** The first bucket's start and the end of the last one (exclusive), ISO-8601 UTC. */
  from: string;
  to: string;
  granularity: StatsGranularity;
}

export interface StatsTotals {
  total: number;
  cats: number;
  dogs: number;
  others: number;
  failed: number;
  uncertain: number;
  /** COMPLETED images: cats + dogs + others. */
  completed: number;
  /** uncertain / completed in percent, or undefined when nothing completed. */
  uncertainPercent?: number;
}

export const DEFAULT_RANGE_DAYS = 30;
export const HOURLY_UP_TO_DAYS = 2;
const DAY_MS = 86_400_000;

const utcDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
const dayStart = (day: string): number => Date.parse(`${day}T00:00:00.000Z`);

export const isDay = (value: string): boolean => /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(dayStart(value));

/** The last `days` UTC days, today included. */
export const lastDays = (days: number, now = Date.now()): StatsRange => ({ from: utcDay(now - (days - 1) * DAY_MS), to: utcDay(now) });

export const granularityFor = (range: StatsRange, choice: GranularityChoice): StatsGranularity => {
  if (choice !== 'AUTO') return choice;
  const days = (dayStart(range.to) - dayStart(range.from)) / DAY_MS + 1;
  return days <= HOURLY_UP_TO_DAYS ? 'HOUR' : 'DAY';
};

/**
 * The imageStats arguments for whole days. A reversed range is sent as it is: the server's
 * InvalidStatsRange (and StatsRangeTooLarge beyond 744 buckets) is the one rule, shown by name.
 */
export const toStatsQuery = (range: StatsRange, choice: GranularityChoice): StatsQuery => ({
  from: new Date(dayStart(range.from)).toISOString(),
  to: new Date(dayStart(range.to) + DAY_MS).toISOString(),
  granularity: granularityFor(range, choice),
});

export const completedIn = (bucket: Pick<StatsBucket, 'cats' | 'dogs' | 'others'>): number => bucket.cats + bucket.dogs + bucket.others;

/** A bucket's uncertain rate in percent; null (a gap in the line) when nothing in it completed. */
export const uncertainPercentOf = (bucket: Pick<StatsBucket, 'cats' | 'dogs' | 'others' | 'uncertain'>): number | null => {
  const completed = completedIn(bucket);
  return completed ? (bucket.uncertain / completed) * 100 : null;
};

export const totalsOf = (buckets: readonly StatsBucket[]): StatsTotals => {
  const totals = { total: 0, cats: 0, dogs: 0, others: 0, failed: 0, uncertain: 0 };
  for (const bucket of buckets) {
    totals.total += bucket.total;
    totals.cats += bucket.cats;
    totals.dogs += bucket.dogs;
    totals.others += bucket.others;
    totals.failed += bucket.failed;
    totals.uncertain += bucket.uncertain;
  }
  const completed = completedIn(totals);
  return { ...totals, completed, uncertainPercent: completed ? (totals.uncertain / completed) * 100 : undefined };
};

/** "2026-11-30" for a day, "2026-11-30 14:00" for an hour: UTC, like the buckets. */
export const bucketLabel = (start: string, granularity: StatsGranularity): string =>
  granularity === 'DAY' ? start.slice(0, 10) : `${start.slice(0, 10)} ${start.slice(11, 16)}`;
