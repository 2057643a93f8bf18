import { ValidationError } from '../../../functions/core/errors';
import { planStatsRange } from '../../../functions/core/image-stats';
import type { StatsBucket } from '../../../console/src/api';
import { bucketLabel, granularityFor, isDay, lastDays, toStatsQuery, totalsOf, uncertainPercentOf } from '../../../console/src/stats';

const bucket = (counts: Partial<StatsBucket>): StatsBucket => ({
  start: '2026-11-30T00:00:00.000Z',
  total: 0,
  cats: 0,
  dogs: 0,
  others: 0,
  uncertain: 0,
  failed: 0,
  ...counts,
});

/** How many buckets the server plans for the call the console makes. */
const serverBuckets = (query: ReturnType<typeof toStatsQuery>): number | string => {
  try {
    return planStatsRange('ALL', query.from, query.to, query.granularity).buckets;
  } catch (error) {
    if (error instanceof ValidationError) return error.code;
    throw error;
  }
};

describe('the Insights range', () => {
  it('defaults to the last 30 UTC days, today included', () => {
    expect(lastDays(30, Date.parse('2026-11-30T23:59:00+00:00'))).toEqual({ from: '2026-11-01', to: '2026-11-30' });
    // 01:00 on Dec 1 in UTC+2 is still Nov 30 in UTC.
    expect(lastDays(30, Date.parse('2026-12-01T01:00:00+02:00'))).toEqual({ from: '2026-11-01', to: '2026-11-30' });
  });

  it('asks for whole UTC days, both ends included, one bucket per day', () => {
    const query = toStatsQuery({ from: '2026-11-01', to: '2026-11-30' }, 'AUTO');
    expect(query).toEqual({ from: '2026-11-01T00:00:00.000Z', to: '2026-12-01T00:00:00.000Z', granularity: 'DAY' });
    expect(serverBuckets(query)).toBe(30);
  });

  it('chooses hours for up to two days and days beyond, unless told', () => {
    expect(granularityFor({ from: '2026-11-30', to: '2026-11-30' }, 'AUTO')).toBe('HOUR');
    expect(serverBuckets(toStatsQuery({ from: '2026-11-29', to: '2026-11-30' }, 'AUTO'))).toBe(48);
    expect(granularityFor({ from: '2026-11-28', to: '2026-11-30' }, 'AUTO')).toBe('DAY');
    expect(granularityFor({ from: '2026-11-28', to: '2026-11-30' }, 'HOUR')).toBe('HOUR');
    expect(granularityFor({ from: '2026-11-30', to: '2026-11-30' }, 'DAY')).toBe('DAY');
  });

  it('leaves the 744-bucket limit and reversed ranges to the server, which names them', () => {
    expect(serverBuckets(toStatsQuery({ from: '2026-10-01', to: '2026-10-31' }, 'HOUR'))).toBe(744);
    expect(serverBuckets(toStatsQuery({ from: '2026-10-01', to: '2026-11-01' }, 'HOUR'))).toBe('StatsRangeTooLarge');
    expect(serverBuckets(toStatsQuery({ from: '2024-01-01', to: '2026-11-30' }, 'DAY'))).toBe('StatsRangeTooLarge');
    expect(serverBuckets(toStatsQuery({ from: '2026-11-30', to: '2026-11-01' }, 'DAY'))).toBe('InvalidStatsRange');
  });

  it('accepts only what a date input writes', () => {
    expect(isDay('2026-11-30')).toBe(true);
    expect(isDay('')).toBe(false);
    expect(isDay('2026-13-01')).toBe(false);
    expect(isDay('30/11/2026')).toBe(false);
  });
});

describe('the Insights figures', () => {
  it('adds the buckets up, and rates uncertain images among the completed ones', () => {
    const totals = totalsOf([
      bucket({ total: 3, cats: 1, dogs: 2, uncertain: 1 }),
      bucket({ start: '2026-11-29T00:00:00.000Z' }),
      bucket({ start: '2026-11-28T00:00:00.000Z', total: 2, others: 1, failed: 1 }),
    ]);
    expect(totals).toEqual({ total: 5, cats: 1, dogs: 2, others: 1, failed: 1, uncertain: 1, completed: 4, uncertainPercent: 25 });
  });

  it('has no uncertain rate where nothing completed (a gap in the line, "–" in the table)', () => {
    expect(totalsOf([]).uncertainPercent).toBeUndefined();
    expect(uncertainPercentOf(bucket({ total: 1, failed: 1 }))).toBeNull();
    expect(uncertainPercentOf(bucket({ total: 4, cats: 3, dogs: 1, uncertain: 1 }))).toBe(25);
  });

  it('labels buckets in UTC, like the server keeps them', () => {
    expect(bucketLabel('2026-11-30T00:00:00.000Z', 'DAY')).toBe('2026-11-30');
    expect(bucketLabel('2026-11-30T14:00:00.000Z', 'HOUR')).toBe('2026-11-30 14:00');
  });
});
