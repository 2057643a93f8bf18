/** Serves a built single-page app: files under the root, and index.html for any other GET path. */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};

const isFile = async (file: string): Promise<boolean> => (await stat(file).catch(() => undefined))?.isFile() ?? false;

/** Resolves with false when the request is not a GET/HEAD, so the caller can answer it otherwise. */
export const serveStatic = async (root: string, request: IncomingMessage, response: ServerResponse): Promise<boolean> => {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  const { pathname } = new URL(request.url ?? '/', 'http://localhost');
  const base = path.resolve(root);
  const requested = path.resolve(base, `.${decodeURIComponent(pathname)}`);
  // Never leave the root, whatever the path says.
  const inside = requested === base || requested.startsWith(base + path.sep);
  let file = inside && (await isFile(requested)) ? requested : undefined;
  if (!file && !path.extname(pathname)) {
    const index = path.join(base, 'index.html');
    if (await isFile(index)) file = index;
  }
  if (!file) return false;
  response.writeHead(200, {
    'content-type': CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream',
    'cache-control': path.basename(file) === 'index.html' ? 'no-cache' : 'public, max-age=300',
  });
  if (request.method === 'HEAD') {
    response.end();
    return true;
  }
  await new Promise<void>((resolve, reject) => {
    createReadStream(file).on('error', reject).on('end', resolve).pipe(response);
  });
  return true;
};
