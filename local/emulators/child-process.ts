/**
 * The lifecycle every emulator that runs as a child process shares: its recent output for error messages,
 * a promise that rejects if it dies during start-up (PortInUseError when its output says its port was taken),
 * a kill when this process exits (a child outliving us would hold its port and files), and a stop that asks
 * first and insists after a grace period.
 */
import type { ChildProcess } from 'node:child_process';
import { EmulatorStartError, PortInUseError } from './errors';

export interface ChildLifecycle {
  /** Rejects with EmulatorStartError when the child fails to spawn or exits; race it against readiness. */
  exited: Promise<never>;
  /** False once it has exited: a readiness probe still polling then stops. */
  alive(): boolean;
  stop(): Promise<void>;
}

const STOP_GRACE_MS = 5_000;
const KEPT_OUTPUT_CHARS = 4_000;
/** How Java (Jetty's cause) and Node say a listen found its port taken. */
const ADDRESS_IN_USE = /BindException: Address already in use|EADDRINUSE/;

export const superviseChild = (
  child: ChildProcess,
  emulator: string,
  spawnError: (error: NodeJS.ErrnoException) => EmulatorStartError = (error) => new EmulatorStartError(emulator, error.message, { cause: error }),
): ChildLifecycle => {
  let output = '';
  let addressInUse = false;
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-KEPT_OUTPUT_CHARS);
    addressInUse ||= ADDRESS_IN_USE.test(output);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  const exited = new Promise<never>((_, reject) => {
    child.once('error', (error: NodeJS.ErrnoException) => reject(spawnError(error)));
    child.once('exit', (code, signal) => {
      const message = `exited during start-up (code ${code}, signal ${signal}):\n${output.trim()}`;
      reject(addressInUse ? new PortInUseError(emulator, message) : new EmulatorStartError(emulator, message));
    });
  });
  exited.catch(() => undefined);

  const stop = async (): Promise<void> => {
    process.removeListener('exit', killOnExit);
    if (!alive()) return;
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    await gone;
    clearTimeout(timer);
  };
  const alive = () => child.exitCode === null && child.signalCode === null;
  return { exited, alive, stop };
};
