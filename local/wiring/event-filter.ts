/**
 * Lambda event filtering for the local event source mappings, limited to the operators the stack uses:
 * a list of exact values and {"anything-but": [...]}; nested objects match nested fields. Rules as
 * documented in "Lambda event filtering": a field absent from the event never matches, and patterns are
 * OR-ed. Written by hand because no maintained npm package implements Lambda's filter syntax. Patterns
 * with any other operator are refused when the mapping is created, never silently misjudged.
 */
type Leaf = string | number | { 'anything-but': Array<string | number> };
export type FilterPattern = { [key: string]: FilterPattern | Leaf[] };

export class UnsupportedFilterError extends Error {
  override readonly name = 'UnsupportedFilterError';
}

const assertSupported = (pattern: FilterPattern): void => {
  for (const expected of Object.values(pattern)) {
    if (!Array.isArray(expected)) {
      assertSupported(expected);
      continue;
    }
    for (const option of expected) {
      if (typeof option === 'string' || typeof option === 'number') continue;
      const keys = Object.keys(option);
      if (keys.length !== 1 || keys[0] !== 'anything-but' || !Array.isArray(option['anything-but']))
        throw new UnsupportedFilterError(`unsupported filter operator ${JSON.stringify(option)}`);
    }
  }
};

const matchesLeaf = (value: unknown, options: Leaf[]): boolean =>
  options.some((option) => {
    if (typeof option === 'string' || typeof option === 'number') return value === option;
    return (typeof value === 'string' || typeof value === 'number') && !option['anything-but'].includes(value);
  });

const matchesPattern = (event: unknown, pattern: FilterPattern): boolean =>
  Object.entries(pattern).every(([key, expected]) => {
    const value = event && typeof event === 'object' ? (event as Record<string, unknown>)[key] : undefined;
    if (Array.isArray(expected)) return matchesLeaf(value, expected);
    return value !== undefined && value !== null && typeof value === 'object' && matchesPattern(value, expected);
  });

/** Checks the patterns once and returns the predicate a mapping applies to each record. */
export const eventFilter = (patterns: readonly unknown[]): ((event: unknown) => boolean) => {
  const checked = patterns as FilterPattern[];
  checked.forEach(assertSupported);
  return (event) => checked.some((pattern) => matchesPattern(event, pattern));
};
