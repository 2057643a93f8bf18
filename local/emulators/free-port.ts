import { createServer } from 'node:net';
import { PortInUseError } from './errors';

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

/** Where a child's port comes from, asked again at each attempt. Tests hand out a taken one. */
export type PortSource = () => Promise<number>;

const PORT_ATTEMPTS = 3;

/**
 * Starts a child that must be told its port, on one found free just before. Finding is not reserving: until
 * the child listens (a JVM takes seconds) any process may take that port, and DynamoDB Local listens on every
 * interface, which a loopback probe cannot see. So when the child says its port was taken, it starts again on
 * a fresh one, a few times; the caller gets the port it really listens on, so every consumer sees that one.
 */
export const startOnFreePort = async <T>(start: (port: number) => Promise<T>, ports: PortSource = findFreePort): Promise<T> => {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await start(await ports());
    } catch (error) {
      if (!(error instanceof PortInUseError) || attempt === PORT_ATTEMPTS) throw error;
    }
  }
};
