/**
 * The local S3 endpoint: a small HTTP server in front of s3rver that enforces what s3rver does not,
 * namely browser-based POST uploads (signature, expiry, exact key, Content-Type, content-length-range),
 * answering as S3 would, and proxies every other S3 request to s3rver unchanged.
 *
 * A verified POST is forwarded byte for byte, so s3rver stores it and emits ObjectCreated:Post exactly as
 * for a direct upload. The body is buffered to do that, bounded by the policy's own size limit (or by
 * MAX_UPLOAD_BYTES when the policy sets none).
 *
 * What else it refuses before s3rver sees it, because s3rver would not: unsigned requests, browser
 * origins other than the console's, and keys with `..` segments (s3rver maps keys to file paths).
 */
import { Agent, createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import busboy from 'busboy';
import { MAX_UPLOAD_BYTES } from '../../functions/core/upload-validation';
import { guardRequests, type FaultReporter } from '../common/request-guard';
import { checkPostPolicy, type AcceptedPost, type FormField } from './post-policy';
import { checkS3Signature } from './s3-signature';
import { renderS3Error, S3ErrorResponse, S3Errors } from './s3-errors';
import { hasDotDotSegment, MAX_KEY_BYTES } from '../common/s3-keys';

export interface UploadGatewayOptions {
  /** Where s3rver listens. */
  upstream: string;
  credentials: Record<string, string>;
  host?: string;
  port?: number;
  clock?: () => Date;
  /** Called for every rejected request (the log says why an upload failed). */
  onReject?: (error: S3ErrorResponse, bucket: string) => void;
  /** Browser origins that may call (the console's); requests from any other Origin get 403 AccessForbidden. */
  origins?: { allowsOrigin(origin: string | undefined): boolean };
  /** Told about a failure of the gateway itself, with its request. */
  onFault?: FaultReporter;
}

export interface UploadGateway {
  endpoint: string;
  close(): Promise<void>;
}

/** S3 refuses POST bodies whose form fields (before the file) exceed 20 KB; the file size is the policy's. */
const MAX_PRE_FILE_BYTES = 20 * 1024;
/** Room for the multipart boundaries, part headers and the fields S3 ignores after the file. */
const MULTIPART_SLACK_BYTES = 64 * 1024;

const CORS_METHODS = 'GET, HEAD, POST';

export const startUploadGateway = async (options: UploadGatewayOptions): Promise<UploadGateway> => {
  const upstream = new URL(options.upstream);
  // Every handler's S3 call passes through here: reuse connections to s3rver instead of one per call.
  // No cap on how many: a capped pool is one that clients who stop reading their downloads can fill, and
  // then every other S3 call (the processor's too) waits behind them.
  const agent = new Agent({ keepAlive: true });
  const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const target = parseTarget(req);
    const refuse = (error: S3ErrorResponse) => {
      options.onReject?.(error, target.ok ? target.bucket : '');
      req.resume();
      sendError(req, res, error, target.ok ? target.bucket : '');
    };
    if (!target.ok) return refuse(target.error);
    const origin = req.headers.origin;
    if (origin !== undefined && !(options.origins?.allowsOrigin(origin) ?? true)) return refuse(S3Errors.corsForbidden());
    mayReadAnswer.add(req);
    if (req.method === 'OPTIONS') {
      res.writeHead(200, { ...corsGrant(req), 'access-control-allow-methods': CORS_METHODS, 'access-control-allow-headers': '*', 'content-length': 0 });
      res.end();
      return;
    }
    if (target.isPostUpload) return handlePost(req, res, target.bucket, options, upstream, agent);
    const unsigned = await checkS3Signature(req, target.rawPath, target.query, options.credentials, options.clock?.() ?? new Date());
    if (unsigned) return refuse(unsigned);
    proxy(req, res, upstream, agent);
  };
  const server: Server = createServer(
    guardRequests(
      'upload gateway',
      route,
      (req, res) => sendError(req, res, new S3ErrorResponse('InternalError', 500, 'We encountered an internal error. Please try again.'), ''),
      (fault) => options.onFault?.(fault),
    ),
  );
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        agent.destroy();
      }),
  };
};

type Target =
  | { ok: true; bucket: string; rawPath: string; query: URLSearchParams; isPostUpload: boolean }
  | { ok: false; error: S3ErrorResponse };

/** s3rver stores each `/`-separated part of a key as a file name (plus a 15-byte suffix); NAME_MAX is 255. */
const MAX_KEY_SEGMENT_BYTES = 240;

/**
 * Why s3rver must not see this key, if it must not: it would resolve a `..` segment as a file path, answer
 * 500 for a NUL or a part too long for a file name, and a key past PATH_MAX ended its whole process.
 */
