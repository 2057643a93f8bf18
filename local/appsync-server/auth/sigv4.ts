/**
 * Verifies an AWS Signature Version 4 the way AWS does: recompute the signature of the received request
 * with the known secret and compare. The signing itself is @smithy/signature-v4's (what the AWS SDK and
 * Amplify sign with); this module only rebuilds the request from what the caller said it signed.
 */
import { createHash, createHmac, timingSafeEqual, type BinaryLike, type Hash, type Hmac } from 'node:crypto';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { Checksum, SourceData } from '@smithy/types';
import type { RequestError } from '../errors';

const toBinary = (data: SourceData): BinaryLike =>
  typeof data === 'string' ? data : data instanceof Uint8Array ? data : new Uint8Array(data instanceof ArrayBuffer ? data : data.buffer);

/**
 * SHA-256 / HMAC-SHA256 for the signer from node:crypto (what the AWS SDK uses in Node). The pure-JS
 * @aws-crypto/sha256-js works too but costs several times more per verification under load.
 */
export class NodeSha256 implements Checksum {
  private hash: Hash | Hmac;

  constructor(private readonly secret?: SourceData) {
    this.hash = this.fresh();
  }

  private fresh(): Hash | Hmac {
    return this.secret === undefined ? createHash('sha256') : createHmac('sha256', toBinary(this.secret));
  }

  update(data: Uint8Array): void {
    this.hash.update(data);
  }

  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }

  reset(): void {
    this.hash = this.fresh();
  }
}

export interface LocalCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

export interface SignedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query?: Record<string, string | string[]>;
  /** Header names in any case. */
  headers: Record<string, string | undefined>;
  body: string | Uint8Array;
}

export interface VerifiedSigner {
  accessKeyId: string;
  region: string;
}

/** AWS accepts a request whose x-amz-date is within 5 minutes of its own clock. */
export const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;

const AUTHORIZATION_RE =
  /^AWS4-HMAC-SHA256\s+Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/aws4_request,\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]{64})\s*$/;

const invalidSignature = (message: string): RequestError => ({ status: 403, errorType: 'InvalidSignatureException', message });
const unrecognizedClient: RequestError = {
  status: 403,
  errorType: 'UnrecognizedClientException',
  message: 'The security token included in the request is invalid.',
};
const SIGNATURE_MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

const parseAmzDate = (value: string): Date | undefined => {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return undefined;
  return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])));
};

const compact = (date: Date): string => date.toISOString().replace(/[-:]|\.\d{3}/g, '');

export const isSigV4Authorization = (value: string | undefined): boolean =>
  typeof value === 'string' && value.startsWith('AWS4-HMAC-SHA256');

/** Resolves with the signer, or rejects with AppSync's request error. */
export const verifySigV4 = async (
  request: SignedRequest,
  options: { credentials: LocalCredentials; region: string; service?: string; now?: () => number },
): Promise<VerifiedSigner | RequestError> => {
  const service = options.service ?? 'appsync';
  const headers = Object.fromEntries(
    Object.entries(request.headers).flatMap(([k, v]) => (v === undefined ? [] : [[k.toLowerCase(), v]])),
  );
  const match = AUTHORIZATION_RE.exec(headers.authorization ?? '');
  if (!match) return invalidSignature('Authorization header requires Credential, SignedHeaders and Signature.');
  const [, accessKeyId, shortDate, region, signedService, signedHeaderList, signature] = match as unknown as string[];
  if (accessKeyId !== options.credentials.accessKeyId) return unrecognizedClient;
  if (region !== options.region || signedService !== service) {
    return invalidSignature(`Credential should be scoped to a valid region and service '${service}' in ${options.region}.`);
  }

  const signedHeaders = signedHeaderList!.split(';');
  const amzDate = headers['x-amz-date'] ?? '';
  const signingDate = parseAmzDate(amzDate);
  if (!signingDate || !signedHeaders.includes('x-amz-date') || !amzDate.startsWith(shortDate!)) {
    return invalidSignature('The request must carry a signed X-Amz-Date matching the credential scope.');
  }
  const now = options.now?.() ?? Date.now();
  if (signingDate.getTime() < now - MAX_CLOCK_SKEW_MS) {
    return invalidSignature(
      `Signature expired: ${amzDate} is now earlier than ${compact(new Date(now - MAX_CLOCK_SKEW_MS))} (${compact(new Date(now))} - 5 min.)`,
    );
  }
  if (signingDate.getTime() > now + MAX_CLOCK_SKEW_MS) {
    return invalidSignature(
      `Signature not yet current: ${amzDate} is still later than ${compact(new Date(now + MAX_CLOCK_SKEW_MS))} (${compact(new Date(now))} + 5 min.)`,
    );
  }
  const missing = signedHeaders.filter((name) => headers[name] === undefined);
  if (missing.length > 0 || !signedHeaders.includes('host')) {
    return invalidSignature(`Signed headers missing from the request: ${missing.length > 0 ? missing.join(', ') : 'host'}`);
  }
  // A signed x-amz-content-sha256 replaces hashing the body in SigV4, so it must describe the body we got.
  const declaredHash = headers['x-amz-content-sha256'];
  if (declaredHash !== undefined && declaredHash !== 'UNSIGNED-PAYLOAD') {
    const actual = createHash('sha256').update(request.body).digest('hex');
    if (actual !== declaredHash) return invalidSignature('The provided x-amz-content-sha256 header does not match the body.');
  }

  const signer = new SignatureV4({
    credentials: options.credentials,
    region: options.region,
    service,
    sha256: NodeSha256,
    applyChecksum: false,
  });
  const toVerify = new HttpRequest({
    method: request.method.toUpperCase(),
    protocol: 'https:',
    hostname: headers.host!,
    path: request.path,
    query: request.query ?? {},
    headers: Object.fromEntries(signedHeaders.map((name) => [name, headers[name]!])),
    body: request.body,
  });
  const signed = await signer.sign(toVerify, { signingDate, signableHeaders: new Set(signedHeaders) });
  const expected = /Signature=([0-9a-f]{64})/.exec(String(signed.headers.authorization ?? ''))?.[1] ?? '';
  const same = expected.length === signature!.length && timingSafeEqual(Buffer.from(expected), Buffer.from(signature!));
  return same ? { accessKeyId: accessKeyId!, region: region! } : invalidSignature(SIGNATURE_MISMATCH);
};

export const isRequestError = (value: unknown): value is RequestError =>
  typeof value === 'object' && value !== null && 'errorType' in value && 'status' in value;
