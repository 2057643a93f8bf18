/**
 * The local S3 endpoint: a small HTTP server in front of s3rver that enforces what s3rver does not,
 * namely browser-based POST uploads (signature, expiry, exact key, Content-Type, content-length-range),
 * answering as S3 would, and proxies every other S3 request to s3rver unchanged.
 *
 * A verified POST is forwarded byte for byte, so s3rver stores it and emits ObjectCreated:Post exactly as
 * for a direct upload. The body is buffered to do that, bounded by the policy's own size limit.
 */
import { Agent, createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import busboy from 'busboy';
import { checkPostPolicy, type AcceptedPost, type FormField } from './post-policy';
import { renderS3Error, S3ErrorResponse, S3Errors } from './s3-errors';

export interface UploadGatewayOptions {
  /** Where s3rver listens. */
  upstream: string;
  credentials: Record<string, string>;
  host?: string;
  port?: number;
  clock?: () => Date;
  /** Called for every rejected POST (the log says why an upload failed). */
  onReject?: (error: S3ErrorResponse, bucket: string) => void;
}

export interface UploadGateway {
  endpoint: string;
  close(): Promise<void>;
}

/** S3 refuses POST bodies whose form fields (before the file) exceed 20 KB; the file size is the policy's. */
const MAX_PRE_FILE_BYTES = 20 * 1024;

export const startUploadGateway = async (options: UploadGatewayOptions): Promise<UploadGateway> => {
  const upstream = new URL(options.upstream);
  // Every handler's S3 call passes through here: reuse connections to s3rver instead of one per call.
  const agent = new Agent({ keepAlive: true, maxSockets: 32 });
  const server: Server = createServer((req, res) => {
    const bucket = postUploadBucket(req);
    if (bucket === undefined) {
      proxy(req, res, upstream, agent);
      return;
    }
    handlePost(req, res, bucket, options, upstream, agent).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500).end();
      req.resume();
      void error;
    });
  });
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

/** A browser-style upload is a POST to the bucket itself (path style), with no sub-resource in the query. */
const postUploadBucket = (req: IncomingMessage): string | undefined => {
  if (req.method !== 'POST') return undefined;
  const url = new URL(req.url ?? '/', 'http://local');
  const match = /^\/([^/]+)\/?$/.exec(url.pathname);
  if (!match || url.search !== '') return undefined;
  return decodeURIComponent(match[1] ?? '');
};

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
      res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
      upstreamRes.pipe(res);
    },
  );
  forward.on('error', () => {
    if (!res.headersSent) res.writeHead(502).end();
    else res.destroy();
  });
  if (body) forward.end(body);
  else req.pipe(forward);
};

const sendError = (req: IncomingMessage, res: ServerResponse, error: S3ErrorResponse, bucket: string): void => {
  const { requestId, body } = renderS3Error(error, `/${bucket}`);
  res.writeHead(error.status, {
    'content-type': 'application/xml',
    'x-amz-request-id': requestId,
    // Browsers must be able to read why their upload failed.
    'access-control-allow-origin': req.headers.origin ?? '*',
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
    // Everything after the file is ignored by S3.
    if (files === 0 && !fields.has(name.toLowerCase())) fields.set(name.toLowerCase(), { name, value });
  });
  parser.on('file', (name, stream) => {
    if (name.toLowerCase() !== 'file' || files > 0) {
      stream.resume();
      return;
    }
    files += 1;
    // The policy is complete once the file starts: check it now, then count bytes against its limit.
    verification = checkPostPolicy({ bucket, fields, now: options.clock?.() ?? new Date(), secretFor: (id) => options.credentials[id] })
      .then((result) => {
        accepted = result;
        if (fileSize > result.maxBytes) fail(S3Errors.tooLarge(fileSize, result.maxBytes));
      })
      .catch((error: unknown) => fail(error instanceof S3ErrorResponse ? error : S3Errors.malformed()));
    stream.on('data', (chunk: Buffer) => {
      fileSize += chunk.length;
      if (accepted && fileSize > accepted.maxBytes) fail(S3Errors.tooLarge(fileSize, accepted.maxBytes));
    });
  });

  let received = 0;
  req.on('data', (chunk: Buffer) => {
    received += chunk.length;
    // Bounds what is buffered before the policy (and its size limit) is known; one chunk of slack
    // because the file part may start inside the chunk that crosses the limit.
    if (files === 0 && received > MAX_PRE_FILE_BYTES + 64 * 1024) fail(S3Errors.preDataTooLarge());
    if (!failure) chunks.push(chunk);
  });
  const parsed = new Promise<void>((resolve, reject2) => {
    parser.once('close', resolve);
    parser.once('error', reject2);
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
