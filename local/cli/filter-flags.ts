/**
 * The `images` filter as command-line flags, shared by `list` and `export`: checked here, so that a typo is
 * refused by name before any request, with exit code 2, rather than as a server error after sign-in.
 */
import { z } from 'zod';
import type { Animal, ImageFilter, ProcessingStatus } from '../../graphql/types';

export type FlagErrorCode =
  | 'InvalidFlag'
  | 'InvalidDate'
  | 'DateRangeReversed'
  | 'UnknownAnimal'
  | 'UnknownStatus'
  | 'InvalidNumber'
  | 'ConflictingFlags'
  | 'UnknownFormat';

/** A flag's value is wrong: the command prints `<code>: <message>` and its usage, and exits with 2. */
export class FlagError extends Error {
  constructor(
    readonly code: FlagErrorCode,
    message: string,
  ) {
    super(message);
    this.name = code;
  }
}

/** The filter's options, for node:util parseArgs. */
export const FILTER_OPTIONS = {
  from: { type: 'string' },
  to: { type: 'string' },
  animal: { type: 'string' },
  status: { type: 'string' },
  uncertain: { type: 'boolean', default: false },
  certain: { type: 'boolean', default: false },
  'min-confidence': { type: 'string' },
} as const;

export const FILTER_USAGE = `[--from DATE] [--to DATE] [--animal CAT|DOG|OTHER] [--status PENDING|PROCESSING|COMPLETED|FAILED]
[--uncertain | --certain] [--min-confidence 0-100]`;

export interface FilterFlagValues {
  from?: string;
  to?: string;
  animal?: string;
  status?: string;
  uncertain?: boolean;
  certain?: boolean;
  'min-confidence'?: string;
}

const ANIMALS: readonly Animal[] = ['CAT', 'DOG', 'OTHER'];
const STATUSES: readonly ProcessingStatus[] = ['PENDING', 'PROCESSING', 'COMPLETED', 'FAILED'];

// zod's ISO checks know the calendar (no 30 February) where Date.parse rolls over; a time must carry its
// offset, because a local time would mean something different on every machine.
const isoDate = z.iso.date();
const isoDateTime = z.iso.datetime({ offset: true });
const DAY_MS = 86_400_000;

/**
 * An instant from `--from`/`--to`: an ISO date-time with Z or an offset, or a date alone (UTC). A date alone
 * as `--to` means the end of that day, so `--from 2026-01-01 --to 2026-01-31` is all of January.
 */
export const parseInstant = (flag: 'from' | 'to', value: string): string => {
  if (isoDate.safeParse(value).success) {
    const start = Date.parse(`${value}T00:00:00Z`);
    return new Date(flag === 'to' ? start + DAY_MS - 1 : start).toISOString();
  }
  if (isoDateTime.safeParse(value).success) return new Date(Date.parse(value)).toISOString();
  throw new FlagError('InvalidDate', `--${flag} '${value}' is not a date (2026-01-31) or a date-time with its offset (2026-01-31T18:00:00Z)`);
};

const oneOf = <T extends string>(value: string, allowed: readonly T[], code: FlagErrorCode, flag: string): T => {
  const upper = value.toUpperCase() as T;
  if (!allowed.includes(upper)) throw new FlagError(code, `--${flag} '${value}' is not one of ${allowed.join(', ')}`);
  return upper;
};

/** A number written as digits with an optional fraction, in [min, max]; Number('') or Number('1e2') would slip through. */
export const parseNumber = (flag: string, value: string, min: number, max: number): number => {
  const n = /^\d+(\.\d+)?$/.test(value) ? Number(value) : Number.NaN;
  if (!(n >= min && n <= max)) throw new FlagError('InvalidNumber', `--${flag} '${value}' is not a number from ${min} to ${max}`);
  return n;
};

/** The filter the flags describe; `--from`/`--to` are inclusive bounds on createdAt, as the API's are. */
export const filterFromFlags = (values: FilterFlagValues): ImageFilter => {
  const filter: ImageFilter = {};
  if (values.from !== undefined) filter.createdAfter = parseInstant('from', values.from);
  if (values.to !== undefined) filter.createdBefore = parseInstant('to', values.to);
  if (filter.createdAfter && filter.createdBefore && filter.createdAfter > filter.createdBefore) {
    throw new FlagError('DateRangeReversed', `--from ${values.from} is later than --to ${values.to}`);
  }
  if (values.animal !== undefined) filter.detectedAnimal = oneOf(values.animal, ANIMALS, 'UnknownAnimal', 'animal');
  if (values.status !== undefined) filter.status = oneOf(values.status, STATUSES, 'UnknownStatus', 'status');
  if (values.uncertain && values.certain) throw new FlagError('ConflictingFlags', '--uncertain and --certain exclude each other');
  if (values.uncertain) filter.uncertain = true;
  if (values.certain) filter.uncertain = false;
  if (values['min-confidence'] !== undefined) filter.minConfidence = parseNumber('min-confidence', values['min-confidence'], 0, 100);
  return filter;
};
