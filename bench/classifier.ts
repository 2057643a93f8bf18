/**
 * `npm run bench:classifier [-- --rounds N]`: the local classifier's cold load, warm latency,
 * throughput with 1 and 2 worker threads, and peak RSS, over the reference photos (test/fixtures/photos).
 *
 * `-- --lambda` instead measures the Lambda shape: the handler-side code bundled by esbuild (sharp
 * external), assets laid out by lambdaBundlingCommands, one worker, run by plain `node`; it prints
 * that process's peak RSS, from which the function's memory size is chosen.
 *
 * `-- --scores` instead prints every photo's raw cat/dog scores from both looks and the resulting
 * verdict: the measurements the calibration (classifier/calibration.ts) is tuned on.
 *
 * Latency is per detectLabels call (decode + model + the occasional second look + labels), one
 * call at a time on a warm model. Throughput keeps every worker busy. The machine is shared, so
 * the load average before and after is printed with the figures.
 */
import { execFileSync, execSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { lambdaBundlingCommands } from '../classifier/assets';
import { collectImageFiles } from '../classifier/cli';
import type { Detection } from '../classifier/detections';
import { expectedAnimal } from '../classifier/evaluation';
import { combineViews, needsSecondLook } from '../classifier/evidence';
import { createLocalClassifier, LOCAL_MODEL_VERSION, type LocalClassifierOptions } from '../classifier/index';
import { toLabelDetection } from '../classifier/labels';
import { CAT_COLUMN, DOG_COLUMN } from '../classifier/taxonomy';
import { applyClassificationPolicy } from '../functions/core/classification-policy';
import type { ImageSource } from '../functions/core/ports';
import { PHOTOS_DIR } from '../test/fixtures/photos';


const percentile = (sorted: readonly number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
const peakRssMb = (): number => Math.round(process.resourceUsage().maxRSS / 1024);
const load = (): string => loadavg().map((l) => l.toFixed(2)).join(' ');

const coldStart = async (image: ImageSource) => {
  const started = performance.now();
  const classifier = createLocalClassifier({ workers: 1 });
  try {
    const { loadMs, fastPath } = await classifier.warmUp();
    await classifier.detectLabels(image);
    return { workerLoadMs: loadMs, fastPath, firstResultMs: performance.now() - started };
  } finally {
    await classifier.close();
  }
};

const warmLatency = async (images: readonly ImageSource[], rounds: number, options: LocalClassifierOptions) => {
  const classifier = createLocalClassifier({ workers: 1, ...options });
  try {
    await classifier.warmUp();
    const times: number[] = [];
    const cpu: number[] = [];
    for (let r = 0; r < rounds; r++) {
      for (const image of images) {
        const started = performance.now();
        const cpuBefore = process.cpuUsage();
        await classifier.detectLabels(image);
        const used = process.cpuUsage(cpuBefore);
        times.push(performance.now() - started);
        cpu.push((used.user + used.system) / 1000);
      }
    }
    times.sort((a, b) => a - b);
    cpu.sort((a, b) => a - b);
    return { calls: times.length, p50: percentile(times, 50), p90: percentile(times, 90), p99: percentile(times, 99), cpuP50: percentile(cpu, 50) };
  } finally {
    await classifier.close();
  }
};

const throughput = async (images: readonly ImageSource[], rounds: number, workers: number, options: LocalClassifierOptions = {}) => {
  const classifier = createLocalClassifier({ workers, ...options });
  try {
    await classifier.warmUp();
    const batch = Array.from({ length: rounds }, () => images).flat();
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    await Promise.all(batch.map((image) => classifier.detectLabels(image)));
    const seconds = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpuBefore);
    const cpuMsPerImage = (used.user + used.system) / 1000 / batch.length;
    const coresUsed = (used.user + used.system) / 1e6 / seconds;
    return { images: batch.length, seconds, perSecond: batch.length / seconds, cpuMsPerImage, coresUsed, peakRssMb: peakRssMb() };
  } finally {
    await classifier.close();
  }
};

const best = (look: readonly Detection[] | undefined, column: number): number =>
  (look ?? []).reduce((m, d) => (d.column === column ? Math.max(m, d.score) : m), 0);
const quartiles = (values: number[]): string => {
  const sorted = [...values].sort((a, b) => a - b);
  return [0, 25, 50, 75, 100].map((p) => (p === 0 ? sorted[0] ?? Number.NaN : percentile(sorted, p)).toFixed(3)).join(' / ');
};

/** Both looks' raw scores for every photo, what 'auto' makes of them, and the distributions. */
const scores = async (images: readonly ImageSource[]): Promise<void> => {
  const classifier = createLocalClassifier({ workers: 2, secondLook: 'always', minConfidence: 0 });
  const rows: Array<{ truth: string; pet: number; other: number; second: boolean }> = [];
  try {
    const analyses = await Promise.all(images.map((image) => classifier.analyse(image)));
    console.log('photo'.padEnd(44), 'first cat/dog  zoomed cat/dog  2nd?  used cat/dog  -> verdict');
    analyses.forEach(({ looks }, i) => {
      const file = images[i]?.key ?? '';
      const [first = [], zoomed = []] = looks;
      const second = needsSecondLook(first);
      const used = combineViews(second ? [first, zoomed] : [first]);
      const usedScore = (column: number) => used.find((e) => e.column === column)?.score ?? 0;
      const verdict = applyClassificationPolicy(toLabelDetection(used, { minConfidence: 40, maxLabels: 20, modelVersion: '' }));
      const truth = expectedAnimal(file) ?? '?';
      const pair = (a: number, b: number) => `${a.toFixed(3)}/${b.toFixed(3)}`;
      console.log(
        relative(PHOTOS_DIR, file).padEnd(44),
        pair(best(first, CAT_COLUMN), best(first, DOG_COLUMN)).padEnd(14),
        pair(best(zoomed, CAT_COLUMN), best(zoomed, DOG_COLUMN)).padEnd(15),
        (second ? 'yes' : 'no').padEnd(5),
        pair(usedScore(CAT_COLUMN), usedScore(DOG_COLUMN)).padEnd(14),
        `-> ${verdict.animal} ${verdict.confidence.toFixed(1)}${verdict.uncertain ? ' uncertain' : ''}${verdict.animal === truth ? '' : `  WRONG (${truth})`}`,
      );
      const truthColumn = truth === 'CAT' ? CAT_COLUMN : DOG_COLUMN;
      const otherColumn = truth === 'CAT' ? DOG_COLUMN : CAT_COLUMN;
      rows.push({
        truth,
        pet: truth === 'OTHER' ? Math.max(usedScore(CAT_COLUMN), usedScore(DOG_COLUMN)) : usedScore(truthColumn),
        other: truth === 'OTHER' ? 0 : usedScore(otherColumn),
        second,
      });
    });
  } finally {
    await classifier.close();
  }
  console.log('\nscore used by the policy (min / q1 / median / q3 / max):');
  for (const truth of ['CAT', 'DOG']) {
    const r = rows.filter((x) => x.truth === truth);
    console.log(`  ${truth.toLowerCase()} photos, ${truth.toLowerCase()} score:`.padEnd(34), quartiles(r.map((x) => x.pet)));
    console.log(`  ${truth.toLowerCase()} photos, the other pet's score:`.padEnd(34), quartiles(r.map((x) => x.other)));
  }
  console.log('  other photos, best pet score:'.padEnd(34), quartiles(rows.filter((x) => x.truth === 'OTHER').map((x) => x.pet)));
  console.log(`second looks: ${rows.filter((x) => x.second).length} of ${rows.length} photos`);
};

/** What runs inside the Lambda: the classifier from its bundle, one worker, one image at a time. */
const LAMBDA_DRIVER = `
import { readFileSync } from 'node:fs';
import { createLocalClassifier } from './classifier';
const files = JSON.parse(process.env.BENCH_FILES ?? '[]');
const main = async () => {
  const classifier = createLocalClassifier({ workers: 1 });
  const started = performance.now();
  await classifier.warmUp();
  const loadMs = performance.now() - started;
  const times = [];
  for (let round = 0; round < 2; round++) for (const key of files) {
    const t = performance.now();
    await classifier.detectLabels({ bucket: 'bench', key, bytes: readFileSync(key) });
    times.push(performance.now() - t);
  }
  await classifier.close();
  times.sort((a, b) => a - b);
  console.log(JSON.stringify({ loadMs, calls: times.length, p50: times[Math.floor(times.length / 2)], peakRssMb: process.resourceUsage().maxRSS / 1024 }));
};
void main();
`;

const lambdaShape = async (files: readonly string[]): Promise<void> => {
  const bundleDir = mkdtempSync(join(tmpdir(), 'classifier-lambda-'));
  try {
    const repo = resolve('.');
    for (const command of lambdaBundlingCommands(repo, bundleDir)) execSync(command, { stdio: 'pipe' });
    await build({
      stdin: { contents: LAMBDA_DRIVER, resolveDir: repo, loader: 'ts' },
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      external: ['sharp'],
      outfile: join(bundleDir, 'index.js'),
      logLevel: 'warning',
    });
    const out = execFileSync(process.execPath, [join(bundleDir, 'index.js')], {
      // NODE_PATH stands in for the node_modules/sharp the Lambda bundle installs next to index.js.
      env: { ...process.env, LAMBDA_TASK_ROOT: bundleDir, NODE_PATH: join(repo, 'node_modules'), BENCH_FILES: JSON.stringify(files.map((f) => resolve(f))) },
      encoding: 'utf8',
    });
    const r = JSON.parse(out) as { loadMs: number; calls: number; p50: number; peakRssMb: number };
    console.log(
      `Lambda shape (bundled, 1 worker, plain node): load ${r.loadMs.toFixed(0)} ms, p50 ${r.p50.toFixed(0)} ms over ${r.calls} calls, peak RSS ${r.peakRssMb.toFixed(0)} MB`,
    );
  } finally {
    rmSync(bundleDir, { recursive: true, force: true });
  }
};

const main = async (): Promise<void> => {
  const { values } = parseArgs({
    options: {
      rounds: { type: 'string', default: '3' },
      scores: { type: 'boolean', default: false },
      lambda: { type: 'boolean', default: false },
    },
  });
  const rounds = Number(values.rounds);
  const files = await collectImageFiles([PHOTOS_DIR]);
  const images: ImageSource[] = await Promise.all(
    files.map(async (key) => ({ bucket: 'bench', key, bytes: new Uint8Array(await readFile(key)) })),
  );
  if (values.scores) {
    await scores(images);
    return;
  }
  if (values.lambda) {
    await lambdaShape(files);
    return;
  }
  const loadBefore = load();
  console.log(`${LOCAL_MODEL_VERSION}\n${cpus().length} x ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}`);
  console.log(`${images.length} photos from ${relative(process.cwd(), PHOTOS_DIR)}, ${rounds} round(s); load average before: ${loadBefore}\n`);

  const cold = await coldStart(images[0] as ImageSource);
  console.log(`cold load (1 worker):  model ready in ${cold.workerLoadMs.toFixed(0)} ms (synchronous fast path: ${cold.fastPath ? 'yes' : 'no'}), first result ${cold.firstResultMs.toFixed(0)} ms after start`);

  const warm = await warmLatency(images, rounds, {});
  console.log(`warm latency (1 worker, one call at a time, ${warm.calls} calls): p50 ${warm.p50.toFixed(0)} ms, p90 ${warm.p90.toFixed(0)} ms, p99 ${warm.p99.toFixed(0)} ms`);
  // CPU time is what a call costs regardless of how many other processes share the cores.
  console.log(`  CPU time per call (all threads): p50 ${warm.cpuP50.toFixed(0)} ms`);
  const single = await warmLatency(images, 1, { secondLook: 'never' });
  console.log(`  without second looks (${single.calls} calls): p50 ${single.p50.toFixed(0)} ms, p99 ${single.p99.toFixed(0)} ms`);

  const one = await throughput(images, rounds, 1);
  console.log(
    `throughput, 1 worker:  ${one.perSecond.toFixed(1)} images/s (${one.images} in ${one.seconds.toFixed(1)} s), ${one.cpuMsPerImage.toFixed(0)} CPU-ms/image, ${one.coresUsed.toFixed(2)} cores used; peak RSS so far ${one.peakRssMb} MB`,
  );
  const two = await throughput(images, rounds, 2);
  console.log(
    `throughput, 2 workers: ${two.perSecond.toFixed(1)} images/s (${two.images} in ${two.seconds.toFixed(1)} s), ${two.cpuMsPerImage.toFixed(0)} CPU-ms/image, ${two.coresUsed.toFixed(2)} cores used; peak RSS ${two.peakRssMb} MB`,
  );
  const never = await throughput(images, rounds, 2, { secondLook: 'never' });
  console.log(
    `  without second looks: ${never.perSecond.toFixed(1)} images/s, ${never.cpuMsPerImage.toFixed(0)} CPU-ms/image, ${never.coresUsed.toFixed(2)} cores used`,
  );
  const cores = Math.min(2, cpus().length);
  console.log(`  -> ${cores} idle cores would give about ${((cores * 1000) / two.cpuMsPerImage).toFixed(1)} images/s at that CPU cost`);

  console.log(`\nload average after: ${load()}`);
  console.log(
    `targets: warm p50 <= 120 ms: ${warm.p50 <= 120 ? 'met' : 'MISSED'}; >= 14 images/s with 2 workers: ${two.perSecond >= 14 ? 'met' : 'MISSED'}`,
  );
};

void main();
