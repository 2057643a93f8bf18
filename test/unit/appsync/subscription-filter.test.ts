/** Enhanced subscription filters: built by toSubscriptionFilter, checked, and applied to published payloads. */
import {
  matchesSubscriptionFilter,
  toSubscriptionFilter,
  validateSubscriptionFilter,
  type FilterJson,
} from '../../../appsync/runtime';

const one = (fieldName: string, operator: string, value: unknown): FilterJson =>
  ({ filterGroup: [{ filters: [{ fieldName, operator, value }] }] }) as FilterJson;

describe('toSubscriptionFilter', () => {
  it.each([
    [
      'fields AND together in one group',
      [{ id: { eq: 'a' }, confidence: { ge: 80 } }],
      [[['id', 'eq', 'a'], ['confidence', 'ge', 80]]],
    ],
    [
      'several operators on one field',
      [{ confidence: { gt: 50, lt: 80 } }],
      [[['confidence', 'gt', 50], ['confidence', 'lt', 80]]],
    ],
    [
      'or gives one group per alternative',
      [{ status: { eq: 'COMPLETED' }, or: [{ detectedAnimal: { eq: 'CAT' } }, { detectedAnimal: { eq: 'DOG' } }] }],
      [
        [['status', 'eq', 'COMPLETED'], ['detectedAnimal', 'eq', 'CAT']],
        [['status', 'eq', 'COMPLETED'], ['detectedAnimal', 'eq', 'DOG']],
      ],
    ],
    ['and merges into the group', [{ and: [{ a: { eq: 1 } }, { b: { eq: 2 } }] }], [[['a', 'eq', 1], ['b', 'eq', 2]]]],
    ['nested objects become dotted paths', [{ owner: { name: { beginsWith: 'Al' } } }], [[['owner.name', 'beginsWith', 'Al']]]],
    ['null and undefined conditions are left out', [{ id: { eq: null }, animal: { eq: undefined }, x: { eq: 1 } }], [[['x', 'eq', 1]]]],
    ['ignoredFields are left out', [{ id: { eq: 'a' }, secret: { eq: 's' } }, ['secret']], [[['id', 'eq', 'a']]]],
    [
      'each strict rule is an alternative AND’ed onto every group',
      [{ id: { eq: 'a' } }, [], { detectedAnimal: { eq: 'CAT' }, uncertain: { eq: true } }],
      [
        [['id', 'eq', 'a'], ['detectedAnimal', 'eq', 'CAT']],
        [['id', 'eq', 'a'], ['uncertain', 'eq', true]],
      ],
    ],
  ])('%s', (_name, args, groups) => {
    const [obj, ignored, rules] = args as [Record<string, unknown>, string[]?, Record<string, unknown>?];
    expect(toSubscriptionFilter(obj, ignored, rules)).toEqual({
      filterGroup: (groups as [string, string, unknown][][]).map((g) => ({
        filters: g.map(([fieldName, operator, value]) => ({ fieldName, operator, value })),
      })),
    });
  });
});

describe('matchesSubscriptionFilter', () => {
  const payload = {
    id: 'img-1',
    detectedAnimal: 'CAT',
    confidence: 85,
    uncertain: false,
    fileName: 'tom-the-cat.jpg',
    labels: ['Cat', 'Pet'],
    owner: { name: 'Alice' },
    failureReason: null,
  };

  it.each([
    ['eq', one('id', 'eq', 'img-1'), true],
    ['eq, other value', one('id', 'eq', 'img-2'), false],
    ['eq on a boolean', one('uncertain', 'eq', false), true],
    ['eq on a missing field', one('nothing', 'eq', 'x'), false],
    ['ne', one('detectedAnimal', 'ne', 'DOG'), true],
    ['ne, same value', one('detectedAnimal', 'ne', 'CAT'), false],
    ['gt', one('confidence', 'gt', 80), true],
    ['ge at the bound', one('confidence', 'ge', 85), true],
    ['lt', one('confidence', 'lt', 85), false],
    ['le at the bound', one('confidence', 'le', 85), true],
    ['gt across types never matches', one('confidence', 'gt', '80'), false],
    ['between inclusive', one('confidence', 'between', [85, 90]), true],
    ['between outside', one('confidence', 'between', [86, 90]), false],
    ['in', one('detectedAnimal', 'in', ['DOG', 'CAT']), true],
    ['in, absent', one('detectedAnimal', 'in', ['DOG', 'OTHER']), false],
    ['notIn', one('detectedAnimal', 'notIn', ['DOG', 'OTHER']), true],
    ['beginsWith', one('fileName', 'beginsWith', 'tom'), true],
    ['beginsWith, no', one('fileName', 'beginsWith', 'cat'), false],
    ['contains a substring', one('fileName', 'contains', 'the-cat'), true],
    ['contains a list element', one('labels', 'contains', 'Pet'), true],
    ['notContains', one('labels', 'notContains', 'Dog'), true],
    ['containsAny', one('labels', 'containsAny', ['Dog', 'Cat']), true],
    ['containsAny, none', one('labels', 'containsAny', ['Dog', 'Puppy']), false],
    ['a dotted path', one('owner.name', 'eq', 'Alice'), true],
    ['a path through null', one('failureReason.code', 'eq', 'x'), false],
  ])('%s', (_name, filter, expected) => {
    expect(matchesSubscriptionFilter(filter, payload)).toBe(expected);
  });

  it('needs every filter of a group (AND) and any group (OR)', () => {
    const both: FilterJson = {
      filterGroup: [
        { filters: [{ fieldName: 'id', operator: 'eq', value: 'img-1' }, { fieldName: 'detectedAnimal', operator: 'eq', value: 'DOG' }] },
      ],
    };
    expect(matchesSubscriptionFilter(both, payload)).toBe(false);
    const either: FilterJson = {
      filterGroup: [
        { filters: [{ fieldName: 'detectedAnimal', operator: 'eq', value: 'DOG' }] },
        { filters: [{ fieldName: 'id', operator: 'eq', value: 'img-1' }] },
      ],
    };
    expect(matchesSubscriptionFilter(either, payload)).toBe(true);
  });
});

describe('validateSubscriptionFilter', () => {
  it.each([
    ['a valid filter', one('id', 'eq', 'a'), []],
    ['no filterGroup', {}, ['a filter needs a filterGroup array']],
    ['an empty filterGroup', { filterGroup: [] }, ['filterGroup must not be empty']],
    ['an empty group', { filterGroup: [{ filters: [] }] }, ['filterGroup[0] needs a non-empty filters array']],
    ['an unknown operator', one('id', 'like', 'a'), ['filterGroup[0].filters[0]: unknown operator like']],
    ['in with six values', one('id', 'in', [1, 2, 3, 4, 5, 6]), ['filterGroup[0].filters[0]: in takes 1 to 5 values']],
    ['containsAny with 21 values', one('l', 'containsAny', Array.from({ length: 21 }, (_, i) => i)), ['filterGroup[0].filters[0]: containsAny takes 1 to 20 values']],
    ['between with one value', one('n', 'between', [1]), ['filterGroup[0].filters[0]: between takes exactly 2 values']],
    ['eq with an object', one('id', 'eq', { a: 1 }), ['filterGroup[0].filters[0]: eq takes a string, number or boolean']],
    ['a path six levels deep', one('a.b.c.d.e.f', 'eq', 1), ['filterGroup[0].filters[0]: fieldName is nested too deep']],
  ])('%s', (_name, filter, problems) => {
    expect(validateSubscriptionFilter(filter)).toEqual(problems);
  });
});
