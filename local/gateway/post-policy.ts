/**
 * Verification of an S3 browser-based POST (SigV4 POST policy), as S3 performs it.
 *
 * Hand-written because no library does this: the AWS SDK only *creates* POST policies
 * (@aws-sdk/s3-presigned-post), and s3rver accepts any form. The signature itself is the SDK's own
 * derivation (getSigningKey from @smithy/signature-v4) followed by one HMAC-SHA256 over the base64 policy;
 * what this module adds is S3's rule book: credential scope, expiry, every condition, no extra fields,
 * and content-length-range.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { Sha256 } from '@aws-crypto/sha256-js';
import { getSigningKey } from '@smithy/signature-v4';
import { S3Errors } from './s3-errors';

export interface FormField {
  /** As sent: S3 matches names case-insensitively but reports them as sent. */
  name: string;
  value: string;
}

export interface PolicyCheckInput {
  /** The bucket from the URL. */
  bucket: string;
  /** The fields that precede `file`, keyed by lower-case name (the first occurrence wins). */
  fields: Map<string, FormField>;
  now: Date;
  /** The secret for an access key id; undefined when the key does not exist. */
  secretFor: (accessKeyId: string) => string | undefined;
}

export interface AcceptedPost {
  key: string;
  accessKeyId: string;
  minBytes: number;
  maxBytes: number;
}

type Condition = Record<string, unknown> | unknown[];

/** Fields a policy need not mention (S3's list). */
const exempt = (name: string): boolean =>
  name === 'x-amz-signature' || name === 'file' || name === 'policy' || name.startsWith('x-ignore-');

export const checkPostPolicy = async (input: PolicyCheckInput): Promise<AcceptedPost> => {
  const field = (name: string) => input.fields.get(name)?.value;
  const key = field('key');
  if (key === undefined) throw S3Errors.missingField('key');
  const encodedPolicy = field('policy');
  if (encodedPolicy === undefined) throw S3Errors.anonymous();

  const algorithm = field('x-amz-algorithm');
  if (algorithm === undefined) throw S3Errors.missingField('x-amz-algorithm');
  if (algorithm !== 'AWS4-HMAC-SHA256') throw S3Errors.unsupportedAlgorithm(algorithm);
  const credential = field('x-amz-credential');
  if (credential === undefined) throw S3Errors.missingField('x-amz-credential');
  const signature = field('x-amz-signature');
  if (signature === undefined) throw S3Errors.missingField('x-amz-signature');
  if (field('x-amz-date') === undefined) throw S3Errors.missingField('x-amz-date');

  const [accessKeyId = '', shortDate = '', region = '', service = '', terminator = ''] = credential.split('/');
  if (!/^\d{8}$/.test(shortDate) || !region || service !== 's3' || terminator !== 'aws4_request') {
    throw S3Errors.malformedCredential(credential);
  }
  const secret = input.secretFor(accessKeyId);
  if (secret === undefined) throw S3Errors.unknownAccessKey(accessKeyId);
  const signingKey = await getSigningKey(Sha256, { accessKeyId, secretAccessKey: secret }, shortDate, region, 's3');
  const expected = createHmac('sha256', signingKey).update(encodedPolicy, 'utf8').digest();
  const provided = Buffer.from(signature, 'hex');
  if (provided.length !== expected.length || !timingSafeEqual(provided, expected)) {
    throw S3Errors.signatureMismatch(accessKeyId);
  }

  const policy = decodePolicy(encodedPolicy);
  if (Number.isNaN(policy.expiration.getTime())) throw S3Errors.invalidPolicy('Invalid \'expiration\' value.');
  if (policy.expiration.getTime() <= input.now.getTime()) throw S3Errors.expired();

  const covered = new Set<string>();
  let minBytes = 0;
  let maxBytes = Number.MAX_SAFE_INTEGER;
  for (const condition of policy.conditions) {
    if (Array.isArray(condition)) {
      const [operator, subject, expected2] = condition;
      if (typeof operator === 'string' && operator.toLowerCase() === 'content-length-range') {
        minBytes = byteCount(subject);
        maxBytes = byteCount(expected2);
        // S3 refuses such a policy; taken as NaN, the bounds would compare false and cap no body at all.
        if (!(minBytes <= maxBytes)) throw S3Errors.invalidPolicy(`Invalid content-length-range: ${JSON.stringify(condition)}`);
        continue;
      }
      if (typeof operator !== 'string' || typeof subject !== 'string' || !subject.startsWith('$') || typeof expected2 !== 'string') {
        throw S3Errors.invalidPolicy(`Invalid condition: ${JSON.stringify(condition)}`);
      }
      const name = subject.slice(1).toLowerCase();
      covered.add(name);
      const actual = valueOf(name, input);
      const op = operator.toLowerCase();
      const ok = op === 'eq' ? actual === expected2 : op === 'starts-with' ? (actual ?? '').startsWith(expected2) : undefined;
      if (ok === undefined) throw S3Errors.invalidPolicy(`Invalid condition operator: ${operator}`);
      if (!ok) throw S3Errors.conditionFailed(condition);
    } else {
      const entries = Object.entries(condition);
      if (entries.length !== 1) throw S3Errors.invalidPolicy(`Invalid condition: ${JSON.stringify(condition)}`);
      const [rawName, expected2] = entries[0] as [string, unknown];
      const name = rawName.replace(/^\$/, '').toLowerCase();
      covered.add(name);
      if (valueOf(name, input) !== expected2) throw S3Errors.conditionFailed(['eq', `$${rawName.replace(/^\$/, '')}`, expected2]);
    }
  }
  const extra = [...input.fields.entries()].filter(([name]) => !exempt(name) && !covered.has(name)).map(([, f]) => f.name);
  if (extra.length > 0) throw S3Errors.extraFields(extra);
  return { key, accessKeyId, minBytes, maxBytes };
};

/** A content-length-range bound: a whole number of bytes, as a JSON number or decimal digits; NaN otherwise. */
const byteCount = (value: unknown): number =>
  (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) || (typeof value === 'string' && /^\d{1,15}$/.test(value)) ? Number(value) : NaN;

const valueOf = (name: string, input: PolicyCheckInput): string | undefined =>
  // S3 judges the bucket condition against the bucket addressed by the URL, whatever a form field says.
  name === 'bucket' ? input.bucket : input.fields.get(name)?.value;

const decodePolicy = (encoded: string): { expiration: Date; conditions: Condition[] } => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(encoded, 'base64').toString('utf8'));
  } catch {
    throw S3Errors.invalidPolicy('Invalid JSON.');
  }
  const policy = parsed as { expiration?: unknown; conditions?: unknown };
  if (typeof policy?.expiration !== 'string') throw S3Errors.invalidPolicy("Policy missing expiration.");
  if (!Array.isArray(policy.conditions)) throw S3Errors.invalidPolicy('Policy missing conditions.');
  const conditions = policy.conditions.filter((c): c is Condition => typeof c === 'object' && c !== null);
  return { expiration: new Date(policy.expiration), conditions };
};
