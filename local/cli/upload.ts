/**
 * `npx pet-detector upload <files or folders...>`: uploads photos through the public API and waits for
 * each classification. Targets the local stack (.local/outputs.json) by default, or a deployed stack with
 * --endpoint/--api-key or --outputs. Prints a progress bar and a summary table, or JSON with --json.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { RealtimeClient } from '../client/realtime';
import { SignInError } from '../client/sign-in';
import { contentTypeFor } from '../client/upload';
import { uploadAndWait, type UploadOutcome } from '../client/watch';
import { EXIT, resolveTarget, SignInRequiredError, TARGET_OPTIONS, TARGET_USAGE, type Target } from './target';

const USAGE = `usage: pet-detector upload [--json] [--concurrency N] [--timeout SECONDS]
${TARGET_USAGE.replace(/^/gm, '                           ')}
                           <files or folders...>
Signed in (--username/--password), uploads are yours alone; without, the API key uploads as the public tenant.`;

/** Files named directly, plus every image (.jpg .jpeg .png .heic .heif .webp) under the folders named (recursively, sorted). */
export const collectFiles = async (paths: string[]): Promise<string[]> => {
  const found: string[] = [];
  for (const path of paths) {
    const info = await stat(path);
    if (info.isDirectory()) {
      const entries = (await readdir(path, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
      found.push(...(await collectFiles(entries.filter((e) => e.isDirectory() || contentTypeFor(e.name)).map((e) => join(path, e.name)))));
    } else found.push(path);
  }
  return found;
};

const progressBar = (done: number, total: number): string => {
  const width = 30;
  const filled = Math.round((done / total) * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total}`;
};

const formatTable = (outcomes: UploadOutcome[]): string => {
  const rows = outcomes.map((o) => [
    basename(o.fileName),
    o.error ? 'ERROR' : o.image?.status === 'FAILED' ? 'FAILED' : (o.image?.detectedAnimal ?? '-'),
    o.image?.confidence != null ? o.image.confidence.toFixed(1) : '-',
    o.image?.uncertain == null ? '-' : o.image.uncertain ? 'yes' : 'no',
    o.latencyMs != null ? `${o.latencyMs} ms` : '-',
    o.error ?? o.image?.failureReason ?? '',
  ]);
  const header = ['file', 'animal', 'confidence', 'uncertain', 'latency', 'note'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
};

export const main = async (args: string[]): Promise<number> => {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        json: { type: 'boolean', default: false },
        ...TARGET_OPTIONS,
        concurrency: { type: 'string', default: '4' },
        timeout: { type: 'string', default: '120' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help || positionals.length === 0) {
    console.error(USAGE);
    return values.help ? 0 : 2;
  }
  // One real-time connection carries at most 100 subscriptions (an AppSync limit): stay well below it.
  const concurrency = Math.min(50, Math.max(1, Number(values.concurrency) || 4));
  const timeoutMs = Math.max(1, Number(values.timeout) || 120) * 1000;

  let target: Target;
  let files: string[];
  try {
    target = await resolveTarget(values);
    files = await collectFiles(positionals);
  } catch (error) {
    if (error instanceof SignInRequiredError) {
      console.error(`${error.name}: ${error.message}`);
      return EXIT.signInRequired;
    }
    console.error((error as Error).message);
    return error instanceof SignInError ? EXIT.failed : EXIT.usage;
  }
  if (files.length === 0) {
    console.error('No .jpg, .jpeg, .png, .heic, .heif or .webp files found.');
    return 2;
  }

  const realtime = new RealtimeClient({
    realtimeUrl: target.realtimeUrl,
    graphqlUrl: target.graphqlUrl,
    ...(target.token ? { token: target.token } : { apiKey: target.apiKey }),
  });
  try {
    await realtime.connect();
  } catch (error) {
    console.error(`Cannot open the real-time connection to ${target.realtimeUrl}: ${(error as Error).message}`);
    return 1;
  }
  const showProgress = !values.json && process.stderr.isTTY && files.length > 1;
  const outcomes: UploadOutcome[] = new Array(files.length);
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < files.length) {
      const index = next++;
      const path = files[index] as string;
      const contentType = contentTypeFor(path) ?? 'application/octet-stream';
      try {
        const bytes = await readFile(path);
        outcomes[index] = await uploadAndWait(target, realtime, { fileName: basename(path), contentType, bytes }, { timeoutMs });
      } catch (error) {
        outcomes[index] = { fileName: basename(path), error: (error as Error).message };
      }
      outcomes[index] = { ...outcomes[index], fileName: path } as UploadOutcome;
      done += 1;
      if (showProgress) process.stderr.write(`\r${progressBar(done, files.length)}`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, files.length) }, worker));
  realtime.close();
  if (showProgress) process.stderr.write('\n');

  if (values.json) {
    console.log(
      JSON.stringify(
        outcomes.map((o) => ({
          file: o.fileName,
          imageId: o.imageId ?? null,
          status: o.image?.status ?? null,
          animal: o.image?.detectedAnimal ?? null,
          confidence: o.image?.confidence ?? null,
          uncertain: o.image?.uncertain ?? null,
          latencyMs: o.latencyMs ?? null,
          failureReason: o.image?.failureReason ?? null,
          error: o.error ?? null,
        })),
        null,
        2,
      ),
    );
  } else {
    console.log(formatTable(outcomes));
  }
  return outcomes.some((o) => o.error || o.image?.status !== 'COMPLETED') ? 1 : 0;
};

