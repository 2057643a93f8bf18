/**
 * The opaque `nextToken` of `images`: base64url JSON holding where the previous page stopped (a
 * DynamoDB key), a hash of the filter it was issued for and a checksum over both. The checksum catches
 * an edited or truncated token; the filter hash catches a token replayed with another filter, which
 * would otherwise resume on the wrong index. It is not a secret: the key only names a position.
 */
import { createHash } from 'node:crypto';
import { ValidationError } from './errors';

const TOKEN_VERSION = 1;
/** A DynamoDB key is three short strings; anything much longer is not one of ours. */
const MAX_TOKEN_LENGTH = 2048;

type Key = Record<string, string>;

interface TokenBody {
  v: number;
  k: Key;
  f: string;
  c: string;
}

const digest = (text: string): string => createHash('sha256').update(text).digest('base64url').slice(0, 22);

/** Stable JSON: object keys sorted, null/undefined members dropped, so equal filters hash equally. */
export const canonicalJson = (value: unknown): string => {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== null && v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
};

export const filterHash = (filter: unknown): string => digest(canonicalJson(filter ?? {}));

const checksum = (key: Key, filterDigest: string): string => digest(`${TOKEN_VERSION}|${canonicalJson(key)}|${filterDigest}`);

export const encodeNextToken = (lastKey: Record<string, unknown>, filter: unknown): string => {
  const key: Key = {};
  for (const [name, value] of Object.entries(lastKey)) {
    if (typeof value !== 'string') throw new TypeError(`Page key attribute ${name} is not a string`);
    key[name] = value;
  }
  const f = filterHash(filter);
  const body: TokenBody = { v: TOKEN_VERSION, k: key, f, c: checksum(key, f) };
  return Buffer.from(JSON.stringify(body), 'utf8').toString('base64url');
};

const invalid = (why: string): ValidationError => new ValidationError('InvalidNextToken', `nextToken ${why}`);

const isKey = (value: unknown): value is Key =>
  value !== null &&
  typeof value === 'object' &&
  !Array.isArray(value) &&
  Object.values(value as object).every((v) => typeof v === 'string');

/** The key to resume from; throws InvalidNextToken for a token that was altered or issued for another filter. */
export const decodeNextToken = (token: string, filter: unknown): Key => {
  if (token.length === 0 || token.length > MAX_TOKEN_LENGTH || !/^[A-Za-z0-9_-]+$/.test(token)) {
    throw invalid('is malformed');
  }
  let body: Partial<TokenBody>;
  try {
    body = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Partial<TokenBody>;
  } catch {
    throw invalid('is malformed');
  }
  if (!body || body.v !== TOKEN_VERSION || !isKey(body.k) || typeof body.f !== 'string' || typeof body.c !== 'string') {
    throw invalid('is malformed');
  }
  if (checksum(body.k, body.f) !== body.c) throw invalid('has been altered');
  if (body.f !== filterHash(filter)) throw invalid('was issued for a different filter');
  return body.k;
};