export const keyRefusal = (key: string): S3ErrorResponse | undefined => {
  if (hasDotDotSegment(key)) return S3Errors.dotDotKey();
  const size = Buffer.byteLength(key);
  if (size > MAX_KEY_BYTES) return S3Errors.keyTooLong(size);
  if (key.includes('\0')) return S3Errors.unstorableKey('with NUL characters');
  if (key.split('/').some((part) => Buffer.byteLength(part) > MAX_KEY_SEGMENT_BYTES)) {
    return S3Errors.unstorableKey(`with a part between slashes over ${MAX_KEY_SEGMENT_BYTES} bytes (the emulator stores each as a file name)`);
  }
  return undefined;
};

/**
 * Path-style S3 addressing: /<bucket>/<key>. A browser-style upload is a POST to the bucket itself, with
 * no sub-resource in the query. A URL that cannot be decoded, or a key (or copy source) with a `..`
 * segment, raw or percent-encoded, is refused with S3's InvalidURI.
 */
const parseTarget = (req: IncomingMessage): Target => {
  let path: string;
  let query: URLSearchParams;
  // The path as sent: URL parsing would resolve `..` segments away before we could see them.
  const rawPath = (req.url ?? '/').split('?')[0] ?? '/';
  try {
    query = new URL(req.url ?? '/', 'http://local').searchParams;
    path = decodeURIComponent(rawPath);
    const copySource = req.headers['x-amz-copy-source'];
    if (typeof copySource === 'string') {
      const source = decodeURIComponent(copySource);
      // The copy source is <bucket>/<key>: `..` anywhere in it, the other rules on its key.
      const sourceRefusal = hasDotDotSegment(source) ? S3Errors.dotDotKey() : keyRefusal(source.replace(/^\/?[^/]*\/?/, ''));
      if (sourceRefusal) return { ok: false, error: sourceRefusal };
    }
  } catch {
    return { ok: false, error: S3Errors.invalidUri() };
  }
  if (hasDotDotSegment(path)) return { ok: false, error: S3Errors.dotDotKey() };
  const match = /^\/([^/]+)(\/?)(.*)$/s.exec(path);
  const refusal = keyRefusal(match?.[3] ?? '');
  if (refusal) return { ok: false, error: refusal };
  const bucket = match?.[1] ?? '';
  const isPostUpload = req.method === 'POST' && match !== null && match[3] === '' && [...query.keys()].length === 0;
  return { ok: true, bucket, rawPath, query, isPostUpload };
};

/** Requests whose Origin (if any) was allowed: only their answers carry a CORS grant. */
const mayReadAnswer = new WeakSet<IncomingMessage>();

/** The CORS grant for an allowed browser origin (none for callers that send no Origin). */
const corsGrant = (req: IncomingMessage): Record<string, string> =>
  req.headers.origin && mayReadAnswer.has(req) ? { 'access-control-allow-origin': req.headers.origin, 'access-control-expose-headers': 'ETag', vary: 'Origin' } : {};

/** s3rver's own CORS headers are dropped: the gateway decides which origins get a grant. */
const withoutUpstreamCors = (headers: Record<string, string | string[] | undefined>) =>
  Object.fromEntries(Object.entries(headers).filter(([name]) => !name.toLowerCase().startsWith('access-control-')));

const proxy = (req: IncomingMessage, res: ServerResponse, upstream: URL, agent: Agent, body?: Buffer): void => {
  const headers = { ...req.headers };
  // Hop-by-hop headers describe the client's connection, not ours to s3rver.
  delete headers.connection;
  delete headers['keep-alive'];
  if (body) {
    headers['content-length'] = String(body.length);
    delete headers['transfer-encoding'];
  }
  const forward = httpRequest(
    { hostname: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers, agent },
    (upstreamRes) => {
      res.writeHead(upstreamRes.statusCode ?? 502, { ...withoutUpstreamCors(upstreamRes.headers), ...corsGrant(req) });
      upstreamRes.pipe(res);
    },
  );
  forward.on('error', () => {
    if (!res.headersSent) res.writeHead(502).end();
    else res.destroy();
  });
  // A client that goes away mid-upload or mid-download leaves `pipe` waiting forever, holding the pooled
  // connection to s3rver: 32 such clients would stall every S3 call, the processor's included.
  res.on('close', () => {
    if (!res.writableFinished) forward.destroy();
  });
  if (body) forward.end(body);
  else req.pipe(forward);
};

