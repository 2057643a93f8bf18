/**
 * How ImageStats packs its counters into items. Reading a year of days used to return 365 items of six
 * numbers; DynamoDB and the SDK spend their time per item and per attribute value (bench:queries' floor),
 * so the buckets are packed:
 * - DAY buckets of a scope: one item per UTC month, keyed `<scope>#D` and `YYYY-MM`; HOUR buckets: one item
 *   per UTC day, keyed `<scope>#H` and `YYYY-MM-DD`. A year of days is 13 items, 31 days of hours 31 or 32.
 * - A bucket is two top-level Number attributes named after its slot in the item (day of the month 1-31,
 *   hour 0-23): `a<slot>` = total x 10^24 + cats x 10^12 + dogs and `b<slot>` = others x 10^24 + uncertain x
 *   10^12 + failed. Three 12-digit lanes fit a Number's 38 significant digits, and ADD adds them lane by lane:
 *   no lane carries into the next until a bucket holds 10^12 images (a day at 11 million images/s).
 *   Top-level attributes because UpdateExpression ADD works on nothing else; short names because an item's
 *   write cost is by its size (names included).
 * - An attribute appears when something is first added to it: an empty bucket has none and reads as zeros.
 * Hand-written: no library packs counters; the lanes are plain decimal arithmetic on BigInt.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { COUNT_NAMES, STATS_TABLE, type CounterKey, type StatsCounts, type StatsGranularity, type StatsRange, ZERO_COUNTS } from '../core/image-stats';
import type { CountedImage } from '../core/ports';

const PARTITION_SUFFIX: Record<StatsGranularity, string> = { DAY: 'D', HOUR: 'H' };
/** The sort key of the item holding a bucket: its month (DAY) or its day (HOUR), a prefix of its ISO start. */
const ITEM_KEY_LENGTH: Record<StatsGranularity, number> = { DAY: 7, HOUR: 10 };
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** The two attributes of a bucket and the counts each holds, most significant lane first. */
export const LANES = [
  { prefix: 'a', counts: ['total', 'cats', 'dogs'] },
  { prefix: 'b', counts: ['others', 'uncertain', 'failed'] },
] as const satisfies ReadonlyArray<{ prefix: string; counts: ReadonlyArray<keyof StatsCounts> }>;
const LANE_DIGITS = 12;
const LANE = 10n ** BigInt(LANE_DIGITS);

export const counterPartition = (scope: string, granularity: StatsGranularity): string => `${scope}#${PARTITION_SUFFIX[granularity]}`;

/** The item holding a bucket, and the bucket's slot in it. */
export interface CounterCell {
  partition: string;
  item: string;
  slot: number;
}

export const counterCell = (key: CounterKey): CounterCell => {
  const start = new Date(key.start);
  return {
    partition: counterPartition(key.scope, key.granularity),
    item: key.start.slice(0, ITEM_KEY_LENGTH[key.granularity]),
    slot: key.granularity === 'DAY' ? start.getUTCDate() : start.getUTCHours(),
  };
};

/** One lane attribute's value for these counts, or 0n when all its counts are zero (nothing to add). */
const laneValue = (counts: StatsCounts, lane: (typeof LANES)[number]): bigint =>
  lane.counts.reduce((sum, name) => sum * LANE + BigInt(counts[name]), 0n);

/** What one Update adds to one item: attribute name -> packed value. */
export interface CounterItemAdd {
  partition: string;
  item: string;
  adds: Record<string, bigint>;
}

/** What a set of images adds to the counter items they touch: one entry per item, summed per bucket. */
export const sumCounterItems = (images: readonly CountedImage[]): CounterItemAdd[] => {
  const items = new Map<string, { partition: string; item: string; slots: Map<number, StatsCounts> }>();
  for (const image of images) {
    for (const key of image.counters) {
      const cell = counterCell(key);
      const id = `${cell.partition}|${cell.item}`;
      const entry = items.get(id) ?? { partition: cell.partition, item: cell.item, slots: new Map<number, StatsCounts>() };
      const sum = entry.slots.get(cell.slot) ?? { ...ZERO_COUNTS };
      for (const name of COUNT_NAMES) sum[name] += image.counts[name];
      entry.slots.set(cell.slot, sum);
      items.set(id, entry);
    }
  }
  return [...items.values()].map(({ partition, item, slots }) => {
    const adds: Record<string, bigint> = {};
    for (const [slot, counts] of slots) {
      for (const lane of LANES) {
        const value = laneValue(counts, lane);
        if (value > 0n) adds[`${lane.prefix}${slot}`] = value;
      }
    }
    return { partition, item, adds };
  });
};

/** The item ids (partition|item) an image's counters live in: what a transaction's actions are counted by. */
export const counterItemIds = (counters: readonly CounterKey[]): string[] =>
  counters.map((key) => {
    const cell = counterCell(key);
    return `${cell.partition}|${cell.item}`;
  });

