/**
 * Watches the stack's child processes (DynamoDB Local's Java, the s3rver + fauxqs child) after start-up.
 * A child that exits while the stack has not asked it to cannot be half-replaced: fauxqs would come back
 * empty and on new ports, and every client and handler holds the old endpoints. So the stack stops,
 * with one sentence naming what died, instead of serving half alive. Data on disk is kept.
 */
import type { ChildProcess } from 'node:child_process';

export interface ChildExit {
  name: string;
  pid?: number;
  code: number | null;
  signal: NodeJS.Signals | null;
}

export const describeChildExit = (exit: ChildExit): string =>
  `${exit.name} (pid ${exit.pid ?? '?'}) exited unexpectedly (${exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`}): ` +
  'the local stack stops rather than serve without it. Start it again with `npm start` (your data is kept).';

export interface Supervisor {
  watch(name: string, child: ChildProcess): void;
  /** Which watched children are still running. */
  alive(name: string): boolean;
  /** From now on exits are expected (the stack is stopping). */
  standDown(): void;
}

export const createSupervisor = (onUnexpectedExit: (exit: ChildExit) => void): Supervisor => {
  let stopping = false;
  const children = new Map<string, ChildProcess>();
  return {
    watch(name, child) {
      children.set(name, child);
      child.once('exit', (code, signal) => {
        if (!stopping) onUnexpectedExit({ name, pid: child.pid, code, signal });
      });
    },
    alive: (name) => {
      const child = children.get(name);
      return child !== undefined && child.exitCode === null && child.signalCode === null;
    },
    standDown: () => {
      stopping = true;
    },
  };
};
