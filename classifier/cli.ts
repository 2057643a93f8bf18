/**
 * `npx pet-detector classify [--json] [--workers N] <files or folders...>`
 *
 * Classifies photos with the local model and the product's classification policy. Folders are
 * walked for .jpg/.jpeg/.png/.heic/.heif/.webp; when they are named cat/dog/other the human output ends with a
 * confusion matrix and the accuracy. `--json` prints one JSON array and nothing else on stdout.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { applyClassificationPolicy } from '../functions/core/classification-policy';
import { DEFAULT_THRESHOLDS } from '../functions/core/settings';
import { type Animal, CONTENT_TYPE_BY_EXTENSION, type DetectedLabel } from '../functions/core/domain';
import { describeFailure } from '../functions/core/errors';
import { ANIMALS, confusionMatrix, expectedAnimal, formatMatrix, score, type Verdict } from './evaluation';
import { createLocalClassifier, LOCAL_MODEL_VERSION } from './index';
import { DEFAULT_MODEL_WORKERS } from './worker-pool';

const IMAGE_EXTENSIONS = new Set(Object.keys(CONTENT_TYPE_BY_EXTENSION).map((extension) => `.${extension}`));

export interface FileResult {
  file: string;
  animal: Animal;
  confidence: number;
  uncertain: boolean;
  labels: DetectedLabel[];
  ms: number;
}

export interface FileFailure {
  file: string;
  error: string;
  ms: number;
}

const USAGE = 'usage: pet-detector classify [--json] [--workers N] <files or folders...>';

/** Image files named directly or found under named folders, sorted within each folder. */
export const collectImageFiles = async (paths: readonly string[]): Promise<string[]> => {
  const found: string[] = [];
  const walk = async (path: string, named: boolean): Promise<void> => {
    const info = await stat(path);
    if (info.isDirectory()) {
      const entries = (await readdir(path)).sort();
      for (const entry of entries) await walk(join(path, entry), false);
    } else if (named || IMAGE_EXTENSIONS.has(extname(path).toLowerCase())) {
      found.push(path);
    }
  };
  for (const path of paths) await walk(path, true);
  return found;
};

const round = (n: number): number => Math.round(n * 100) / 100;

const humanLine = (r: FileResult | FileFailure): string => {
  if ('error' in r) return `${r.file}\n  FAILED ${r.error} (${r.ms} ms)`;
  const top = r.labels
    .slice(0, 5)
    .map((l) => `${l.name} ${l.confidence.toFixed(1)}`)
    .join(', ');
  const expected = expectedAnimal(r.file);
  const mark = expected === undefined ? '' : expected === r.animal ? '  ok' : `  WRONG (expected ${expected})`;
  return `${r.file}\n  ${r.animal} ${r.confidence.toFixed(1)}%${r.uncertain ? ' uncertain' : ''}${mark}  [${top || 'no labels'}]  ${r.ms} ms`;
};

export const main = async (args: string[]): Promise<number> => {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: { json: { type: 'boolean', default: false }, workers: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    return 2;
  }
  if (parsed.values.help) {
    console.log(USAGE);
    return 0;
  }
  const workers = Number(parsed.values.workers ?? process.env.LOCAL_CLASSIFIER_WORKERS ?? DEFAULT_MODEL_WORKERS);
  if (parsed.positionals.length === 0 || !Number.isInteger(workers) || workers < 1) {
    console.error(USAGE);
    return 2;
  }
  let files: string[];
  try {
    files = await collectImageFiles(parsed.positionals);
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    return 2;
  }
  if (files.length === 0) {
    console.error(`no .jpg, .jpeg, .png, .heic, .heif or .webp files in ${parsed.positionals.join(', ')}`);
    return 1;
  }

  const json = parsed.values.json === true;
  const classifier = createLocalClassifier({ workers });
  try {
    // Loading first keeps the model's cold start out of the first file's time.
    const loaded = await classifier.warmUp();
    if (!json) console.log(`${LOCAL_MODEL_VERSION}: ${workers} worker(s), model loaded in ${Math.round(loaded.loadMs)} ms\n`);
  } catch (error) {
    await classifier.close();
    console.error(describeFailure(error));
    return 1;
  }
  const results: Array<FileResult | FileFailure | undefined> = new Array(files.length);
  let printed = 0;
  // Human output streams in input order as results arrive.
  const flush = (): void => {
    while (!json && printed < files.length && results[printed] !== undefined) {
      console.log(humanLine(results[printed] as FileResult | FileFailure));
      printed++;
    }
  };
  const classifyOne = async (index: number): Promise<void> => {
    const file = files[index] as string;
    const started = performance.now();
    try {
      const bytes = new Uint8Array(await readFile(file));
      const detection = await classifier.detectLabels({ bucket: 'local-files', key: file, bytes });
      const c = applyClassificationPolicy(detection, DEFAULT_THRESHOLDS);
      const ms = Math.round(performance.now() - started);
      results[index] = { file, animal: c.animal, confidence: round(c.confidence), uncertain: c.uncertain, labels: c.labels, ms };
    } catch (error) {
      results[index] = { file, error: describeFailure(error), ms: Math.round(performance.now() - started) };
    }
    flush();
  };
  try {
    // As many files in flight as workers, so each file's ms is its own time, not time in a queue.
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(workers, files.length) }, async () => {
        while (next < files.length) await classifyOne(next++);
      }),
    );
  } finally {
    await classifier.close();
  }

  const done = results as Array<FileResult | FileFailure>;
  const failures = done.filter((r): r is FileFailure => 'error' in r);
  if (json) {
    process.stdout.write(`${JSON.stringify(done, null, 2)}\n`);
  } else {
    const verdicts: Verdict[] = done.flatMap((r) => {
      const expected = expectedAnimal(r.file);
      return expected && !('error' in r) ? [{ expected, actual: r.animal }] : [];
    });
    const classified = done.length - failures.length;
    console.log(
      `\n${classified} classified, ${failures.length} failed, ${done.filter((r) => 'uncertain' in r && r.uncertain).length} uncertain` +
        ` (thresholds: confident ${DEFAULT_THRESHOLDS.confident}, uncertain floor ${DEFAULT_THRESHOLDS.uncertainMin}, close margin ${DEFAULT_THRESHOLDS.closeMargin})`,
    );
    if (verdicts.length > 0) {
      const matrix = confusionMatrix(verdicts);
      const s = score(matrix);
      console.log(`\n${formatMatrix(matrix)}`);
      console.log(
        `\naccuracy ${s.correct}/${s.total} = ${(s.accuracy * 100).toFixed(1)}%, cat<->dog swaps: ${s.catDogSwaps}` +
          ` (labelled by folder: ${ANIMALS.map((a) => a.toLowerCase()).join('/')})`,
      );
    }
  }
  return failures.length > 0 ? 1 : 0;
};
