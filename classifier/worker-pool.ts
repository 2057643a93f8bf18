/**
 * A fixed-size pool of model worker threads with a FIFO job queue.
 *
 * Hand-written rather than taken from a library (piscina, workerpool): those run a function per task
 * but do not let a worker hold a long-lived model whose load can fail, nor report a failed load as
 * one typed error. What the product needs is small: start once, lazily; a load that fails (or hangs)
 * rejects every caller with ModelUnavailable; a worker that dies rejects only its own job and is
 * replaced; close() leaves nothing running.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { PetDetectorError } from '../functions/core/errors';
import type { DetectRequest, DetectResult, ModelWorkerData, WorkerReply } from './worker-protocol';

/**
 * Model workers when nobody says: one per core, up to two. On a 2-core machine the second lifts sustained
 * throughput by about 10% (npm run bench:pipeline) for ~230 MB; beyond two the rest of the work needs the CPU.
 */
export const DEFAULT_MODEL_WORKERS = Math.min(2, availableParallelism());

export interface WorkerPoolOptions {
  /** Absolute path of the worker entry (classifier/model-worker.mjs or its bundled copy). */
  script: string;
  size: number;
  workerData: ModelWorkerData;
  /** A worker that has not loaded the model by then counts as failed. */
  startTimeoutMs?: number;
  /** A job not answered by then terminates its worker (which is then replaced). */
  jobTimeoutMs?: number;
}

export interface PoolStartInfo {
  backend: string;
  /** Slowest worker's model load, ms (the workers load in parallel). */
  loadMs: number;
  /** Every worker runs the model synchronously (the faster path model-worker.mjs verifies at start). */
  fastPath: boolean;
}

type JobInput = Omit<DetectRequest, 'type' | 'id'>;

interface Job {
  input: JobInput;
  resolve: (result: DetectResult) => void;
  reject: (error: Error) => void;
}

interface Slot {
  worker: Worker;
  job?: Job & { id: number; timer: NodeJS.Timeout };
  /** Why the pool stopped this worker, when it did. */
  stopReason?: string;
}

const DEFAULT_START_TIMEOUT_MS = 120_000;
const DEFAULT_JOB_TIMEOUT_MS = 60_000;

const unavailable = (message: string, cause?: unknown): PetDetectorError =>
  new PetDetectorError('ModelUnavailable', message, false, { cause });

/** How a pool's workers are doing, for the local stack's GET /local/health. */
export interface WorkerPoolHealth {
  /** false until the first image starts the workers (the model loads lazily). */
  started: boolean;
  size: number;
  /** Workers with the model loaded. */
  ready: number;
  /** No worker left and none could be restarted: every image fails. */
  failed: boolean;
}

/** Every open pool in this process: the local stack runs the processor in-process and reports on them. */
const openPools = new Set<ModelWorkerPool>();
export const workerPoolsHealth = (): WorkerPoolHealth[] => [...openPools].map((pool) => pool.health());

export class ModelWorkerPool {
  private failed = false;

  private readonly ready: Slot[] = [];
  private readonly everyWorker = new Set<Worker>();
  private readonly queue: Job[] = [];
  private started?: Promise<PoolStartInfo>;
  private closed = false;
  private nextJobId = 1;

  constructor(private readonly options: WorkerPoolOptions) {
    if (!Number.isInteger(options.size) || options.size < 1 || options.size > 64) {
      throw new RangeError(`worker pool size must be an integer from 1 to 64, got ${options.size}`);
    }
    openPools.add(this);
  }

  health(): WorkerPoolHealth {
    return { started: this.started !== undefined, size: this.options.size, ready: this.ready.length, failed: this.failed };
  }

  /** Starts every worker once; concurrent and later callers share the same outcome. */
  start(): Promise<PoolStartInfo> {
    this.started ??= this.startAll();
    return this.started;
  }

  async run(input: JobInput): Promise<DetectResult> {
    if (this.closed) throw unavailable('the local classifier has been closed');
    await this.start();
    return new Promise<DetectResult>((resolve, reject) => {
      this.queue.push({ input, resolve, reject });
      this.dispatch();
    });
  }

  get size(): number {
    return this.ready.length;
  }

  async close(): Promise<void> {
    this.closed = true;
    openPools.delete(this);
    for (const job of this.queue.splice(0)) job.reject(unavailable('the local classifier was closed before this image ran'));
    await Promise.all([...this.everyWorker].map((w) => w.terminate()));
  }

