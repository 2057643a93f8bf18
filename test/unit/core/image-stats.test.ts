import { ValidationError } from '../../../functions/core/errors';
import {
  counterKeysOf,
  countsOf,
  fillBuckets,
  MAX_STATS_BUCKETS,
  planStatsRange,
  statsScopeFor,
} from '../../../functions/core/image-stats';

const codeOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (error) {
    if (error instanceof ValidationError) return error.code;
    throw error;
  }
  return 'accepted';
};

describe('imageStats ranges', () => {
  it('covers every UTC bucket that overlaps [from, to), from the bucket holding from', () => {
    expect(planStatsRange('ALL', '2026-11-01T10:30:00+02:00', '2026-11-04T00:00:00Z', 'DAY')).toEqual({
      scope: 'ALL',
      granularity: 'DAY',
      firstStart: '2026-11-01T00:00:00.000Z',
      lastStart: '2026-11-03T00:00:00.000Z',
      buckets: 3,
    });
    expect(planStatsRange('ALL', '2026-11-01T10:30:00Z', '2026-11-01T12:00:01Z', 'HOUR')).toMatchObject({
      firstStart: '2026-11-01T10:00:00.000Z',
      lastStart: '2026-11-01T12:00:00.000Z',
      buckets: 3,
    });
  });

  it('defaults to days, and takes a year of days or 31 days of hours, not one bucket more', () => {
    expect(planStatsRange('ALL', '2025-01-01T00:00:00Z', '2026-01-01T00:00:00Z', null)).toMatchObject({ granularity: 'DAY', buckets: 365 });
    expect(planStatsRange('ALL', '2026-01-01T00:00:00Z', '2026-02-01T00:00:00Z', 'HOUR').buckets).toBe(MAX_STATS_BUCKETS);
    expect(codeOf(() => planStatsRange('ALL', '2026-01-01T00:00:00Z', '2026-02-01T00:00:01Z', 'HOUR'))).toBe('StatsRangeTooLarge');
    expect(codeOf(() => planStatsRange('ALL', '2020-01-01T00:00:00Z', '2026-01-01T00:00:00Z', 'DAY'))).toBe('StatsRangeTooLarge');
  });

  it.each([
    ['yesterday', '2026-01-01T00:00:00Z'],
    ['2026-01-01T00:00:00Z', 'soon'],
    ['2026-01-02T00:00:00Z', '2026-01-01T00:00:00Z'],
    ['2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z'],
  ])('refuses from=%s to=%s with InvalidStatsRange', (from, to) => {
    expect(codeOf(() => planStatsRange('ALL', from, to, 'DAY'))).toBe('InvalidStatsRange');
  });

  it('fills the buckets with no counter with zeros, in order, and leaves out what the store read beyond the range', () => {
    const range = planStatsRange('ALL', '2026-11-01T00:00:00Z', '2026-11-04T00:00:00Z', 'DAY');
    const counts = { total: 3, cats: 1, dogs: 1, others: 0, uncertain: 1, failed: 1 };
    const stored = [
      { startMs: Date.parse('2026-11-02T00:00:00Z'), counts },
      { startMs: Date.parse('2026-11-05T00:00:00Z'), counts },
      { startMs: Date.parse('2026-10-31T00:00:00Z'), counts },
    ];
    expect(fillBuckets(range, stored)).toEqual([
      { start: '2026-11-01T00:00:00.000Z', total: 0, cats: 0, dogs: 0, others: 0, uncertain: 0, failed: 0 },
      { start: '2026-11-02T00:00:00.000Z', ...counts },
      { start: '2026-11-03T00:00:00.000Z', total: 0, cats: 0, dogs: 0, others: 0, uncertain: 0, failed: 0 },
    ]);
  });
});

describe('what an image counts', () => {
  it('counts a completed image under its animal, uncertain too, and a failed one as failed; always once in total', () => {
    expect(countsOf({ status: 'COMPLETED', detectedAnimal: 'CAT', uncertain: true })).toEqual({ total: 1, cats: 1, dogs: 0, others: 0, uncertain: 1, failed: 0 });
    expect(countsOf({ status: 'FAILED' })).toEqual({ total: 1, cats: 0, dogs: 0, others: 0, uncertain: 0, failed: 1 });
  });

  it('in the hour and the day of its createdAt, for its owner and for analysts', () => {
    expect(counterKeysOf({ owner: 'sub-a', createdAt: '2026-11-30T05:59:59.999Z' })).toEqual([
      { scope: 'ALL', granularity: 'HOUR', start: '2026-11-30T05:00:00.000Z' },
      { scope: 'ALL', granularity: 'DAY', start: '2026-11-30T00:00:00.000Z' },
      { scope: 'OWNER#sub-a', granularity: 'HOUR', start: '2026-11-30T05:00:00.000Z' },
      { scope: 'OWNER#sub-a', granularity: 'DAY', start: '2026-11-30T00:00:00.000Z' },
    ]);
  });

  it('is read in the scope of the caller: its own counters, everyone\'s for analysts, nothing otherwise', () => {
    expect(statsScopeFor({ kind: 'owner', owner: 'public' })).toBe('OWNER#public');
    expect(statsScopeFor({ kind: 'everyone' })).toBe('ALL');
    expect(() => statsScopeFor({ kind: 'none' })).toThrow('Not Authorized to access imageStats');
  });
});