/** A counter item as it is stored, whole, for a bulk load (bench/seed.ts, the layout migration): not for counting. */
export const counterItem = (sum: CounterItemAdd): Record<string, string | bigint> => ({
  [STATS_TABLE.partitionKey]: sum.partition,
  [STATS_TABLE.sortKey]: sum.item,
  ...sum.adds,
});

/**
 * A counter item at its largest: every bucket of a 31-day month (DAY) or a day (HOUR) holding `perBucket`.
 * What the cost and capacity models size a counter write by (an update costs by the larger of the item
 * before and after it).
 */
export const fullCounterItem = (scope: string, granularity: StatsGranularity, perBucket: StatsCounts): Record<string, string | bigint> => {
  const slots = granularity === 'DAY' ? Array.from({ length: 31 }, (_, i) => i + 1) : Array.from({ length: 24 }, (_, i) => i);
  const start = granularity === 'DAY' ? '2026-12-01T00:00:00.000Z' : '2026-12-31T00:00:00.000Z';
  const adds: Record<string, bigint> = {};
  for (const slot of slots) {
    for (const lane of LANES) {
      const value = laneValue(perBucket, lane);
      if (value > 0n) adds[`${lane.prefix}${slot}`] = value;
    }
  }
  const cell = counterCell({ scope, granularity, start });
  return counterItem({ partition: cell.partition, item: cell.item, adds });
};

/** The sort keys of the first and last items a range reads. */
export const itemKeyRange = (range: StatsRange): { first: string; last: string } => ({
  first: range.firstStart.slice(0, ITEM_KEY_LENGTH[range.granularity]),
  last: range.lastStart.slice(0, ITEM_KEY_LENGTH[range.granularity]),
});

/**
 * A Number attribute's digits as three lane counts. DynamoDB hands back what ADD summed as plain digits,
 * but a Number may come in exponent form ("1.2E+25"), so that is read too.
 */
export const decodeLanes = (number: string): [number, number, number] => {
  const plain = /^\d+$/.test(number) ? number : exponentToPlain(number);
  const end = plain.length;
  return [
    end > 2 * LANE_DIGITS ? Number(plain.slice(0, end - 2 * LANE_DIGITS)) : 0,
    end > LANE_DIGITS ? Number(plain.slice(Math.max(0, end - 2 * LANE_DIGITS), end - LANE_DIGITS)) : 0,
    Number(plain.slice(Math.max(0, end - LANE_DIGITS))),
  ];
};

const exponentToPlain = (number: string): string => {
  const match = /^(\d+)(?:\.(\d+))?[eE]\+?(\d+)$/.exec(number);
  if (!match) throw new Error(`ImageStats counter '${number.slice(0, 50)}' is not a non-negative integer`);
  const [, whole = '', fraction = '', exponent = '0'] = match;
  const shift = Number(exponent) - fraction.length;
  if (shift < 0) throw new Error(`ImageStats counter '${number.slice(0, 50)}' is not an integer`);
  return (BigInt(whole + fraction) * 10n ** BigInt(shift)).toString();
};

/**
 * The buckets stored in one raw item (AttributeValues straight from Query), with their starts as epoch ms,
 * pushed onto `into`. Buckets with no attribute are left out: the caller fills them with zeros.
 */
export const bucketsOfItem = (
  item: Record<string, AttributeValue>,
  granularity: StatsGranularity,
  into: Array<{ startMs: number; counts: StatsCounts }>,
): void => {
  const itemKey = item[STATS_TABLE.sortKey]?.S ?? '';
  const itemStart = Date.parse(granularity === 'DAY' ? `${itemKey}-01T00:00:00.000Z` : `${itemKey}T00:00:00.000Z`);
  const [firstSlot, slotMs] = granularity === 'DAY' ? [1, DAY_MS] : [0, HOUR_MS];
  // One pass over the item's attributes, into an array by slot: this runs for every bucket of a read.
  const slots: Array<StatsCounts | undefined> = [];
  for (const name in item) {
    const lane = LANES.find((l) => l.prefix === name.charAt(0));
    const number = item[name]?.N;
    if (!lane || name.length > 3 || number === undefined) continue;
    const slot = Number(name.slice(1));
    if (!Number.isInteger(slot)) continue;
    const counts = (slots[slot] ??= { ...ZERO_COUNTS });
    const [high, middle, low] = decodeLanes(number);
    counts[lane.counts[0]] = high;
    counts[lane.counts[1]] = middle;
    counts[lane.counts[2]] = low;
  }
  slots.forEach((counts, slot) => {
    if (counts) into.push({ startMs: itemStart + (slot - firstSlot) * slotMs, counts });
  });
};
