/**
 * AppSync's built-in scalars, validated the way the AppSync developer guide ("Scalar types in AWS AppSync")
 * describes them. AppSync's implementation is not published, so these checks follow the documented formats;
 * graphql-js has no such scalars, so they are hand-written here.
 */
import { isIP } from 'node:net';
import { GraphQLError, GraphQLScalarType, Kind, type ValueNode } from 'graphql';

const OFFSET = '(?:Z|[+-]\\d{2}:\\d{2}(?::\\d{2})?)';
const TIME = '\\d{2}:\\d{2}(?::\\d{2}(?:\\.\\d{1,9})?)?';
const DATE = '-?\\d{4,}-\\d{2}-\\d{2}';

// Offsets are compulsory for AWSDateTime and optional for AWSDate/AWSTime; seconds and fractions are optional.
const DATE_TIME_RE = new RegExp(`^(${DATE})T(${TIME})(${OFFSET})$`);
const DATE_RE = new RegExp(`^(${DATE})(${OFFSET})?$`);
const TIME_RE = new RegExp(`^(${TIME})(${OFFSET})?$`);
const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PHONE_RE = /^\+?[0-9][0-9 ().-]{2,}$/;

// These run for every date-time of every response (365 per year of imageStats buckets): a table and fixed
// positions, not a Date and split() per value (0.9 -> 0.3 us a value).
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

const isValidCalendarDate = (date: string): boolean => {
  const match = /^(-?\d{4,})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return day <= (month === 2 && leap ? 29 : (DAYS_IN_MONTH[month - 1] as number));
};

/** hh:mm, hh:mm:ss or hh:mm:ss.fff, as TIME and OFFSET have matched it. */
const isValidClock = (time: string): boolean =>
  Number(time.slice(0, 2)) <= 23 && Number(time.slice(3, 5)) <= 59 && (time.length < 8 || Number(time.slice(6, 8)) <= 59);

const isValidOffset = (offset: string | undefined): boolean =>
  offset === undefined || offset === 'Z' || isValidClock(offset.slice(1));

export const isAwsDateTime = (value: string): boolean => {
  const match = DATE_TIME_RE.exec(value);
  return !!match && isValidCalendarDate(match[1]!) && isValidClock(match[2]!) && isValidOffset(match[3]);
};

export const isAwsDate = (value: string): boolean => {
  const match = DATE_RE.exec(value);
  return !!match && isValidCalendarDate(match[1]!) && isValidOffset(match[2]);
};

export const isAwsTime = (value: string): boolean => {
  const match = TIME_RE.exec(value);
  return !!match && isValidClock(match[1]!) && isValidOffset(match[2]);
};

/** AppSync: a URL needs a scheme and its path may not contain '//'. */
export const isAwsUrl = (value: string): boolean => {
  if (!/^[a-z][a-z0-9+.-]*:/i.test(value)) return false;
  try {
    const url = new URL(value);
    return !url.pathname.includes('//');
  } catch {
    return false;
  }
};

export const isAwsIpAddress = (value: string): boolean => {
  const [address = '', prefix, ...rest] = value.split('/');
  const version = isIP(address);
  if (version === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  const bits = Number(prefix);
  return /^\d+$/.test(prefix) && bits <= (version === 4 ? 32 : 128);
};

const stringScalar = (name: string, description: string, isValid: (value: string) => boolean): GraphQLScalarType => {
  const check = (value: unknown, node?: ValueNode): string => {
    if (typeof value !== 'string' || !isValid(value)) {
      throw new GraphQLError(`Invalid ${name} value: ${JSON.stringify(value)}`, node ? { nodes: node } : undefined);
    }
    return value;
  };
  return new GraphQLScalarType({
    name,
    description,
    serialize: (value) => check(value),
    parseValue: (value) => check(value),
    parseLiteral: (node) => {
      if (node.kind !== Kind.STRING) throw new GraphQLError(`${name} must be a string literal`, { nodes: node });
      return check(node.value, node);
    },
  });
};

const awsTimestamp = new GraphQLScalarType({
  name: 'AWSTimestamp',
  description: 'Seconds since 1970-01-01T00:00Z.',
  serialize: (value) => {
    if (typeof value === 'number' && Number.isInteger(value)) return value;
    throw new GraphQLError(`Invalid AWSTimestamp value: ${JSON.stringify(value)}`);
  },
  parseValue: (value) => {
    if (typeof value === 'number' && Number.isInteger(value)) return value;
    throw new GraphQLError(`Invalid AWSTimestamp value: ${JSON.stringify(value)}`);
  },
  parseLiteral: (node) => {
    if (node.kind !== Kind.INT) throw new GraphQLError('AWSTimestamp must be an integer', { nodes: node });
    return Number(node.value);
  },
});

const parseJson = (text: unknown, node?: ValueNode): unknown => {
  if (typeof text !== 'string') {
    throw new GraphQLError('AWSJSON must be a string containing JSON', node ? { nodes: node } : undefined);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new GraphQLError(`Invalid AWSJSON value: ${JSON.stringify(text)}`, node ? { nodes: node } : undefined);
  }
};

/**
 * AWSJSON arrives as a JSON string and resolvers see it parsed (AppSync: "automatically parsed and loaded
 * ... as Maps, Lists, or Scalar values"); on the way out a value is sent as its JSON text.
 */
const awsJson = new GraphQLScalarType({
  name: 'AWSJSON',
  description: 'A JSON document carried as a string.',
  serialize: (value) => {
    if (typeof value === 'string') {
      try {
        JSON.parse(value);
        return value;
      } catch {
        return JSON.stringify(value);
      }
    }
    return JSON.stringify(value);
  },
  parseValue: (value) => parseJson(value),
  parseLiteral: (node) => {
    if (node.kind !== Kind.STRING) throw new GraphQLError('AWSJSON must be a string literal', { nodes: node });
    return parseJson(node.value, node);
  },
});

export const AWS_SCALARS: readonly GraphQLScalarType[] = [
  stringScalar('AWSDateTime', 'An extended ISO 8601 date-time with a compulsory offset.', isAwsDateTime),
  stringScalar('AWSDate', 'An extended ISO 8601 date, optionally with an offset.', isAwsDate),
  stringScalar('AWSTime', 'An extended ISO 8601 time, optionally with an offset.', isAwsTime),
  stringScalar('AWSEmail', 'An email address (local-part@domain).', (v) => EMAIL_RE.test(v)),
  stringScalar('AWSURL', 'A URL with a scheme.', isAwsUrl),
  stringScalar('AWSPhone', 'A phone number.', (v) => PHONE_RE.test(v)),
  stringScalar('AWSIPAddress', 'An IPv4 or IPv6 address, optionally with a CIDR prefix.', isAwsIpAddress),
  awsTimestamp,
  awsJson,
];
