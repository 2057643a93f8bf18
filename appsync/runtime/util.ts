/**
 * The `util`, `runtime` and `extensions` objects a resolver imports from @aws-appsync/utils, which
 * ships types only (util is `{}` at run time). Behaviour follows AppSync's "Built-in utilities",
 * "Extensions" and "runtime" pages; what AppSync has but this product never needs throws
 * UnsupportedUtilError instead of guessing.
 *
 * A fresh set is made per evaluation: appended errors, filters and the clock belong to one call.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Extensions, SubscriptionFilter, Util } from '@aws-appsync/utils';
import { createDynamoDBUtil } from './dynamodb';
import { toDynamoDBFilterExpression } from './dynamodb-filter';
import { EarlyReturnSignal, ResolverError, UnsupportedUtilError, type ResolverErrorShape } from './errors';
import { toSubscriptionFilter, validateSubscriptionFilter, type FilterJson } from './subscription-filter';

export interface EvaluationRecord {
  appendedErrors: ResolverErrorShape[];
  subscriptionFilter?: FilterJson;
  subscriptionInvalidationFilter?: FilterJson;
  invalidations: { subscriptionField: string; payload: Record<string, unknown> }[];
  cacheEvictions: { typeName: string; fieldName: string; keys: Record<string, unknown> }[];
}

export interface UtilOptions {
  /** The field being resolved; util.unauthorized names it. */
  info: { fieldName: string; parentTypeName: string };
  /** Epoch milliseconds; injectable so tests and replays are deterministic. */
  now: () => number;
  /** AppSync's wording for the caller's auth mode, as util.authType() returns it. */
  authType: string;
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const KSUID_EPOCH_SECONDS = 1_400_000_000;

/** ULID: 48-bit millisecond time then 80 random bits, Crockford base32 (26 characters). */
const ulid = (nowMs: number): string => {
  let time = '';
  let t = nowMs;
  for (let i = 0; i < 10; i += 1) {
    time = CROCKFORD.charAt(t % 32) + time;
    t = Math.floor(t / 32);
  }
  const random = Array.from(randomBytes(16), (b) => CROCKFORD.charAt(b % 32)).join('');
  return time + random;
};

/** KSUID: 32-bit seconds since 2014-05-13 then 128 random bits, base62 padded to 27 characters. */
const ksuid = (nowMs: number): string => {
  const bytes = Buffer.concat([Buffer.alloc(4), randomBytes(16)]);
  bytes.writeUInt32BE(Math.floor(nowMs / 1000) - KSUID_EPOCH_SECONDS, 0);
  let n = BigInt(`0x${bytes.toString('hex')}`);
  let out = '';
  while (n > 0n) {
    out = BASE62.charAt(Number(n % 62n)) + out;
    n /= 62n;
  }
  return out.padStart(27, '0');
};

const unsupported = (name: string) => () => {
  throw new UnsupportedUtilError(name);
};

