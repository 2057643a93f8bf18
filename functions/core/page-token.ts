/**
 * The opaque `nextToken` of `images`: base64url JSON holding where the previous page stopped in each
 * shard of the index (shard-merge.ts), a hash of what it was issued for (the filter and the partition read,
 * image-query.ts TokenBinding) and a checksum over both. The checksum catches an edited or truncated token;
 * the hash catches a token replayed with another filter or by another owner, which would otherwise resume
 * on the wrong index or partition. It is not a secret: it only names positions.
 * A filtered page's token also carries how many of the entries its reads evaluated matched (MatchRate), so that
 * the next page sizes its first reads by the filter's real rate instead of a guess (shard-merge.ts). Forged, it
 * can only change how a page's reads are sized, within the same read budget.
 */
import { createHash } from 'node:crypto';
import { ValidationError } from './errors';
import { MAX_INDEX_SHARDS } from './index-keys';
import type { ShardPosition } from './shard-merge';

/** 2: one position per shard (1 held a single DynamoDB key). */
const TOKEN_VERSION = 2;
/** A position is a timestamp and an id (~70 characters): this fits the largest shard count, base64-encoded. */
const MAX_TOKEN_LENGTH = 128 + MAX_INDEX_SHARDS * 128;
const MAX_FIELD_LENGTH = 256;

/** A position as the token stores it: 0 = not read yet, 1 = read to the end, [createdAt, id] = resume after. */
type EncodedPosition = 0 | 1 | [string, string];

/** Index entries a page's reads evaluated, and how many of them the residual filter kept. */
export interface MatchRate {
  matched: number;
  evaluated: number;
}

/** Larger than any page's read budget (image-query.ts readBudgetFor: 1,010 at most). */
const MAX_RATE_COUNT = 100_000;

interface TokenBody {
  v: number;
  p: EncodedPosition[];
  f: string;
  c: string;
  /** [matched, evaluated], on a filtered page's token only. */
  r?: [number, number];
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

const checksum = (positions: EncodedPosition[], filterDigest: string, rate?: [number, number]): string =>
  digest(`${TOKEN_VERSION}|${canonicalJson(positions)}|${filterDigest}${rate ? `|${rate.join(',')}` : ''}`);

const encodePosition = (position: ShardPosition): EncodedPosition =>
  position === 'start' ? 0 : position === 'done' ? 1 : [position.createdAt, position.id];

const decodePosition = (position: EncodedPosition): ShardPosition =>
  position === 0 ? 'start' : position === 1 ? 'done' : { createdAt: position[0], id: position[1] };

export const encodeNextToken = (positions: readonly ShardPosition[], filter: unknown, matchRate?: MatchRate): string => {
  const p = positions.map(encodePosition);
  const f = filterHash(filter);
  const r: [number, number] | undefined = matchRate ? [matchRate.matched, matchRate.evaluated] : undefined;
  const body: TokenBody = { v: TOKEN_VERSION, p, f, c: checksum(p, f, r), ...(r ? { r } : {}) };
  return Buffer.from(JSON.stringify(body), 'utf8').toString('base64url');
};

const invalid = (why: string): ValidationError => new ValidationError('InvalidNextToken', `nextToken ${why}`);

const isField = (value: unknown): value is string => typeof value === 'string' && value.length > 0 && value.length <= MAX_FIELD_LENGTH;

const isPosition = (value: unknown): value is EncodedPosition =>
  value === 0 || value === 1 || (Array.isArray(value) && value.length === 2 && isField(value[0]) && isField(value[1]));

const isCount = (value: unknown): value is number => Number.isInteger(value) && (value as number) >= 0 && (value as number) <= MAX_RATE_COUNT;

const isRate = (value: unknown): value is [number, number] =>
  Array.isArray(value) && value.length === 2 && isCount(value[0]) && isCount(value[1]) && value[0] <= value[1];

export interface PageToken {
  positions: ShardPosition[];
  matchRate?: MatchRate;
}

/**
 * Each shard's position to resume from, and the previous page's match rate where it had one; throws
 * InvalidNextToken for a token that was altered, issued for another filter, or issued for another shard count
 * (a deployment changed it between two pages).
 */
export const decodePageToken = (token: string, filter: unknown, shards: number): PageToken => {
  if (token.length === 0 || token.length > MAX_TOKEN_LENGTH || !/^[A-Za-z0-9_-]+$/.test(token)) {
    throw invalid('is malformed');
  }
  let body: Partial<TokenBody>;
  try {
    body = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Partial<TokenBody>;
  } catch {
    throw invalid('is malformed');
  }
  if (
    !body ||
    body.v !== TOKEN_VERSION ||
    !Array.isArray(body.p) ||
    !body.p.every(isPosition) ||
    typeof body.f !== 'string' ||
    typeof body.c !== 'string' ||
    (body.r !== undefined && !isRate(body.r))
  ) {
    throw invalid('is malformed');
  }
  if (checksum(body.p, body.f, body.r) !== body.c) throw invalid('has been altered');
  if (body.f !== filterHash(filter)) throw invalid('was issued for a different filter or caller');
  if (body.p.length !== shards) throw invalid('was issued for another layout of the index; start again without it');
  const positions = body.p.map(decodePosition);
  return body.r ? { positions, matchRate: { matched: body.r[0], evaluated: body.r[1] } } : { positions };
};

/** Each shard's position to resume from (decodePageToken). */
export const decodeNextToken = (token: string, filter: unknown, shards: number): ShardPosition[] =>
  decodePageToken(token, filter, shards).positions;
