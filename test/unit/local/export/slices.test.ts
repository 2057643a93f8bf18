/**
 * Slicing an export's range: cuts of about SLICE_ROWS images from imageStats-like counts, and slices that cover
 * the range exactly, meeting at a millisecond, newest first, within the export's own bounds.
 */
import { boundaries, matchingIn, slicesBetween } from '../../../../local/export/slices';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 10, 1);

it('cuts evenly filled hours into runs of the wanted size, newest first', () => {
  const buckets = Array.from({ length: 10 }, (_, h) => ({ startMs: T0 + h * HOUR, count: 60 }));
  // 600 images, 250 per slice: cuts 250 and 500 images back from the newest, interpolated within hours.
  expect(boundaries(buckets, HOUR, 250)).toEqual([T0 + 10 * HOUR - (250 / 60) * HOUR, T0 + 10 * HOUR - (500 / 60) * HOUR].map(Math.round));
  expect(boundaries([{ startMs: T0, count: 10 }], HOUR, 250)).toEqual([]);
});

it('slices cover the range exactly: neighbours meet at a millisecond, the ends are the export bounds', () => {
  const cuts = [T0 + 2 * HOUR, T0 + HOUR];
  expect(slicesBetween({}, cuts)).toEqual([
    { createdAfter: new Date(T0 + 2 * HOUR).toISOString() },
    { createdAfter: new Date(T0 + HOUR).toISOString(), createdBefore: new Date(T0 + 2 * HOUR - 1).toISOString() },
    { createdBefore: new Date(T0 + HOUR - 1).toISOString() },
  ]);
  const bounded = { createdAfter: new Date(T0).toISOString(), createdBefore: new Date(T0 + 3 * HOUR).toISOString() };
  expect(slicesBetween(bounded, cuts)).toEqual([
    { createdAfter: new Date(T0 + 2 * HOUR).toISOString(), createdBefore: bounded.createdBefore },
    { createdAfter: new Date(T0 + HOUR).toISOString(), createdBefore: new Date(T0 + 2 * HOUR - 1).toISOString() },
    { createdAfter: bounded.createdAfter, createdBefore: new Date(T0 + HOUR - 1).toISOString() },
  ]);
  expect(slicesBetween(bounded, [])).toEqual([bounded]);
});

it('estimates what a filter keeps of a bucket from its narrowest count', () => {
  const bucket = { start: '', total: 100, cats: 40, dogs: 35, others: 20, uncertain: 10, failed: 5 };
  expect(matchingIn(bucket, {})).toBe(100);
  expect(matchingIn(bucket, { detectedAnimal: 'DOG' })).toBe(35);
  expect(matchingIn(bucket, { detectedAnimal: 'CAT', uncertain: true })).toBe(10);
  expect(matchingIn(bucket, { status: 'COMPLETED' })).toBe(95);
  expect(matchingIn(bucket, { status: 'PENDING' })).toBe(0);
});
