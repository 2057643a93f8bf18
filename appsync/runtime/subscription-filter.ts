/**
 * AppSync enhanced subscription filters: building them (util.transform.toSubscriptionFilter),
 * checking them (what setSubscriptionFilter accepts) and applying them to a published payload.
 *
 * Semantics, from AppSync's "Defining enhanced subscription filters" and "Extensions" pages:
 * - a filter JSON is { filterGroup: [{ filters: [{ fieldName, operator, value }] }] };
 * - the filters inside one group must all hold (AND); the groups are alternatives (OR);
 * - fieldName may be a dotted path into the payload (at most 5 levels);
 * - in / notIn take at most 5 values, containsAny at most 20, between exactly 2.
 */
import type { SubscriptionFilter } from '@aws-appsync/utils';

export type FilterOperator =
  | 'eq'
  | 'ne'
  | 'le'
  | 'lt'
  | 'ge'
  | 'gt'
  | 'contains'
  | 'notContains'
  | 'beginsWith'
  | 'in'
  | 'notIn'
  | 'between'
  | 'containsAny';

export const FILTER_OPERATORS: readonly FilterOperator[] = [
  'eq',
  'ne',
  'le',
  'lt',
  'ge',
  'gt',
  'contains',
  'notContains',
  'beginsWith',
  'in',
  'notIn',
  'between',
  'containsAny',
];

export interface FilterEntry {
  fieldName: string;
  operator: FilterOperator;
  value: unknown;
}

export interface FilterJson {
  filterGroup: { filters: FilterEntry[] }[];
}

const MAX_PATH_DEPTH = 5;
const MAX_IN_VALUES = 5;
const MAX_CONTAINS_ANY_VALUES = 20;

const isOperator = (key: string): key is FilterOperator => (FILTER_OPERATORS as readonly string[]).includes(key);
const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

type Conjunction = FilterEntry[];

/** Every combination of one conjunction from each side, AND'ed: (a|b) & (c|d) = ac|ad|bc|bd. */
const cross = (left: Conjunction[], right: Conjunction[]): Conjunction[] =>
  left.flatMap((l) => right.map((r) => [...l, ...r]));

/** A filter object in disjunctive normal form: a list of alternatives, each a list of AND'ed entries. */
const toConjunctions = (object: Record<string, unknown>, ignored: ReadonlySet<string>, prefix = ''): Conjunction[] => {
  let result: Conjunction[] = [[]];
  for (const [key, spec] of Object.entries(object)) {
    if (spec === undefined || spec === null || ignored.has(key)) continue;
    if (key === 'or' && !prefix) {
      const alternatives = (spec as Record<string, unknown>[]).flatMap((alt) => toConjunctions(alt, ignored));
      result = cross(result, alternatives);
    } else if (key === 'and' && !prefix) {
      for (const part of spec as Record<string, unknown>[]) result = cross(result, toConjunctions(part, ignored));
    } else if (isRecord(spec)) {
      const path = prefix ? `${prefix}.${key}` : key;
      const entries: FilterEntry[] = [];
      const nested: Record<string, unknown> = {};
      for (const [op, value] of Object.entries(spec)) {
        if (isOperator(op)) {
          // AppSync leaves out a condition whose value is missing, so an optional argument can feed a filter as is.
          if (value !== undefined && value !== null) entries.push({ fieldName: path, operator: op, value });
        } else {
          nested[op] = value;
        }
      }
      result = result.map((c) => [...c, ...entries]);
      if (Object.keys(nested).length > 0) result = cross(result, toConjunctions(nested, new Set(), path));
    } else {
      throw new TypeError(`toSubscriptionFilter: "${key}" must map to an object of operators`);
    }
  }
  return result;
};

/**
 * util.transform.toSubscriptionFilter(objFilter, ignoredFields?, rules?).
 * `rules` are strict: at least one of them must hold, so each rule becomes an alternative AND'ed
 * onto every group the object produced.
 */
export const toSubscriptionFilter = (
  objFilter: Record<string, unknown>,
  ignoredFields: readonly string[] = [],
  rules?: Record<string, unknown>,
): FilterJson => {
  let groups = toConjunctions(objFilter, new Set(ignoredFields)).filter((c) => c.length > 0);
  if (rules) {
    const ruleAlternatives = toConjunctions(rules, new Set())
      .flat()
      .map((entry) => [entry]);
    if (ruleAlternatives.length > 0) groups = cross(groups.length > 0 ? groups : [[]], ruleAlternatives);
  }
  return { filterGroup: groups.map((filters) => ({ filters })) };
};