const sendError = (req: IncomingMessage, res: ServerResponse, error: S3ErrorResponse, bucket: string): void => {
  const { requestId, body } = renderS3Error(error, `/${bucket}`);
  res.writeHead(error.status, {
    'content-type': 'application/xml',
    'x-amz-request-id': requestId,
    // Browsers (the console's origins only) must be able to read why their upload failed.
    ...corsGrant(req),
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
};

const handlePost = async (
  req: IncomingMessage,
  res: ServerResponse,
  bucket: string,
  options: UploadGatewayOptions,
  upstream: URL,
  agent: Agent,
): Promise<void> => {
  const reject = (error: S3ErrorResponse) => {
    options.onReject?.(error, bucket);
    // Drain what the client is still sending, so it reads our answer instead of a reset connection.
    req.resume();
    const answer = () => sendError(req, res, error, bucket);
    if (req.complete) answer();
    else req.once('end', answer);
  };

  const contentType = req.headers['content-type'] ?? '';
  if (!contentType.toLowerCase().startsWith('multipart/form-data')) return reject(S3Errors.notMultipart());

  let parser: busboy.Busboy;
  try {
    parser = busboy({ headers: req.headers, limits: { fieldSize: MAX_PRE_FILE_BYTES } });
  } catch {
    return reject(S3Errors.malformed());
  }

  const chunks: Buffer[] = [];
  const fields = new Map<string, FormField>();
  let accepted: AcceptedPost | undefined;
  let fileSize = 0;
  let files = 0;
  let failure: S3ErrorResponse | undefined;
  let verification: Promise<void> = Promise.resolve();

  const fail = (error: S3ErrorResponse) => {
    failure ??= error;
    chunks.length = 0;
  };

  parser.on('field', (name, value) => {
    // Everything after the file is ignored by S3, and everything after a refusal: the client may keep
    // sending distinct fields for as long as it likes while its body is drained.
    if (files === 0 && !failure && !fields.has(name.toLowerCase())) fields.set(name.toLowerCase(), { name, value });
  });
  parser.on('file', (name, stream) => {
    // A part cut short errors on its own stream too; the parser's error already decides the answer.
    stream.on('error', () => undefined);
    if (name.toLowerCase() !== 'file') {
      stream.resume();
      return;
    }
    files += 1;
    if (files > 1) {
      // S3 takes exactly one file per POST; a second one is refused, not buffered.
      fail(S3Errors.oneFile());
      stream.resume();
      return;
    }
    const refusal = keyRefusal(fields.get('key')?.value ?? '');
    if (refusal) fail(refusal);
    // The policy is complete once the file starts: check it now, then count bytes against its limit.
    verification = checkPostPolicy({ bucket, fields, now: options.clock?.() ?? new Date(), secretFor: (id) => options.credentials[id] })
      .then((result) => {
        accepted = result;
        const maxFile = Math.min(result.maxBytes, MAX_UPLOAD_BYTES);
        if (fileSize > maxFile) fail(S3Errors.tooLarge(fileSize, maxFile));
      })
      .catch((error: unknown) => fail(error instanceof S3ErrorResponse ? error : S3Errors.malformed()));
    stream.on('data', (chunk: Buffer) => {
      fileSize += chunk.length;
      const maxFile = Math.min(accepted?.maxBytes ?? MAX_UPLOAD_BYTES, MAX_UPLOAD_BYTES);
      if (fileSize > maxFile) fail(S3Errors.tooLarge(fileSize, maxFile));
    });
  });

  let received = 0;
  req.on('data', (chunk: Buffer) => {
    received += chunk.length;
    // Bounds what is buffered before the policy (and its size limit) is known; one chunk of slack
    // because the file part may start inside the chunk that crosses the limit.
    if (files === 0 && received > MAX_PRE_FILE_BYTES + MULTIPART_SLACK_BYTES) fail(S3Errors.preDataTooLarge());
    // Then the whole body is bounded by the file's limit: the policy's, or the product's own without one.
    const maxFile = Math.min(accepted?.maxBytes ?? MAX_UPLOAD_BYTES, MAX_UPLOAD_BYTES);
    if (received > MAX_PRE_FILE_BYTES + maxFile + MULTIPART_SLACK_BYTES) fail(S3Errors.tooLarge(fileSize, maxFile));
    if (!failure) chunks.push(chunk);
  });
  const parsed = new Promise<void>((resolve, reject2) => {
    parser.once('close', resolve);
    // `on`, not `once`: busboy may report a cut-short body more than once, and an unheard error ends the process.
    parser.on('error', reject2);
  });
  req.pipe(parser);
  try {
    await parsed;
  } catch {
    fail(S3Errors.malformed());
  }
  await verification;

  if (!failure && files === 0) fail(fields.has('key') ? S3Errors.oneFile() : S3Errors.missingField('key'));
  if (!failure && accepted && fileSize < accepted.minBytes) fail(S3Errors.tooSmall(fileSize, accepted.minBytes));
  if (failure) return reject(failure);
  proxy(req, res, upstream, agent, Buffer.concat(chunks));
};
