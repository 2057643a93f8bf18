import { bucketsOfItem, counterCell, decodeLanes, sumCounterItems } from '../../../functions/adapters/stats-counter-items';
import { counterKeysOf, countsOf } from '../../../functions/core/image-stats';

const cat = { status: 'COMPLETED' as const, detectedAnimal: 'CAT' as const, uncertain: true };
const failed = { status: 'FAILED' as const };

describe('where a bucket lives', () => {
  it.each([
    ['DAY', '2026-02-28T00:00:00.000Z', { partition: 'ALL#D', item: '2026-02', slot: 28 }],
    ['DAY', '2026-03-01T00:00:00.000Z', { partition: 'ALL#D', item: '2026-03', slot: 1 }],
    ['HOUR', '2026-12-31T23:00:00.000Z', { partition: 'ALL#H', item: '2026-12-31', slot: 23 }],
    ['HOUR', '2027-01-01T00:00:00.000Z', { partition: 'ALL#H', item: '2027-01-01', slot: 0 }],
  ] as const)('a %s bucket starting %s is slot %j', (granularity, start, cell) => {
    expect(counterCell({ scope: 'ALL', granularity, start })).toEqual(cell);
  });
});

describe('packing', () => {
  it('sums a batch per item and bucket, three counts per number, leaving out lanes that add nothing', () => {
    const images = [
      { id: '1', owner: 'u', createdAt: '2026-11-05T10:15:00.000Z', ...cat },
      { id: '2', owner: 'u', createdAt: '2026-11-05T10:45:00.000Z', ...cat },
      { id: '3', owner: 'v', createdAt: '2026-11-06T00:00:00.000Z', ...failed },
    ].map((r) => ({ id: r.id, counters: counterKeysOf(r), counts: countsOf(r) }));
    const adds = Object.fromEntries(sumCounterItems(images).map((i) => [`${i.partition} ${i.item}`, i.adds]));
    expect(adds).toEqual({
      'ALL#D 2026-11': { a5: 2_000000000002_000000000000n, b5: 2_000000000000n, a6: 1_000000000000_000000000000n, b6: 1n },
      'ALL#H 2026-11-05': { a10: 2_000000000002_000000000000n, b10: 2_000000000000n },
      'ALL#H 2026-11-06': { a0: 1_000000000000_000000000000n, b0: 1n },
      'OWNER#u#D 2026-11': { a5: 2_000000000002_000000000000n, b5: 2_000000000000n },
      'OWNER#u#H 2026-11-05': { a10: 2_000000000002_000000000000n, b10: 2_000000000000n },
      'OWNER#v#D 2026-11': { a6: 1_000000000000_000000000000n, b6: 1n },
      'OWNER#v#H 2026-11-06': { a0: 1_000000000000_000000000000n, b0: 1n },
    });
  });

  it.each([
    ['7', [0, 0, 7]],
    ['12000000000005', [0, 12, 5]],
    ['999999999999999999999999999999999999', [999_999_999_999, 999_999_999_999, 999_999_999_999]],
    ['4.2E+25', [42, 0, 0]],
    ['1.000000000002000000000003E+24', [1, 2, 3]],
    ['3E+12', [0, 3, 0]],
  ] as const)('reads %s as the lanes %j', (number, lanes) => {
    expect(decodeLanes(number)).toEqual(lanes);
  });

  it('refuses a number that is not a count rather than reading a wrong one', () => {
    expect(() => decodeLanes('1.5')).toThrow(/not a non-negative integer/);
    expect(() => decodeLanes('1.25E+1')).toThrow(/not an integer/);
    expect(() => decodeLanes('-3')).toThrow(/not a non-negative integer/);
  });

  it('reads an item back as the buckets in it, only those with a count', () => {
    const into: Array<{ startMs: number; counts: ReturnType<typeof countsOf> }> = [];
    bucketsOfItem(
      { StatsKey: { S: 'ALL#H' }, Bucket: { S: '2026-11-05' }, a0: { N: '1000000000000000000000001' }, a23: { N: '2000000000000000000000000' }, b23: { N: '2' } },
      'HOUR',
      into,
    );
    expect(into.sort((x, y) => x.startMs - y.startMs)).toEqual([
      { startMs: Date.parse('2026-11-05T00:00:00Z'), counts: { total: 1, cats: 0, dogs: 1, others: 0, uncertain: 0, failed: 0 } },
      { startMs: Date.parse('2026-11-05T23:00:00Z'), counts: { total: 2, cats: 0, dogs: 0, others: 0, uncertain: 0, failed: 2 } },
    ]);
  });
});
