/** The parent's handle on the fauxqs + s3rver child process (see node-emulators.process.mts for why a child). */
import { fork, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import type { S3EventRecord } from 'aws-lambda';
import { EmulatorStartError } from './errors';
import { REPO_ROOT } from '../common/paths';

export interface NodeEmulators {
  sqsEndpoint: string;
  s3rverEndpoint: string;
  /** s3rver's AWS-shaped notifications, one per object event. */
  onS3Event(listener: (records: S3EventRecord[]) => void): void;
  process: ChildProcess;
  stop(): Promise<void>;
}

type ChildMessage = { type: 'ready'; sqsPort: number; s3Port: number } | { type: 's3-event'; event: { Records: S3EventRecord[] } };

const READY_TIMEOUT_MS = 20_000;

export const startNodeEmulators = async (options: {
  s3Directory: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
}): Promise<NodeEmulators> => {
  const child = fork(resolve(__dirname, 'node-emulators.process.mts'), [], {
    cwd: REPO_ROOT,
    execArgv: ['--openssl-legacy-provider', '--import', 'tsx'],
    env: { ...process.env, LOCAL_EMULATOR_OPTIONS: JSON.stringify(options), NODE_OPTIONS: '' },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let output = '';
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  const listeners: Array<(records: S3EventRecord[]) => void> = [];
  const ready = new Promise<{ sqsPort: number; s3Port: number }>((resolveReady, reject) => {
    const timer = setTimeout(() => reject(new EmulatorStartError('fauxqs/s3rver', `not ready after ${READY_TIMEOUT_MS} ms:\n${output}`)), READY_TIMEOUT_MS);
    child.on('message', (message: ChildMessage) => {
      if (message.type === 'ready') {
        clearTimeout(timer);
        resolveReady(message);
      } else if (message.type === 's3-event') {
        for (const listener of listeners) listener(message.event.Records);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new EmulatorStartError('fauxqs/s3rver', `exited during start-up (code ${code}):\n${output.trim()}`));
    });
  });

  const stop = async (): Promise<void> => {
    process.removeListener('exit', killOnExit);
    if (child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise<void>((done) => child.once('exit', () => done()));
    if (child.connected) child.send({ type: 'stop' });
    else child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
    await gone;
    clearTimeout(timer);
  };

  let ports: { sqsPort: number; s3Port: number };
  try {
    ports = await ready;
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    sqsEndpoint: `http://127.0.0.1:${ports.sqsPort}`,
    s3rverEndpoint: `http://127.0.0.1:${ports.s3Port}`,
    onS3Event: (listener) => listeners.push(listener),
    process: child,
    stop,
  };
};
