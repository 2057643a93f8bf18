/**
 * An HTTP server that answers `images` the way AppSync does, for the export's unit tests: page n holds
 * pages[n] items and a nextToken to page n + 1 (null after the last); `failAt` answers that page with a
 * GraphQL error, `delayMs` slows every answer. It has no `imageStats` (an older API): the export then plans
 * one slice and reads the pages in one sequence.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ImagesCall {
  limit: number;
  nextToken: string | null;
  filter: unknown;
  apiKey: string | undefined;
}

export const stubImage = (n: number) => ({
  id: `i${n}`,
  createdAt: new Date(Date.UTC(2026, 10, 30) - n * 1000).toISOString(),
  status: 'PENDING',
  fileName: `f${n}.jpg`,
});

export const serveImages = async (pages: number[], options: { failAt?: number; delayMs?: number } = {}) => {
  const calls: ImagesCall[] = [];
  let served = 0;
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const { query, variables } = JSON.parse(body) as { query: string; variables: Omit<ImagesCall, 'apiKey'> };
      if (query.includes('imageStats')) {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ data: null, errors: [{ errorType: 'ValidationError', message: "Cannot query field 'imageStats' on type 'Query'." }] }));
        return;
      }
      calls.push({ ...variables, apiKey: req.headers['x-api-key'] as string | undefined });
      const page = Number(variables.nextToken ?? 0);
      const answer =
        page === options.failAt
          ? { data: null, errors: [{ errorType: 'DependencyUnavailable', message: 'the table is unavailable' }] }
          : {
              data: {
                images: {
                  items: Array.from({ length: pages[page] ?? 0 }, () => stubImage(served++)),
                  nextToken: page + 1 < pages.length ? String(page + 1) : null,
                },
              },
            };
      setTimeout(() => {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify(answer));
      }, options.delayMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    calls,
    target: { graphqlUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`, apiKey: 'key' },
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
};
