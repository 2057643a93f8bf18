/**
 * The HTTP side: POST /graphql (authenticated first, as AppSync does, then executed), CORS for browsers,
 * extra routes from the local stack, and an optional static web console with an index.html fallback.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { LocalOrigins } from '../common/origins';
import { authenticate, type AuthConfig } from './auth/authenticate';
import { isRequestError } from './auth/sigv4';
import { requestErrorBody, type RequestError } from './errors';
import type { Executor, GraphQLRequestBody, Publication } from './execution';
import { serveStatic } from './static-files';

export interface ExtraRoute {
  method: string;
  path: string;
  handler: (request: IncomingMessage, response: ServerResponse) => void | Promise<void>;
}

export interface HttpHandlerOptions {
  graphqlPath: string;
  auth: AuthConfig;
  executor: Executor;
  publish: (publication: Publication) => void;
  staticDir?: string;
  extraRoutes?: readonly ExtraRoute[];
  /** AppSync refuses request bodies over 1 MB. */
  maxBodyBytes?: number;
  /** Where failures of the server itself (not of requests) are reported. */
  onInternalError?: (error: unknown) => void;
  /** Which browser origins may call; others get 403 ForbiddenException (see local/common/origins.ts). */
  origins: LocalOrigins;
}

/** AppSync's quota on a request's size (1 MB); bigger bodies are refused before they are read whole. */
export const MAX_BODY_BYTES = 1024 * 1024;

const CORS_ALLOWED = {
  'access-control-allow-methods': 'GET, POST, OPTIONS',
  'access-control-allow-headers':
    'content-type, x-api-key, authorization, x-amz-date, x-amz-security-token, x-amz-user-agent, x-amz-content-sha256, user-agent',
  'access-control-max-age': '86400',
};

/** CORS headers for an allowed origin; none for callers without an Origin (they are not browsers). */
export const corsHeaders = (request: IncomingMessage): Record<string, string> => {
  const origin = request.headers.origin;
  return origin ? { ...CORS_ALLOWED, 'access-control-allow-origin': origin, vary: 'Origin' } : { vary: 'Origin' };
};

class BodyTooLarge extends Error {}

const readBody = (request: IncomingMessage, limit: number): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new BodyTooLarge());
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });

const sendJson = (response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void => {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', 'content-length': Buffer.byteLength(text), ...headers });
  response.end(text);
};

const sendRequestError = (response: ServerResponse, error: RequestError, cors: Record<string, string> = {}): void =>
  sendJson(response, error.status, requestErrorBody(error), { ...cors, 'x-amzn-errortype': error.errorType });

/** A path that cannot even be decoded: refused by name instead of failing somewhere below. */
const requestPath = (request: IncomingMessage): string | undefined => {
  try {
    const { pathname } = new URL(request.url ?? '/', 'http://localhost');
    decodeURIComponent(pathname);
    return pathname;
  } catch {
    return undefined;
  }
};

const flatHeaders = (request: IncomingMessage): Record<string, string> =>
  Object.fromEntries(
    Object.entries(request.headers).flatMap(([k, v]) => (v === undefined ? [] : [[k, Array.isArray(v) ? v.join(',') : v]])),
  );

const isGraphQLRequest = (value: unknown): value is GraphQLRequestBody =>
  typeof value === 'object' && value !== null && typeof (value as { query?: unknown }).query === 'string';

export const createHttpHandler = (options: HttpHandlerOptions): RequestListener => {
  const handleGraphQL = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const cors = corsHeaders(request);
    const limit = options.maxBodyBytes ?? MAX_BODY_BYTES;
    if (Number(request.headers['content-length'] ?? 0) > limit) {
      sendRequestError(response, { status: 413, errorType: 'PayloadTooLargeException', message: 'Request body is too large.' }, cors);
      request.resume();
      return;
    }
    let raw: Buffer;
    try {
      raw = await readBody(request, limit);
    } catch (error) {
      if (error instanceof BodyTooLarge) {
        sendRequestError(response, { status: 413, errorType: 'PayloadTooLargeException', message: 'Request body is too large.' }, cors);
      }
      return;
    }
    const url = new URL(request.url ?? '/', 'http://localhost');
    const headers = flatHeaders(request);
    const caller = await authenticate(
      {
        method: request.method ?? 'POST',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers,
        body: raw,
        ...(request.socket.remoteAddress ? { sourceIp: request.socket.remoteAddress } : {}),
      },
      options.auth,
    );
    if (isRequestError(caller)) {
      sendRequestError(response, caller, cors);
      return;
    }
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      body = undefined;
    }
    if (!isGraphQLRequest(body)) {
      sendRequestError(response, { status: 400, errorType: 'MalformedHttpRequestException', message: 'Unable to parse GraphQL query.' }, cors);
      return;
    }
    const { body: result, publications } = await options.executor.execute(body, { caller, headers });
    sendJson(response, 200, result, cors);
    for (const publication of publications) options.publish(publication);
  };

  return (request, response) => {
    const run = async (): Promise<void> => {
      const pathname = requestPath(request);
      if (pathname === undefined) {
        sendRequestError(response, { status: 400, errorType: 'BadRequestException', message: 'The request URL is malformed.' });
        return;
      }
      const method = request.method ?? 'GET';
      const route = options.extraRoutes?.find((r) => r.path === pathname);
      if (pathname === options.graphqlPath || route) {
        const origin = request.headers.origin;
        if (!options.origins.allowsOrigin(origin)) {
          // What a deployed API does for an origin it was not configured with: no CORS grant, and here a named refusal.
          request.resume();
          sendRequestError(response, { status: 403, errorType: 'ForbiddenException', message: `Origin ${origin} is not allowed to call this API.` });
          return;
        }
        if (method === 'OPTIONS') {
          response.writeHead(204, corsHeaders(request));
          response.end();
          return;
        }
      }
      if (pathname === options.graphqlPath) {
        if (method === 'POST') return handleGraphQL(request, response);
        sendRequestError(
          response,
          { status: 405, errorType: 'MethodNotAllowedException', message: `${method} is not supported; use POST.` },
          corsHeaders(request),
        );
        return;
      }
      if (route && route.method.toUpperCase() === method) return route.handler(request, response);
      if (route) {
        sendRequestError(response, { status: 405, errorType: 'MethodNotAllowedException', message: `${method} is not supported; use ${route.method}.` });
        return;
      }
      if (options.staticDir && (await serveStatic(options.staticDir, request, response))) return;
      sendJson(response, 404, { errors: [{ errorType: 'NotFoundException', message: `Nothing at ${pathname}` }] });
    };
    run().catch((error: unknown) => {
      options.onInternalError?.(error);
      if (!response.headersSent) {
        sendJson(response, 500, { errors: [{ errorType: 'InternalFailure', message: 'The local AppSync server failed to answer.' }] });
      } else {
        response.destroy(error instanceof Error ? error : undefined);
      }
    });
  };
};
