/** util / runtime / extensions, function by function, against AppSync's documented results. */
import {
  EarlyReturnSignal,
  ResolverError,
  UnsupportedUtilError,
  createExtensions,
  createRuntime,
  createUtil,
  toAttributeValueMap,
  type EvaluationRecord,
} from '../../../appsync/runtime';

const NOW = Date.parse('2026-03-04T05:06:07.089Z');
const newRecord = (): EvaluationRecord => ({ appendedErrors: [], invalidations: [], cacheEvictions: [] });
const makeUtil = (record = newRecord()) =>
  createUtil({ info: { fieldName: 'publishImageClassified', parentTypeName: 'Mutation' }, now: () => NOW, authType: 'API Key Authorization' }, record);
const util = makeUtil();

const thrown = (fn: () => unknown): unknown => {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
};

describe('util.error / appendError / unauthorized', () => {
  it.each([
    [['Bad input'], { message: 'Bad input', errorType: 'CustomTemplateException', data: null, errorInfo: null }],
    [['Bad input', 'InvalidArgument'], { message: 'Bad input', errorType: 'InvalidArgument', data: null, errorInfo: null }],
    [
      ['Bad input', 'InvalidArgument', { id: 'x' }, { hint: 'y' }],
      { message: 'Bad input', errorType: 'InvalidArgument', data: { id: 'x' }, errorInfo: { hint: 'y' } },
    ],
  ])('util.error(%j) throws %j', (args, shape) => {
    const error = thrown(() => (util.error as (...a: unknown[]) => never)(...args));
    expect(error).toBeInstanceOf(ResolverError);
    expect((error as ResolverError).toShape()).toEqual(shape);
  });

  it('appendError records without interrupting', () => {
    const record = newRecord();
    makeUtil(record).appendError('first', 'Partial');
    makeUtil(record).appendError('second');
    expect(record.appendedErrors.map((e) => [e.message, e.errorType])).toEqual([
      ['first', 'Partial'],
      ['second', 'CustomTemplateException'],
    ]);
  });

  it('unauthorized names the field, with errorType Unauthorized', () => {
    const error = thrown(() => util.unauthorized()) as ResolverError;
    expect(error.toShape()).toMatchObject({
      errorType: 'Unauthorized',
      message: 'Not Authorized to access publishImageClassified on type Mutation',
    });
  });
});

describe('ids', () => {
  it.each([
    ['autoId', () => util.autoId(), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/],
    ['autoUlid', () => util.autoUlid(), /^[0-9A-HJKMNP-TV-Z]{26}$/],
    ['autoKsuid', () => util.autoKsuid(), /^[0-9A-Za-z]{27}$/],
  ])('%s has the documented shape and never repeats', (_name, make, shape) => {
    const ids = Array.from({ length: 50 }, make);
    for (const id of ids) expect(id).toMatch(shape);
    expect(new Set(ids).size).toBe(50);
  });

  it('a ULID starts with the current time, so ULIDs sort by creation', () => {
    const later = createUtil({ info: { fieldName: 'f', parentTypeName: 'T' }, now: () => NOW + 1, authType: '' }, newRecord());
    expect(util.autoUlid().slice(0, 10) < later.autoUlid().slice(0, 10)).toBe(true);
  });
});

describe('util.time', () => {
  it.each([
    ['nowISO8601', () => util.time.nowISO8601(), '2026-03-04T05:06:07.089Z'],
    ['nowEpochSeconds', () => util.time.nowEpochSeconds(), Math.floor(NOW / 1000)],
    ['nowEpochMilliSeconds', () => util.time.nowEpochMilliSeconds(), NOW],
    ['parseISO8601ToEpochMilliSeconds', () => util.time.parseISO8601ToEpochMilliSeconds('2026-03-04T05:06:07.089Z'), NOW],
    ['epochMilliSecondsToSeconds', () => util.time.epochMilliSecondsToSeconds(1500), 1],
    ['epochMilliSecondsToISO8601', () => util.time.epochMilliSecondsToISO8601(0), '1970-01-01T00:00:00.000Z'],
  ])('%s', (_name, call, expected) => {
    expect(call()).toEqual(expected);
  });

  it('refuses a timestamp that is not ISO-8601', () => {
    expect(thrown(() => util.time.parseISO8601ToEpochMilliSeconds('yesterday'))).toBeInstanceOf(ResolverError);
  });

  it('fails loudly on Java-pattern formatting, which this runtime leaves out', () => {
    expect(thrown(() => util.time.nowFormatted('yyyy'))).toBeInstanceOf(UnsupportedUtilError);
  });
});

