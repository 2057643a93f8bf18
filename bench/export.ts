/**
 * `npm run bench:export [-- --records 10000 --formats csv,jsonl]`: `pet-detector export` against a fresh local
 * stack whose table holds `records` images, seeded straight into DetectionLogs (bench/seed.ts) rather than
 * uploaded. The export runs as its own process (bench/export-run.ts) through the public GraphQL API with the API
 * key, exactly as a user runs it. Prints, per format, rows/s (the CLI's own figure, and wall clock including
 * the process start) and the export process's peak RSS, for the whole table read in parallel slices and in one
 * sequence (the two files must be identical), and for its newest tenth: memory that stays flat does not grow
 * with the rows.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Animal, ImageRecord } from '../functions/core/domain';
import { graphql } from '../local/client/graphql';
import { DEFAULT_PARALLEL } from '../local/export/export-images';
import { LOCAL_INDEX_SHARDS } from '../local/common/naming';
import { silentLogger } from '../local/stack/logger';
import { startLocalStack } from '../local/stack/local-stack';
import { batchWriteAll, detectionLogItems, SEED_EPOCH_MS, seededRecord } from './seed';

const run = promisify(execFile);
const ANIMALS: Animal[] = ['CAT', 'DOG', 'OTHER'];
const PREFIX: Record<Animal, string> = { CAT: 'cats', DOG: 'dogs', OTHER: 'others' };
const LABELS = ['Animal', 'Pet', 'Mammal', 'Grass', 'Outdoors', 'Plant', 'Furniture'];

/** A public-tenant image like the pipeline writes: a third each animal, some uncertain, some FAILED, 8 labels. */
const exportRecord = (i: number): ImageRecord => {
  const animal = ANIMALS[i % 3] as Animal;
  const base = seededRecord('public', i, { fileName: i % 10 === 0 ? `garden, "spring" ${i}.jpg` : `IMG_${String(i).padStart(5, '0')}.jpg` });
  if (i % 50 === 7) {
    const { detectedAnimal: _a, confidence: _c, uncertain: _u, labels: _l, ...rest } = base;
    return { ...rest, status: 'FAILED', failureReason: 'NotAnImage: The file is not a JPEG, PNG, HEIC/HEIF or WebP image although it was declared as image/jpeg' };
  }
  const confidence = 55 + (i % 45);
  const objectKey = `${PREFIX[animal]}/${base.id}.jpg`;
  return {
    ...base,
    objectKey,
    s3Location: `s3://serverlessapp-local-images/${objectKey}`,
    detectedAnimal: animal,
    confidence,
    uncertain: confidence < 80,
    labels: [{ name: animal === 'OTHER' ? 'Plant' : animal === 'CAT' ? 'Cat' : 'Dog', confidence }, ...LABELS.map((name, n) => ({ name, confidence: confidence - n - 1 }))],
  };
};

const IMAGE_STATS = `query Stats($from: AWSDateTime!, $to: AWSDateTime!) { imageStats(from: $from, to: $to) { total } }`;

const main = async (): Promise<number> => {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: { records: { type: 'string', default: '10000' }, formats: { type: 'string', default: 'csv,jsonl' } },
  });
  const records = Number(values.records);
  const stateDir = mkdtempSync(join(tmpdir(), 'bench-export-'));
  console.log(`machine: ${cpus().length} cores, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} at the start`);
  // No uploads here: a classifier that is never called keeps the model's workers from loading.
  const stack = await startLocalStack({
    port: 0,
    httpsPort: 0,
    persist: false,
    stateDir,
    logger: silentLogger,
    classifier: { inject: { detectLabels: () => Promise.reject(new Error('bench:export uploads nothing')) } },
  });
  const ddb = new DynamoDBClient({ region: stack.region, credentials: stack.credentials, endpoint: stack.endpoints.dynamodb });
  try {
    const items = detectionLogItems(Array.from({ length: records }, (_, i) => exportRecord(i)), LOCAL_INDEX_SHARDS);
    const written = await batchWriteAll(DynamoDBDocumentClient.from(ddb), stack.outputs.TableName, items, 4);
    console.log(`table: ${records} images written in ${written.seconds.toFixed(1)} s`);
    // The stream publisher handles every seeded final record (a publish, the counters); the export is measured
    // once it has, so that it does not compete with that work. imageStats' total says when.
    const api = { graphqlUrl: stack.endpoints.graphqlUrl, apiKey: stack.apiKey };
    const range = { from: new Date(SEED_EPOCH_MS).toISOString(), to: new Date(SEED_EPOCH_MS + (records + 1) * 60_000).toISOString() };
    const settleStarted = performance.now();
    for (;;) {
      const { imageStats } = await graphql<{ imageStats: Array<{ total: number }> }>(api, IMAGE_STATS, range);
      if (imageStats.reduce((sum, b) => sum + b.total, 0) >= records) break;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    console.log(`stream publisher settled in ${((performance.now() - settleStarted) / 1000).toFixed(1)} s; load average ${loadavg()[0]?.toFixed(1)}`);

    const newestTenth = new Date(SEED_EPOCH_MS + Math.floor(records * 0.9) * 60_000).toISOString();
    const runs: Array<[string, string, string[], number]> = [];
    for (const format of (values.formats ?? 'csv').split(',')) {
      runs.push([format, `all, --parallel ${DEFAULT_PARALLEL}`, [], records], [format, 'all, --parallel 1', ['--parallel', '1'], records]);
      runs.push([format, `newest tenth, --parallel ${DEFAULT_PARALLEL}`, ['--from', newestTenth], records - Math.floor(records * 0.9)]);
    }
    const outputs = new Map<string, string>();
    for (const [format, scope, extra, expected] of runs) {
      const out = join(stateDir, `export.${format}`);
      const started = performance.now();
      const { stdout, stderr } = await run(
        process.execPath,
        ['--import', 'tsx', join(__dirname, 'export-run.ts'), '--outputs', join(stateDir, 'outputs.json'), '--format', format, '--out', out, ...extra],
        { cwd: join(__dirname, '..'), maxBuffer: 1 << 20 },
      );
      const wallMs = performance.now() - started;
      const { code, maxRssKb } = JSON.parse(stdout.trim().split('\n').at(-1) as string) as { code: number; maxRssKb: number };
      const text = readFileSync(out, 'utf8');
      // CSV rows with a quoted line break would count twice; none of the seeded names has one.
      const rows = text.split('\n').length - 1 - (format === 'csv' ? 1 : 0);
      if (code !== 0 || rows !== expected) throw new Error(`export ${format} ${scope}: exit ${code}, ${rows} rows, expected ${expected}\n${stderr}`);
      // Read in slices at once or in one sequence, the export is the same, byte for byte.
      if (scope.startsWith('all')) {
        const other = outputs.get(format);
        if (other !== undefined && other !== text) throw new Error(`export ${format}: --parallel 1 and --parallel ${DEFAULT_PARALLEL} differ`);
        outputs.set(format, text);
      }
      console.log(
        `export ${format}, ${scope} (${rows} rows): ${stderr.trim()}; wall clock with process start ${(wallMs / 1000).toFixed(1)} s ` +
          `(${Math.round((rows * 1000) / wallMs)} rows/s); peak RSS ${(maxRssKb / 1024).toFixed(0)} MB; load average ${loadavg()[0]?.toFixed(1)}`,
      );
    }
    return 0;
  } finally {
    ddb.destroy();
    await stack.stop();
    rmSync(stateDir, { recursive: true, force: true });
  }
};

main().then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
