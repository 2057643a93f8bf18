/**
 * SigV4 for the S3 requests the gateway proxies: s3rver accepts any signature (and none at all), so the
 * gateway checks, as S3 does, that a request is signed by one of the stack's keys, in the Authorization
 * header or as a presigned URL, that the signature matches, and that it is neither stale nor expired.
 *
 * The signing is @smithy/signature-v4's (what the SDK signs with), with S3's single URI encoding; this
 * module only rebuilds the request from what the client says it signed. The payload is the one the
 * client declared in x-amz-content-sha256 (S3 checks the body against it while storing; s3rver does not,
 * which matters little for a local stack and would cost buffering every upload).
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { NodeSha256 } from '../appsync-server/auth/sigv4';
import { S3ErrorResponse, S3Errors } from './s3-errors';

/** S3 accepts a header-signed request within 15 minutes of its own clock. */
const MAX_SKEW_MS = 15 * 60 * 1000;
const HEADER_RE = /^AWS4-HMAC-SHA256\s+Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/s3\/aws4_request,\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]{64})\s*$/;

const parseAmzDate = (value: string | null | undefined): Date | undefined => {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value ?? '');
  return m ? new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!)) : undefined;
};

const same = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

const signedHeaderValues = (req: IncomingMessage, names: string[]): Record<string, string> | undefined => {
  const values: Record<string, string> = {};
  for (const name of names) {
    const value = req.headers[name];
    if (value === undefined) return undefined;
    values[name] = Array.isArray(value) ? value.join(',') : value;
  }
  return values;
};

const queryRecord = (query: URLSearchParams, without: string[]): Record<string, string | string[]> => {
  const record: Record<string, string | string[]> = {};
  for (const [name, value] of query) {
    if (without.includes(name)) continue;
    const existing = record[name];
    record[name] = existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value];
  }
  return record;
};

/** undefined when the request is signed correctly; S3's error otherwise. */
export const checkS3Signature = async (
  req: IncomingMessage,
  rawPath: string,
  query: URLSearchParams,
  credentials: Record<string, string>,
  now: Date,
): Promise<S3ErrorResponse | undefined> => {
  const header = HEADER_RE.exec(req.headers.authorization ?? '');
  const presigned = query.get('X-Amz-Signature');
  if (!header && !presigned) return S3Errors.anonymous();

  const [accessKeyId, region] = header
    ? [header[1]!, header[3]!]
    : [(query.get('X-Amz-Credential') ?? '').split('/')[0] ?? '', (query.get('X-Amz-Credential') ?? '').split('/')[2] ?? ''];
  const secret = credentials[accessKeyId];
  if (!secret) return S3Errors.unknownAccessKey(accessKeyId);
  const signer = new SignatureV4({ credentials: { accessKeyId, secretAccessKey: secret }, region, service: 's3', sha256: NodeSha256, uriEscapePath: false, applyChecksum: false });

  if (header) {
    const names = header[4]!.split(';');
    const signingDate = parseAmzDate(req.headers['x-amz-date'] as string | undefined);
    const headers = signedHeaderValues(req, names);
    if (!signingDate || !headers || !names.includes('host')) return S3Errors.signatureMismatch(accessKeyId);
    if (Math.abs(signingDate.getTime() - now.getTime()) > MAX_SKEW_MS) return S3Errors.requestTimeTooSkewed();
    const request = new HttpRequest({ method: req.method ?? 'GET', protocol: 'http:', hostname: headers.host!, path: rawPath, query: queryRecord(query, []), headers });
    const signed = await signer.sign(request, { signingDate, signableHeaders: new Set(names) });
    const expected = /Signature=([0-9a-f]{64})/.exec(String(signed.headers.authorization ?? ''))?.[1] ?? '';
    return same(expected, header[5]!) ? undefined : S3Errors.signatureMismatch(accessKeyId);
  }

  const names = (query.get('X-Amz-SignedHeaders') ?? '').split(';');
  const signingDate = parseAmzDate(query.get('X-Amz-Date'));
  const expiresIn = Number(query.get('X-Amz-Expires'));
  const headers = signedHeaderValues(req, names);
  if (!signingDate || !headers || !Number.isInteger(expiresIn)) return S3Errors.signatureMismatch(accessKeyId);
  if (now.getTime() > signingDate.getTime() + expiresIn * 1000) return S3Errors.presignExpired();
  const request = new HttpRequest({
    method: req.method ?? 'GET',
    protocol: 'http:',
    hostname: headers.host ?? '',
    path: rawPath,
    query: queryRecord(query, ['X-Amz-Signature']),
    // What the SDK's presigner hashes as the payload; not itself a signed header.
    headers: { ...headers, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
  });
  const signed = await signer.presign(request, {
    signingDate,
    expiresIn,
    signableHeaders: new Set(names),
    unsignableHeaders: new Set(['x-amz-content-sha256']),
    unhoistableHeaders: new Set(['x-amz-content-sha256']),
  });
  const expected = String(signed.query?.['X-Amz-Signature'] ?? '');
  return same(expected, presigned!) ? undefined : S3Errors.signatureMismatch(accessKeyId);
};
