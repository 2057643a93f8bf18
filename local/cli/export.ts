/**
 * `npx pet-detector export [filters] [--format csv|jsonl] [--out FILE]`: every image matching a filter, newest
 * first, through the public API, streamed to FILE (written whole or not at all) or to stdout. A progress bar
 * on stderr when it is a terminal, and a summary line in any case.
 *
 * Exit codes: 0 done (or the reader of stdout closed it: it chose to stop), 1 the export failed (nothing is
 * left at FILE), 2 bad flags or credentials, 130/143 interrupted by SIGINT/SIGTERM (nothing left at FILE).
 */
import { parseArgs } from 'node:util';
import type { ImageFilter } from '../../graphql/types';
import { fileDestination, OutputError, stdoutDestination, type Destination } from '../export/destination';
import { DEFAULT_PARALLEL, exportImages, MAX_PARALLEL } from '../export/export-images';
import { EXPORT_FORMATS, type ExportFormat } from '../export/formats';
import { progressBar, rowsPerSecond } from '../export/progress';
import { FILTER_OPTIONS, FILTER_USAGE, FlagError, filterFromFlags, parseNumber } from './filter-flags';
import { resolveTarget, TARGET_OPTIONS, TARGET_USAGE, type Target, type TargetOptions } from './target';

const indent = (text: string) => text.replace(/^/gm, '                           ');
const USAGE = `usage: pet-detector export ${FILTER_USAGE.replace('\n', `\n${indent('')}`)}
${indent(`[--format csv|jsonl] [--out FILE] [--parallel 1-${MAX_PARALLEL}]\n${TARGET_USAGE}`)}
--from/--to bound createdAt, both inclusive; a date alone is a UTC day (--to: its end).`;

export interface ExportOptions {
  filter: ImageFilter;
  format: ExportFormat;
  out?: string;
  /** Parts of the range read at once (export-images.ts). */
  parallel: number;
  target: TargetOptions;
  help: boolean;
}

/** The command line, checked: a FlagError names the first thing wrong. */
export const parseExportArgs = (args: string[]): ExportOptions => {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        ...FILTER_OPTIONS,
        ...TARGET_OPTIONS,
        format: { type: 'string', default: 'csv' },
        out: { type: 'string' },
        parallel: { type: 'string', default: String(DEFAULT_PARALLEL) },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (error) {
    throw new FlagError('InvalidFlag', (error as Error).message);
  }
  const format = values.format.toLowerCase() as ExportFormat;
  if (!EXPORT_FORMATS.includes(format)) throw new FlagError('UnknownFormat', `--format '${values.format}' is not one of ${EXPORT_FORMATS.join(', ')}`);
  if (values.out === '') throw new FlagError('InvalidFlag', '--out needs a file name');
  const parallel = parseNumber('parallel', values.parallel, 1, MAX_PARALLEL);
  if (!Number.isInteger(parallel)) throw new FlagError('InvalidNumber', `--parallel '${values.parallel}' is not a whole number`);
  const { endpoint, 'api-key': apiKey, outputs, username, password, 'user-pool-client-id': clientId, region } = values;
  return {
    filter: filterFromFlags(values),
    format,
    ...(values.out !== undefined ? { out: values.out } : {}),
    parallel,
    target: { endpoint, 'api-key': apiKey, outputs, username, password, 'user-pool-client-id': clientId, region },
    help: values.help,
  };
};

const isBrokenPipe = (error: unknown) => (error as NodeJS.ErrnoException | undefined)?.code === 'EPIPE';

export const main = async (args: string[]): Promise<number> => {
  let options: ExportOptions;
  try {
    options = parseExportArgs(args);
  } catch (error) {
    const named = error as FlagError;
    console.error(`${named.code}: ${named.message}\n${USAGE}`);
    return 2;
  }
  if (options.help) {
    console.error(USAGE);
    return 0;
  }
  let target: Target;
  let destination: Destination;
  try {
    target = await resolveTarget(options.target);
    destination = options.out !== undefined ? await fileDestination(options.out) : stdoutDestination();
  } catch (error) {
    console.error(error instanceof OutputError ? `${error.name}: ${error.message}` : (error as Error).message);
    return 2;
  }

  const controller = new AbortController();
  let interruptedBy: NodeJS.Signals | undefined;
  const interrupt = (signal: NodeJS.Signals) => {
    interruptedBy = signal;
    controller.abort();
  };
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  const started = performance.now();
  const progress = progressBar(process.stderr, { from: options.filter.createdAfter, to: options.filter.createdBefore });
  let rows = 0;
  const elapsed = () => `${((performance.now() - started) / 1000).toFixed(1)} s`;
  const notWritten = options.out !== undefined ? `; ${destination.name} was not written` : '';
  try {
    await exportImages({
      target,
      filter: options.filter,
      format: options.format,
      destination: destination.stream,
      signal: controller.signal,
      parallel: options.parallel,
      onPage: (written, lastCreatedAt) => {
        rows = written;
        progress.update(written, lastCreatedAt);
      },
    });
    progress.stop();
    await destination.commit();
    console.error(`exported ${rows} rows (${options.format}) to ${destination.name} in ${elapsed()}, ${rowsPerSecond(rows, performance.now() - started)} rows/s`);
    return 0;
  } catch (error) {
    progress.stop();
    await destination.discard();
    if (interruptedBy) {
      console.error(`Interrupted (${interruptedBy}) after ${rows} rows in ${elapsed()}${notWritten}.`);
      return interruptedBy === 'SIGINT' ? 130 : 143;
    }
    if (isBrokenPipe(error)) {
      console.error(`The reader closed the output after ${rows} rows; export stopped.`);
      return 0;
    }
    console.error(`Export failed after ${rows} rows: ${(error as Error).message}${notWritten}.`);
    return 1;
  } finally {
    process.off('SIGINT', interrupt);
    process.off('SIGTERM', interrupt);
  }
};
