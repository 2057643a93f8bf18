/**
 * util.dynamodb as AppSync documents it ("DynamoDB helpers in util.dynamodb").
 *
 * Hand-written rather than @aws-sdk/util-dynamodb's marshall because AppSync's typed values differ
 * from the SDK's wire format: numbers stay numbers ({ N: 12345 }), null is { NULL: null }, arrays are
 * always lists, and undefined map entries are dropped the way JSON drops them.
 * toAttributeValue then turns such a typed value into the SDK's AttributeValue for the local server.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';

export type TypedValue =
  | { S: string }
  | { N: number | string }
  | { BOOL: boolean }
  | { NULL: null | true }
  | { L: TypedValue[] }
  | { M: Record<string, TypedValue> }
  | { SS: string[] }
  | { NS: (number | string)[] }
  | { B: string }
  | { BS: string[] };

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export const toDynamoDB = (value: unknown): TypedValue => {
  if (value === null || value === undefined) return { NULL: null };
  if (typeof value === 'string') return { S: value };
  if (typeof value === 'number') return { N: value };
  if (typeof value === 'boolean') return { BOOL: value };
  if (Array.isArray(value)) return { L: value.map(toDynamoDB) };
  if (isPlainObject(value)) return { M: toMapValues(value) };
  throw new TypeError(`util.dynamodb.toDynamoDB cannot convert a ${typeof value}`);
};

export const toMapValues = (value: Record<string, unknown>): Record<string, TypedValue> => {
  const out: Record<string, TypedValue> = {};
  for (const [key, entry] of Object.entries(value)) {
    if (entry !== undefined) out[key] = toDynamoDB(entry);
  }
  return out;
};

const orNull =
  <T, R>(convert: (value: T) => R) =>
  (value: T | null | undefined): R | null =>
    value === null || value === undefined ? null : convert(value);

interface S3ObjectJson {
  s3: { key: string; bucket: string; region: string; version?: string };
}

export const createDynamoDBUtil = () => ({
  toDynamoDB,
  toMapValues: (value: unknown) => (isPlainObject(value) ? toMapValues(value) : null),
  toMap: (value: unknown) => (isPlainObject(value) ? { M: toMapValues(value) } : null),
  toList: orNull((value: unknown[]) => ({ L: value.map(toDynamoDB) })),
  toString: orNull((value: string) => ({ S: value })),
  toStringSet: orNull((value: string[]) => ({ SS: [...value] })),
  toNumber: orNull((value: number) => ({ N: value })),
  toNumberSet: orNull((value: number[]) => ({ NS: [...value] })),
  toBinary: orNull((value: string) => ({ B: value })),
  toBinarySet: orNull((value: string[]) => ({ BS: [...value] })),
  toBoolean: orNull((value: boolean) => ({ BOOL: value })),
  toNull: () => ({ NULL: null }),
  toS3Object: (key: string, bucket: string, region: string, version?: string) => {
    const s3: S3ObjectJson['s3'] = { key, bucket, region };
    if (version !== undefined) s3.version = version;
    return { S: JSON.stringify({ s3 }) };
  },
  fromS3ObjectJson: (value: string) => (JSON.parse(value) as S3ObjectJson).s3,
});

/** An AppSync typed value as the AWS SDK's AttributeValue (numbers as strings, NULL as true). */
export const toAttributeValue = (value: TypedValue): AttributeValue => {
  if ('S' in value) return { S: value.S };
  if ('N' in value) return { N: String(value.N) };
  if ('BOOL' in value) return { BOOL: value.BOOL };
  if ('NULL' in value) return { NULL: true };
  if ('L' in value) return { L: value.L.map(toAttributeValue) };
  if ('M' in value) return { M: toAttributeValueMap(value.M) };
  if ('SS' in value) return { SS: value.SS };
  if ('NS' in value) return { NS: value.NS.map(String) };
  if ('B' in value) return { B: Buffer.from(value.B, 'base64') };
  if ('BS' in value) return { BS: value.BS.map((b) => Buffer.from(b, 'base64')) };
  throw new TypeError(`Not an AppSync typed value: ${JSON.stringify(value)}`);
};

export const toAttributeValueMap = (map: Record<string, TypedValue>): Record<string, AttributeValue> =>
  Object.fromEntries(Object.entries(map).map(([key, value]) => [key, toAttributeValue(value)]));