/** The reasons AppSync would refuse this filter in setSubscriptionFilter; empty when it is valid. */
export const validateSubscriptionFilter = (filter: unknown): string[] => {
  const problems: string[] = [];
  if (!isRecord(filter) || !Array.isArray(filter.filterGroup)) return ['a filter needs a filterGroup array'];
  if (filter.filterGroup.length === 0) problems.push('filterGroup must not be empty');
  filter.filterGroup.forEach((group: unknown, g: number) => {
    if (!isRecord(group) || !Array.isArray(group.filters) || group.filters.length === 0) {
      problems.push(`filterGroup[${g}] needs a non-empty filters array`);
      return;
    }
    group.filters.forEach((entry: unknown, f: number) => {
      const where = `filterGroup[${g}].filters[${f}]`;
      if (!isRecord(entry) || typeof entry.fieldName !== 'string' || entry.fieldName === '') {
        problems.push(`${where} needs a fieldName`);
        return;
      }
      if (entry.fieldName.split('.').length > MAX_PATH_DEPTH) problems.push(`${where}: fieldName is nested too deep`);
      const op = entry.operator;
      if (typeof op !== 'string' || !isOperator(op)) {
        problems.push(`${where}: unknown operator ${String(op)}`);
        return;
      }
      const value = entry.value;
      if (op === 'in' || op === 'notIn') {
        if (!Array.isArray(value) || value.length === 0 || value.length > MAX_IN_VALUES)
          problems.push(`${where}: ${op} takes 1 to ${MAX_IN_VALUES} values`);
      } else if (op === 'containsAny') {
        if (!Array.isArray(value) || value.length === 0 || value.length > MAX_CONTAINS_ANY_VALUES)
          problems.push(`${where}: containsAny takes 1 to ${MAX_CONTAINS_ANY_VALUES} values`);
      } else if (op === 'between') {
        if (!Array.isArray(value) || value.length !== 2) problems.push(`${where}: between takes exactly 2 values`);
      } else if (value === null || value === undefined || typeof value === 'object') {
        problems.push(`${where}: ${op} takes a string, number or boolean`);
      }
    });
  });
  return problems;
};

const readPath = (payload: unknown, path: string): unknown => {
  let current: unknown = payload;
  for (const part of path.split('.')) {
    if (!isRecord(current)) return undefined;
    current = current[part];
  }
  return current;
};

const sameType = (a: unknown, b: unknown): boolean => typeof a === typeof b && (typeof a === 'number' || typeof a === 'string');

const compare = (actual: unknown, expected: unknown): number | undefined => {
  if (!sameType(actual, expected)) return undefined;
  const a = actual as number | string;
  const b = expected as number | string;
  return a < b ? -1 : a > b ? 1 : 0;
};

const matchesEntry = (payload: unknown, entry: FilterEntry): boolean => {
  const actual = readPath(payload, entry.fieldName);
  const value = entry.value;
  switch (entry.operator) {
    case 'eq':
      return actual === value;
    case 'ne':
      return actual !== value;
    case 'lt':
      return compare(actual, value) === -1;
    case 'le': {
      const c = compare(actual, value);
      return c === -1 || c === 0;
    }
    case 'gt':
      return compare(actual, value) === 1;
    case 'ge': {
      const c = compare(actual, value);
      return c === 1 || c === 0;
    }
    case 'between': {
      const [low, high] = value as [unknown, unknown];
      const lo = compare(actual, low);
      const hi = compare(actual, high);
      return lo !== undefined && hi !== undefined && lo >= 0 && hi <= 0;
    }
    case 'in':
      return (value as unknown[]).includes(actual);
    case 'notIn':
      return !(value as unknown[]).includes(actual);
    case 'beginsWith':
      return typeof actual === 'string' && typeof value === 'string' && actual.startsWith(value);
    case 'contains':
      return contains(actual, value);
    case 'notContains':
      return !contains(actual, value);
    case 'containsAny':
      return Array.isArray(actual) && (value as unknown[]).some((v) => actual.includes(v));
  }
};

/** A string contains a substring; a list contains an element. */
const contains = (actual: unknown, value: unknown): boolean => {
  if (typeof actual === 'string') return typeof value === 'string' && actual.includes(value);
  if (Array.isArray(actual)) return actual.includes(value);
  return false;
};

/** Whether a published payload passes the filter: some group whose every entry holds. */
export const matchesSubscriptionFilter = (filter: FilterJson | SubscriptionFilter, payload: unknown): boolean =>
  (filter as FilterJson).filterGroup.some((group) => group.filters.every((entry) => matchesEntry(payload, entry)));
