/**
 * `npm run bench:startup`: how long `npm start` takes to print its banner, on a fresh state folder (first
 * run: tables, buckets, queues, user pool and demo user are created) and then on the same folder again
 * (restarts: everything already exists). Target: ready within 15 s. The figure is the stack's own
 * "ready in N s", measured from its first line of code to the banner; each run is stopped with SIGINT and
 * must exit 0.
 *
 *   npm run bench:startup
 *   npm run bench:startup -- --restarts 5
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { REPO_ROOT } from '../local/common/paths';

const TARGET_SECONDS = 15;
const BANNER_TIMEOUT_MS = 120_000;

const { values } = parseArgs({ options: { restarts: { type: 'string', default: '3' } } });
const restarts = Number(values.restarts);
if (!Number.isInteger(restarts) || restarts < 0 || restarts > 20) {
  console.error('--restarts must be an integer from 0 to 20');
  process.exit(2);
}

/** Starts the stack on `stateDir`, returns its "ready in" seconds, and stops it with SIGINT. */
const startOnce = (stateDir: string): Promise<number> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'local/start.ts'], {
      cwd: REPO_ROOT,
      env: { ...process.env, PORT: '0', LOCAL_STATE_DIR: stateDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let seconds: number | undefined;
    const timer = setTimeout(() => {
      child.kill('SIGINT');
      reject(new Error(`no banner within ${BANNER_TIMEOUT_MS / 1000} s`));
    }, BANNER_TIMEOUT_MS);
    child.stderr.resume();
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = seconds === undefined ? /ready in ([\d.]+) s/.exec(stdout) : null;
      if (match) {
        seconds = Number(match[1]);
        clearTimeout(timer);
        child.kill('SIGINT');
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (seconds === undefined) reject(new Error(`the stack exited (${code}) before its banner`));
      else if (code !== 0) reject(new Error(`the stack exited ${code} after SIGINT`));
      else resolve(seconds);
    });
  });

const main = async () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'pet-detector-bench-startup-'));
  try {
    const fresh = await startOnce(stateDir);
    const again: number[] = [];
    for (let i = 0; i < restarts; i++) again.push(await startOnce(stateDir));
    const load = loadavg().map((l) => l.toFixed(2)).join(' ');
    console.log(`machine: ${cpus().length} cores, load average ${load}`);
    console.log(`first start (fresh state): ready in ${fresh.toFixed(1)} s`);
    if (again.length) console.log(`restarts (existing state): ${again.map((s) => s.toFixed(1)).join(', ')} s; worst ${Math.max(...again).toFixed(1)} s`);
    const worst = Math.max(fresh, ...again);
    console.log(`target: ready within ${TARGET_SECONDS} s -> ${worst <= TARGET_SECONDS ? 'met' : 'MISSED'}`);
  } finally {
    rmSync(stateDir, { recursive: true, force: true });
  }
};

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
