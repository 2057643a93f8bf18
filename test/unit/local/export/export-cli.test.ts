/**
 * `pet-detector export` as a process, against a stub `images` API: its exit codes, its summary line, and what
 * it leaves at --out when it succeeds, fails, is interrupted, or when the reader of its stdout goes away.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { serveImages } from './support/images-api';

jest.setTimeout(60_000);

const BIN = resolve(__dirname, '../../../../bin/pet-detector.mjs');

const run = (args: string[], onStart?: (child: ReturnType<typeof spawn>) => void) => {
  const child = spawn(process.execPath, [BIN, 'export', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  onStart?.(child);
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => child.on('close', (code) => done({ code, stdout, stderr })));
};

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'export-cli-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const until = async (condition: () => boolean) => {
  while (!condition()) await new Promise((r) => setTimeout(r, 20));
};

it('writes the whole export to --out, exits 0, and says what it did on stderr (no bar off a terminal)', async () => {
  const api = await serveImages([100, 0, 50]);
  try {
    const out = join(dir, 'images.csv');
    const result = await run(['--endpoint', api.target.graphqlUrl, '--api-key', 'key', '--out', out]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(new RegExp(`^exported 150 rows \\(csv\\) to ${out} in [\\d.]+ s, \\d+ rows/s\\n$`));
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(151);
    expect(lines[0]).toMatch(/^id,createdAt,/);
    expect(readdirSync(dir)).toEqual(['images.csv']);
  } finally {
    await api.close();
  }
});

it('a failing page: exit 1, the error named, nothing at --out', async () => {
  const api = await serveImages([100, 100, 100], { failAt: 2 });
  try {
    const result = await run(['--endpoint', api.target.graphqlUrl, '--api-key', 'key', '--out', join(dir, 'images.csv')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Export failed after 200 rows: DependencyUnavailable: the table is unavailable');
    expect(result.stderr).toContain('images.csv was not written');
    expect(readdirSync(dir)).toEqual([]);
  } finally {
    await api.close();
  }
});

it('Ctrl-C: exit 130, nothing at --out, no temporary file', async () => {
  const api = await serveImages(Array.from({ length: 10_000 }, () => 100), { delayMs: 20 });
  try {
    const result = await run(['--endpoint', api.target.graphqlUrl, '--api-key', 'key', '--format', 'jsonl', '--out', join(dir, 'images.jsonl')], (child) => {
      void until(() => api.calls.length >= 3).then(() => child.kill('SIGINT'));
    });
    expect(result.code).toBe(130);
    expect(result.stderr).toMatch(/Interrupted \(SIGINT\) after \d+ rows in [\d.]+ s; .*images\.jsonl was not written\./);
    expect(readdirSync(dir)).toEqual([]);
  } finally {
    await api.close();
  }
});

it('the reader of stdout going away (EPIPE): it stops paging and exits 0 without a stack trace', async () => {
  const api = await serveImages(Array.from({ length: 10_000 }, () => 100), { delayMs: 5 });
  try {
    const result = await run(['--endpoint', api.target.graphqlUrl, '--api-key', 'key'], (child) => {
      child.stdout!.once('data', () => child.stdout!.destroy());
    });
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/^The reader closed the output after \d+ rows; export stopped\.\n$/);
    const callsAtExit = api.calls.length;
    expect(callsAtExit).toBeLessThan(100);
  } finally {
    await api.close();
  }
});

it('bad flags: exit 2 with the error named before any request', async () => {
  const api = await serveImages([1]);
  try {
    const result = await run(['--endpoint', api.target.graphqlUrl, '--api-key', 'key', '--to', '2026-01-01', '--from', '2026-02-01']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^DateRangeReversed: --from 2026-02-01 is later than --to 2026-01-01\nusage: pet-detector export/);
    expect(api.calls).toEqual([]);
  } finally {
    await api.close();
  }
});
