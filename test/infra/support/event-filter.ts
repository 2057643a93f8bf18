/**
 * A test oracle for Lambda event filtering, limited to the operators the stack uses: a list of exact
 * values, and {"anything-but": [...]}; nested objects match nested fields. Rules as documented in
 * "Lambda event filtering" (a field absent from the event never matches; patterns are OR-ed). Written by
 * hand because no maintained package implements Lambda's filter syntax offline; it refuses any other
 * operator so a pattern it cannot judge fails the test instead of passing it.
 */
type Pattern = { [key: string]: Pattern | Array<string | number | { 'anything-but': Array<string | number> }> };

const matchesLeaf = (value: unknown, options: Array<string | number | { 'anything-but': Array<string | number> }>): boolean =>
  options.some((option) => {
    if (typeof option === 'string' || typeof option === 'number') return value === option;
    const keys = Object.keys(option);
    if (keys.length !== 1 || keys[0] !== 'anything-but') throw new Error(`Unsupported filter operator ${JSON.stringify(option)}`);
    return value !== undefined && (typeof value === 'string' || typeof value === 'number') && !option['anything-but'].includes(value);
  });

export const matchesPattern = (event: unknown, pattern: Pattern): boolean =>
  Object.entries(pattern).every(([key, expected]) => {
    const value = event && typeof event === 'object' ? (event as Record<string, unknown>)[key] : undefined;
    if (Array.isArray(expected)) return matchesLeaf(value, expected);
    return value !== undefined && typeof value === 'object' && matchesPattern(value, expected);
  });

export const matchesAnyFilter = (event: unknown, patterns: unknown[]): boolean =>
  patterns.some((pattern) => matchesPattern(event, pattern as Pattern));