export const createUtil = (options: UtilOptions, record: EvaluationRecord): Util => {
  const time = {
    nowISO8601: () => new Date(options.now()).toISOString(),
    nowEpochSeconds: () => Math.floor(options.now() / 1000),
    nowEpochMilliSeconds: () => options.now(),
    parseISO8601ToEpochMilliSeconds: (timestamp: string) => {
      const ms = Date.parse(timestamp);
      if (Number.isNaN(ms)) throw new ResolverError(`Invalid ISO-8601 timestamp: ${timestamp}`, 'Code');
      return ms;
    },
    epochMilliSecondsToSeconds: (ms: number) => Math.floor(ms / 1000),
    epochMilliSecondsToISO8601: (ms: number) => new Date(ms).toISOString(),
    // Java DateTimeFormatter patterns: not needed by this product's resolvers.
    nowFormatted: unsupported('util.time.nowFormatted'),
    parseFormattedToEpochMilliSeconds: unsupported('util.time.parseFormattedToEpochMilliSeconds'),
    epochMilliSecondsToFormatted: unsupported('util.time.epochMilliSecondsToFormatted'),
  };

  const util = {
    error: (message: string, errorType?: string, data?: unknown, errorInfo?: unknown): never => {
      throw new ResolverError(String(message), errorType, data, errorInfo);
    },
    appendError: (message: string, errorType?: string, data?: unknown, errorInfo?: unknown): void => {
      record.appendedErrors.push(new ResolverError(String(message), errorType, data, errorInfo).toShape());
    },
    unauthorized: (): never => {
      throw new ResolverError(
        `Not Authorized to access ${options.info.fieldName} on type ${options.info.parentTypeName}`,
        'Unauthorized',
      );
    },
    autoId: () => randomUUID(),
    autoUlid: () => ulid(options.now()),
    autoKsuid: () => ksuid(options.now()),
    authType: () => options.authType,
    matches: (pattern: string, value: string) => new RegExp(`^(?:${pattern})$`).test(value),
    escapeJavaScript: (value: string) => JSON.stringify(String(value)).slice(1, -1),
    // application/x-www-form-urlencoded, as Java's URLEncoder produces it (space as +).
    urlEncode: (value: string) =>
      encodeURIComponent(value).replace(/[!'()*~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`).replace(/%20/g, '+'),
    urlDecode: (value: string) => decodeURIComponent(value.replace(/\+/g, ' ')),
    base64Encode: (value: string) => Buffer.from(value, 'utf8').toString('base64'),
    base64Decode: (value: string) => Buffer.from(value, 'base64').toString('utf8'),
    time,
    dynamodb: createDynamoDBUtil(),
    transform: {
      toSubscriptionFilter: (obj: Record<string, unknown>, ignoredFields?: string[], rules?: Record<string, unknown>) =>
        toSubscriptionFilter(obj, ignoredFields, rules),
      toDynamoDBFilterExpression: (filter: Record<string, unknown>) => toDynamoDBFilterExpression(filter),
      toDynamoDBConditionExpression: (filter: Record<string, unknown>) => toDynamoDBFilterExpression(filter),
      toElasticsearchQueryDSL: unsupported('util.transform.toElasticsearchQueryDSL'),
    },
    str: { normalize: (value: string, form: string) => value.normalize(form.toUpperCase()) },
    math: {
      roundNum: (n: number) => Math.round(n),
      minVal: (a: number, b: number) => Math.min(a, b),
      maxVal: (a: number, b: number) => Math.max(a, b),
      randomDouble: () => Math.random(),
      randomWithinRange: (a: number, b: number) => Math.floor(a + Math.random() * (b - a + 1)),
    },
    rds: new Proxy({}, { get: (_t, name) => unsupported(`util.rds.${String(name)}`) }),
    http: new Proxy({}, { get: (_t, name) => unsupported(`util.http.${String(name)}`) }),
    xml: new Proxy({}, { get: (_t, name) => unsupported(`util.xml.${String(name)}`) }),
  };
  return util as unknown as Util;
};

const checkedFilter = (name: string, filter: SubscriptionFilter): FilterJson => {
  const problems = validateSubscriptionFilter(filter);
  if (problems.length > 0) throw new ResolverError(`${name}: ${problems.join('; ')}`, 'Code');
  // A copy in this realm, so later changes by the resolver cannot alter what was recorded.
  return JSON.parse(JSON.stringify(filter)) as FilterJson;
};

export const createExtensions = (record: EvaluationRecord): Extensions => ({
  setSubscriptionFilter: (filter) => {
    record.subscriptionFilter = checkedFilter('extensions.setSubscriptionFilter', filter);
  },
  setSubscriptionInvalidationFilter: (filter) => {
    record.subscriptionInvalidationFilter = checkedFilter('extensions.setSubscriptionInvalidationFilter', filter);
  },
  invalidateSubscriptions: (invalidation) => {
    record.invalidations.push(JSON.parse(JSON.stringify(invalidation)) as EvaluationRecord['invalidations'][number]);
  },
  evictFromApiCache: (typeName, fieldName, keys) => {
    record.cacheEvictions.push({ typeName, fieldName, keys: JSON.parse(JSON.stringify(keys)) as Record<string, unknown> });
  },
});

export const createRuntime = () => ({
  earlyReturn: (value?: unknown, options?: { skipTo: 'END' | 'NEXT' }): never => {
    throw new EarlyReturnSignal(value === undefined ? null : value, options?.skipTo);
  },
});
