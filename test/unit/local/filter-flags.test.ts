/** The `images` filter flags of `list` and `export`: what they mean, and the named error for each kind of mistake. */
import { FlagError, filterFromFlags, parseInstant } from '../../../local/cli/filter-flags';

const refusal = (values: Parameters<typeof filterFromFlags>[0]) => {
  try {
    filterFromFlags(values);
  } catch (error) {
    if (error instanceof FlagError) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('accepted');
};

describe('dates', () => {
  it.each([
    ['from', '2026-01-31', '2026-01-31T00:00:00.000Z'],
    ['to', '2026-01-31', '2026-01-31T23:59:59.999Z'],
    ['from', '2024-02-29', '2024-02-29T00:00:00.000Z'],
    ['from', '2026-01-31T18:00:00Z', '2026-01-31T18:00:00.000Z'],
    ['to', '2026-01-31T18:00:00.250+02:00', '2026-01-31T16:00:00.250Z'],
  ] as const)('--%s %s is the instant %s', (flag, value, instant) => {
    expect(parseInstant(flag, value)).toBe(instant);
  });

  it.each(['2026-02-30', '2025-02-29', '2026-13-01', '31/01/2026', '2026-01-31T18:00:00', '2026-01-31T24:00:00Z', 'yesterday', ''])(
    '%p is refused as InvalidDate',
    (value) => {
      expect(refusal({ from: value })).toEqual({ code: 'InvalidDate', message: expect.stringContaining(`--from '${value}'`) });
    },
  );

  it('--from later than --to is DateRangeReversed; the same day is one whole day', () => {
    expect(refusal({ from: '2026-02-03', to: '2026-02-01' }).code).toBe('DateRangeReversed');
    expect(filterFromFlags({ from: '2026-02-01', to: '2026-02-01' })).toEqual({
      createdAfter: '2026-02-01T00:00:00.000Z',
      createdBefore: '2026-02-01T23:59:59.999Z',
    });
  });
});

describe('animal, status, uncertain and confidence', () => {
  it('names the whole filter, case-insensitively', () => {
    expect(filterFromFlags({ animal: 'dog', status: 'Completed', uncertain: true, 'min-confidence': '87.5' })).toEqual({
      detectedAnimal: 'DOG',
      status: 'COMPLETED',
      uncertain: true,
      minConfidence: 87.5,
    });
    expect(filterFromFlags({ certain: true })).toEqual({ uncertain: false });
    expect(filterFromFlags({})).toEqual({});
  });

  it.each([
    [{ animal: 'bird' }, 'UnknownAnimal'],
    [{ status: 'DONE' }, 'UnknownStatus'],
    [{ uncertain: true, certain: true }, 'ConflictingFlags'],
    [{ 'min-confidence': 'high' }, 'InvalidNumber'],
    [{ 'min-confidence': '' }, 'InvalidNumber'],
    [{ 'min-confidence': '101' }, 'InvalidNumber'],
    [{ 'min-confidence': '-1' }, 'InvalidNumber'],
    [{ 'min-confidence': '1e2' }, 'InvalidNumber'],
  ] as const)('%p is refused as %s', (values, code) => {
    expect(refusal(values).code).toBe(code);
  });
});