  private async startAll(): Promise<PoolStartInfo> {
    const outcomes = await Promise.allSettled(Array.from({ length: this.options.size }, () => this.spawn()));
    const failure = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
    if (failure) {
      this.failed = true;
      await Promise.all([...this.everyWorker].map((w) => w.terminate()));
      throw failure.reason;
    }
    const infos = outcomes.map((o) => (o as PromiseFulfilledResult<PoolStartInfo>).value);
    return {
      backend: infos[0]?.backend ?? 'unknown',
      loadMs: Math.max(...infos.map((i) => i.loadMs)),
      fastPath: infos.every((i) => i.fastPath),
    };
  }

  /** Starts one worker and resolves once its model is loaded. */
  private spawn(): Promise<PoolStartInfo> {
    if (this.closed) return Promise.reject(unavailable('the local classifier has been closed'));
    return new Promise<PoolStartInfo>((resolve, reject) => {
      const worker = new Worker(this.options.script, { workerData: this.options.workerData });
      this.everyWorker.add(worker);
      const slot: Slot = { worker };
      let loaded = false;
      const startTimer = setTimeout(() => {
        fail(unavailable(`the model did not load within ${this.options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS} ms`));
        void worker.terminate();
      }, this.options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS);
      const fail = (error: PetDetectorError): void => {
        clearTimeout(startTimer);
        reject(error);
      };

      worker.on('message', (reply: WorkerReply) => {
        if (reply.type === 'ready' && !loaded) {
          loaded = true;
          clearTimeout(startTimer);
          this.ready.push(slot);
          worker.unref();
          resolve({ backend: reply.backend, loadMs: reply.loadMs, fastPath: reply.fastPath === true });
          this.dispatch();
        } else if (reply.type === 'failed') {
          fail(unavailable(`the local model could not be loaded: ${reply.message}`));
          void worker.terminate();
        } else if (reply.type === 'result' || reply.type === 'error') {
          this.settle(slot, reply);
        }
      });
      // An uncaught exception inside the worker; 'exit' follows and does the cleanup.
      worker.on('error', (error) => {
        if (!loaded) fail(unavailable(`the local model worker crashed while loading: ${error.message}`, error));
        else slot.job?.reject(unavailable(`the local model worker crashed: ${error.message}`, error));
      });
      worker.on('exit', (code) => {
        this.everyWorker.delete(worker);
        if (!loaded) {
          fail(unavailable(`the local model worker exited (code ${code}) before the model loaded`));
          return;
        }
        this.retire(slot, code);
      });
    });
  }

  /** A loaded worker stopped: its job fails, and a replacement keeps the pool at its size. */
  private retire(slot: Slot, code: number): void {
    const index = this.ready.indexOf(slot);
    if (index >= 0) this.ready.splice(index, 1);
    if (slot.job) {
      clearTimeout(slot.job.timer);
      const why = slot.stopReason ?? `it exited with code ${code}`;
      slot.job.reject(unavailable(`the local model worker stopped while classifying: ${why}`));
      slot.job = undefined;
    }
    if (this.closed) return;
    this.spawn().catch((error: unknown) => {
      if (this.ready.length > 0) return;
      // No worker left and none can start: every later call fails fast instead of waiting forever.
      const reason = error instanceof PetDetectorError ? error : unavailable('the local model could not be restarted', error);
      this.failed = true;
      this.started = Promise.reject(reason);
      this.started.catch(() => undefined);
      for (const job of this.queue.splice(0)) job.reject(reason);
    });
  }

  private settle(slot: Slot, reply: Extract<WorkerReply, { type: 'result' | 'error' }>): void {
    const job = slot.job;
    if (!job || job.id !== reply.id) return;
    clearTimeout(job.timer);
    slot.job = undefined;
    slot.worker.unref();
    if (reply.type === 'result') job.resolve(reply);
    else job.reject(new PetDetectorError('ClassifierRejectedImage', `the local model could not process the image: ${reply.message}`));
    this.dispatch();
  }

  private dispatch(): void {
    for (const slot of this.ready) {
      if (this.queue.length === 0) return;
      if (slot.job) continue;
      const job = this.queue.shift() as Job;
      const id = this.nextJobId++;
      const timeoutMs = this.options.jobTimeoutMs ?? DEFAULT_JOB_TIMEOUT_MS;
      // The exit handler (retire) rejects the job once the worker has gone.
      const timer = setTimeout(() => {
        slot.stopReason = `no answer within ${timeoutMs} ms`;
        void slot.worker.terminate();
      }, timeoutMs);
      slot.job = { ...job, id, timer };
      // Idle workers are unref'd so a forgotten close() cannot keep a process alive; busy ones are not.
      slot.worker.ref();
      const request: DetectRequest = { type: 'detect', id, ...job.input };
      slot.worker.postMessage(request);
    }
  }
}
