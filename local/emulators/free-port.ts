import { createServer } from 'node:net';

/**
 * A TCP port that was free a moment ago on 127.0.0.1. Only for processes that cannot listen on port 0
 * themselves and report back (DynamoDB Local takes a fixed -port); everything in-process listens on 0.
 */
export const findFreePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