describe('util.dynamodb', () => {
  it.each([
    ['toDynamoDB string', () => util.dynamodb.toDynamoDB('foo'), { S: 'foo' }],
    ['toDynamoDB number', () => util.dynamodb.toDynamoDB(12345), { N: 12345 }],
    ['toDynamoDB boolean', () => util.dynamodb.toDynamoDB(true), { BOOL: true }],
    ['toDynamoDB null', () => util.dynamodb.toDynamoDB(null), { NULL: null }],
    [
      'toDynamoDB list',
      () => util.dynamodb.toDynamoDB(['foo', 123, { bar: 'baz' }]),
      { L: [{ S: 'foo' }, { N: 123 }, { M: { bar: { S: 'baz' } } }] },
    ],
    [
      'toDynamoDB map',
      () => util.dynamodb.toDynamoDB({ foo: 'bar', baz: 1234, beep: ['boop'] }),
      { M: { foo: { S: 'bar' }, baz: { N: 1234 }, beep: { L: [{ S: 'boop' }] } } },
    ],
    ['toMapValues drops undefined', () => util.dynamodb.toMapValues({ id: 'a', gone: undefined }), { id: { S: 'a' } }],
    ['toString', () => util.dynamodb.toString('foo'), { S: 'foo' }],
    ['toString of null', () => util.dynamodb.toString(null), null],
    ['toStringSet', () => util.dynamodb.toStringSet(['a', 'b']), { SS: ['a', 'b'] }],
    ['toNumber', () => util.dynamodb.toNumber(7), { N: 7 }],
    ['toNumberSet', () => util.dynamodb.toNumberSet([1, 2]), { NS: [1, 2] }],
    ['toBinary', () => util.dynamodb.toBinary('aGk='), { B: 'aGk=' }],
    ['toBoolean', () => util.dynamodb.toBoolean(false), { BOOL: false }],
    ['toNull', () => util.dynamodb.toNull(), { NULL: null }],
    ['toList', () => util.dynamodb.toList(['x']), { L: [{ S: 'x' }] }],
    ['toMap', () => util.dynamodb.toMap({ a: 1 }), { M: { a: { N: 1 } } }],
    [
      'toS3Object',
      () => util.dynamodb.toS3Object('k', 'b', 'eu-west-1'),
      { S: '{"s3":{"key":"k","bucket":"b","region":"eu-west-1"}}' },
    ],
    [
      'fromS3ObjectJson',
      () => util.dynamodb.fromS3ObjectJson('{"s3":{"key":"k","bucket":"b","region":"r"}}'),
      { key: 'k', bucket: 'b', region: 'r' },
    ],
  ])('%s', (_name, call, expected) => {
    expect(call()).toEqual(expected);
  });

  it('converts typed values to the SDK’s AttributeValues for a DynamoDB data source', () => {
    expect(
      toAttributeValueMap({ id: { S: 'a' }, n: { N: 1.5 }, none: { NULL: null }, list: { L: [{ N: 2 }] }, ns: { NS: [1, 2] } }),
    ).toEqual({ id: { S: 'a' }, n: { N: '1.5' }, none: { NULL: true }, list: { L: [{ N: '2' }] }, ns: { NS: ['1', '2'] } });
  });
});

