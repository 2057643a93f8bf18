/**
 * cognito-local (npm, pinned), the Cognito user-pool emulator, as a child Node process.
 *
 * Chosen because it speaks the Cognito Identity Provider API that the AWS SDK v3 and Amplify v6 call
 * (pools, clients, users, groups, USER_PASSWORD_AUTH) and signs RS256 tokens with a JWKS, offline; the
 * alternatives (moto, LocalStack) need Python or Docker. Its limits: no SRP sign-in (clients use
 * USER_PASSWORD_AUTH locally) and a signing key that ships inside the package, so anyone can mint a
 * local token, like anyone can read the fixed local API key. See docs/local-stack.md.
 *
 * Its Express app answers CORS `*` and checks no credentials on admin operations; it runs with
 * cognito-local-origins.cjs preloaded, which grants only the console's origins (allowOrigins) and refuses
 * every other browser origin, as the API and the S3 endpoint do.
 *
 * It keeps its pools under `.cognito/` in its working directory, which is put in the stack's state
 * folder so users survive a restart. Its issuer is http://<HOST>:<PORT>/<poolId> from its environment,
 * so the port is chosen before it starts, never 0 (startOnFreePort, which tries another if that one is taken).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { superviseChild } from './child-process';
import { EmulatorStartError } from './errors';
import { startOnFreePort, type PortSource } from './free-port';

export interface CognitoLocal {
  /** http://127.0.0.1:<port>: the Cognito API endpoint, and Amplify's Auth.Cognito.userPoolEndpoint. */
  endpoint: string;
  port: number;
  /** The Node process running it, for the supervisor. */
  process: ChildProcess;
  /** The issuer of a pool's tokens. */
  issuerOf(userPoolId: string): string;
  /** The browser origins it answers (the console's); every other Origin gets 403. None until called. */
  allowOrigins(origins: readonly string[]): void;
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';
const READY_TIMEOUT_MS = 30_000;

export const startCognitoLocal = async (options: { stateDir: string; ports?: PortSource }): Promise<CognitoLocal> => {
  mkdirSync(options.stateDir, { recursive: true });
  return startOnFreePort((port) => startOnPort(port, options.stateDir), options.ports);
};

const startOnPort = async (port: number, stateDir: string): Promise<CognitoLocal> => {
  const child = spawn(process.execPath, ['--require', resolve(__dirname, 'cognito-local-origins.cjs'), require.resolve('cognito-local/lib/bin/start.js')], {
    cwd: stateDir,
    env: { ...process.env, HOST, PORT: String(port), DEBUG: '' },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const { exited, alive, stop } = superviseChild(child, 'cognito-local');

  const endpoint = `http://${HOST}:${port}`;
  try {
    await Promise.race([waitUntilHealthy(endpoint, alive), exited]);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    endpoint,
    port,
    process: child,
    issuerOf: (userPoolId) => `${endpoint}/${userPoolId}`,
    allowOrigins: (origins) => {
      if (child.connected) child.send({ type: 'allowed-origins', origins });
    },
    stop,
  };
};

/** Until it answers, or has exited (then `exited` has already said why and this rejection goes unheard). */
const waitUntilHealthy = async (endpoint: string, alive: () => boolean): Promise<void> => {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (alive()) {
    try {
      const response = await fetch(`${endpoint}/health`, { signal: AbortSignal.timeout(1_000) });
      if (response.ok) return;
    } catch (error) {
      if (Date.now() > deadline) throw new EmulatorStartError('cognito-local', `not serving after ${READY_TIMEOUT_MS} ms`, { cause: error });
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new EmulatorStartError('cognito-local', 'exited before serving');
};
