import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PetDetectorError } from '../../../functions/core/errors';
import { ModelWorkerPool, type WorkerPoolOptions } from '../../../classifier/worker-pool';

const fixture = (name: string): string => join(__dirname, 'fixtures', name);
const pools: ModelWorkerPool[] = [];
const poolOf = (script: string, options: Partial<WorkerPoolOptions> = {}): ModelWorkerPool => {
  const pool = new ModelWorkerPool({
    script: fixture(script),
    size: 1,
    workerData: { modelDir: 'unused', wasmDir: 'unused' },
    ...options,
  });
  pools.push(pool);
  return pool;
};
/** A request the echo worker answers after `delayMs` with [its threadId, width]. */
const job = (width: number, delayMs = 0) => ({ pixels: new Uint8Array(3), width, height: delayMs, minScore: 0 });
const modelUnavailable = expect.objectContaining({ code: 'ModelUnavailable', retryable: false });

afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
});

describe('ModelWorkerPool', () => {
  it('starts its workers once, lazily, however many callers arrive together', async () => {
    const pool = poolOf('echo-worker.mjs', { size: 2 });
    expect(pool.size).toBe(0);
    const [a, b] = [pool.start(), pool.start()];
    expect(a).toBe(b);
    await expect(a).resolves.toEqual({ backend: 'echo', loadMs: 5, fastPath: false });
    expect(pool.size).toBe(2);
  });

  it('spreads concurrent jobs over its workers and answers each caller with its own result', async () => {
    const pool = poolOf('echo-worker.mjs', { size: 2 });
    const results = await Promise.all([1, 2, 3, 4].map((w) => pool.run(job(w, 30))));
    expect(results.map((r) => r.candidates[1])).toEqual([1, 2, 3, 4]);
    expect(new Set(results.map((r) => r.candidates[0])).size).toBe(2);
  });

  it('rejects every caller, now and later, with ModelUnavailable when the model cannot load', async () => {
    const pool = poolOf('failing-worker.mjs', { size: 2 });
    const calls = [pool.run(job(1)), pool.run(job(2))];
    for (const call of calls) await expect(call).rejects.toEqual(modelUnavailable);
    await expect(pool.run(job(3))).rejects.toThrow(/could not be loaded: ENOENT/);
  });

  it('turns a worker that throws while loading into ModelUnavailable instead of a crash', async () => {
    const pool = poolOf('crashing-worker.mjs');
    await expect(pool.run(job(1))).rejects.toThrow(/crashed while loading: wasm backend exploded/);
  });

  it('gives up on a load that hangs after the start timeout', async () => {
    const pool = poolOf('silent-worker.mjs', { startTimeoutMs: 300 });
    await expect(pool.run(job(1))).rejects.toThrow(/did not load within 300 ms/);
  });

  it('rejects only the job of a worker that dies, and keeps serving with a replacement', async () => {
    const pool = poolOf('echo-worker.mjs', { size: 1 });
    const doomed = pool.run(job(13));
    const queued = pool.run(job(7));
    await expect(doomed).rejects.toEqual(modelUnavailable);
    await expect(doomed).rejects.toThrow(/stopped while classifying: it exited with code 3/);
    expect(Array.from((await queued).candidates).slice(1)).toEqual([7, 0, 0, 1, 1]);
  });

  it('fails fast once a dead worker cannot be replaced', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pool-'));
    try {
      const pool = poolOf('dies-once-worker.mjs', { workerData: { modelDir: join(dir, 'marker'), wasmDir: 'unused' } });
      await expect(pool.run(job(1))).rejects.toThrow(/stopped while classifying/);
      await expect(pool.run(job(2))).rejects.toThrow(/model files went missing/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('terminates a worker that does not answer within the job timeout', async () => {
    const pool = poolOf('echo-worker.mjs', { jobTimeoutMs: 300 });
    await expect(pool.run(job(14))).rejects.toThrow(/no answer within 300 ms/);
    await expect(pool.run(job(5))).resolves.toMatchObject({ type: 'result' });
  });

  it('after close, rejects queued and new jobs with ModelUnavailable', async () => {
    const pool = poolOf('echo-worker.mjs', { size: 1 });
    await pool.start();
    const outcomes = Promise.allSettled([pool.run(job(1, 200)), pool.run(job(2))]);
    await new Promise((r) => setTimeout(r, 20));
    await pool.close();
    const [running, queued] = await outcomes;
    expect(running).toEqual({ status: 'rejected', reason: modelUnavailable });
    expect(queued).toEqual({ status: 'rejected', reason: expect.objectContaining({ message: expect.stringMatching(/closed before this image ran/) }) });
    await expect(pool.run(job(3))).rejects.toBeInstanceOf(PetDetectorError);
  });

  it('refuses a size that is not a positive integer', () => {
    expect(() => poolOf('echo-worker.mjs', { size: 0 })).toThrow(RangeError);
    expect(() => poolOf('echo-worker.mjs', { size: 1.5 })).toThrow(RangeError);
  });
});