describe('util.transform.toDynamoDBFilterExpression', () => {
  it.each([
    [
      { title: { contains: 'Hello World' } },
      { expression: '(contains(#title, :title_contains))', expressionNames: { '#title': 'title' }, expressionValues: { ':title_contains': { S: 'Hello World' } } },
    ],
    [
      { score: { between: [1, 5] }, status: { eq: 'done' } },
      {
        expression: '((#score BETWEEN :score_between AND :score_between_1) AND (#status = :status_eq))',
        expressionNames: { '#score': 'score', '#status': 'status' },
        expressionValues: { ':score_between': { N: 1 }, ':score_between_1': { N: 5 }, ':status_eq': { S: 'done' } },
      },
    ],
    [
      { or: [{ a: { eq: 1 } }, { b: { attributeExists: false } }] },
      {
        expression: '((#a = :a_eq) OR (attribute_not_exists(#b)))',
        expressionNames: { '#a': 'a', '#b': 'b' },
        expressionValues: { ':a_eq': { N: 1 } },
      },
    ],
  ])('%j', (filter, expected) => {
    expect(JSON.parse(util.transform.toDynamoDBFilterExpression(filter as never))).toEqual(expected);
  });
});

describe('encoding and strings', () => {
  it.each([
    ['base64Encode', () => util.base64Encode('chat noir'), 'Y2hhdCBub2ly'],
    ['base64Decode', () => util.base64Decode('Y2hhdCBub2ly'), 'chat noir'],
    ['urlEncode uses + for spaces', () => util.urlEncode("a b&c=d/é!"), 'a+b%26c%3Dd%2F%C3%A9%21'],
    ['urlDecode', () => util.urlDecode('a+b%26c'), 'a b&c'],
    ['escapeJavaScript', () => util.escapeJavaScript('say "hi"\n'), 'say \\"hi\\"\\n'],
    ['matches is a whole-string match', () => [util.matches('a*b', 'aaab'), util.matches('a*b', 'xaab')], [true, false]],
    ['authType', () => util.authType(), 'API Key Authorization'],
    ['str.normalize', () => util.str.normalize('e\u0301', 'nfc'), 'é'],
  ])('%s', (_name, call, expected) => {
    expect(call()).toEqual(expected);
  });
});

describe('runtime and extensions', () => {
  it('earlyReturn jumps out with the value and skipTo', () => {
    const signal = thrown(() => createRuntime().earlyReturn({ a: 1 }, { skipTo: 'NEXT' })) as EarlyReturnSignal;
    expect(signal).toBeInstanceOf(EarlyReturnSignal);
    expect([signal.value, signal.skipTo]).toEqual([{ a: 1 }, 'NEXT']);
  });

  it('records filters, invalidations and cache evictions', () => {
    const record = newRecord();
    const extensions = createExtensions(record);
    const filter = { filterGroup: [{ filters: [{ fieldName: 'id', operator: 'eq' as const, value: 'a' }] }] };
    extensions.setSubscriptionFilter(filter);
    extensions.setSubscriptionInvalidationFilter(filter);
    extensions.invalidateSubscriptions({ subscriptionField: 'onImageClassified', payload: { id: 'a' } });
    extensions.evictFromApiCache('Query', 'image', { 'context.arguments.id': 'a' });
    expect(record).toMatchObject({
      subscriptionFilter: filter,
      subscriptionInvalidationFilter: filter,
      invalidations: [{ subscriptionField: 'onImageClassified', payload: { id: 'a' } }],
      cacheEvictions: [{ typeName: 'Query', fieldName: 'image', keys: { 'context.arguments.id': 'a' } }],
    });
  });

  it('refuses a filter AppSync would refuse', () => {
    const extensions = createExtensions(newRecord());
    const tooMany = { filterGroup: [{ filters: [{ fieldName: 'id', operator: 'in' as const, value: ['1', '2', '3', '4', '5', '6'] }] }] };
    expect(thrown(() => extensions.setSubscriptionFilter(tooMany))).toBeInstanceOf(ResolverError);
  });
});
