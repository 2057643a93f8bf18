/**
 * What an export shows on stderr. On a terminal, a cli-progress bar: rows, rows/s and how far back in time
 * the export has reached; with `--from` the bar fills as createdAt walks from `--to` (or the newest row) down
 * to `--from`, since `images` returns newest first and the total row count is not known in advance. Off a
 * terminal (a log, CI) no bar, only the summary line.
 */
import { SingleBar } from 'cli-progress';

export interface ProgressRange {
  /** The oldest createdAt the export can reach (its --from), when it has one. */
  from?: string | null | undefined;
  /** The newest: its --to; without one, the newest row's createdAt. */
  to?: string | null | undefined;
}

export interface Progress {
  /** After each page: rows written so far and the createdAt of the last one. */
  update(rows: number, lastCreatedAt: string | undefined): void;
  stop(): void;
}

const NO_PROGRESS: Progress = { update: () => undefined, stop: () => undefined };

export const rowsPerSecond = (rows: number, ms: number): number => (ms > 0 ? Math.round((rows * 1000) / ms) : 0);

export const progressBar = (stream: NodeJS.WriteStream, range: ProgressRange): Progress => {
  if (!stream.isTTY) return NO_PROGRESS;
  let newest = range.to ? Date.parse(range.to) : undefined;
  const oldest = range.from ? Date.parse(range.from) : undefined;
  const details = '{rows} rows | {rate} rows/s | reached {reached}';
  const bar = new SingleBar({
    stream,
    format: oldest === undefined ? `export | ${details}` : `export {bar} {percentage}% | ${details}`,
    hideCursor: true,
    clearOnComplete: true,
    fps: 5,
  });
  const started = performance.now();
  // Time covered, in milliseconds: the bar's total is the range, its value how much of it lies behind.
  bar.start(1, 0, { rows: 0, rate: 0, reached: '-' });
  return {
    update(rows, lastCreatedAt) {
      const payload = { rows, rate: rowsPerSecond(rows, performance.now() - started), reached: lastCreatedAt ?? '-' };
      if (oldest === undefined || !lastCreatedAt) {
        bar.update(payload);
        return;
      }
      // Without --to the range starts at the newest row: the first page's, about SLICE_ROWS rows old at most.
      newest ??= Date.parse(lastCreatedAt);
      bar.setTotal(Math.max(1, newest - oldest));
      bar.update(Math.min(newest - oldest, Math.max(0, newest - Date.parse(lastCreatedAt))), payload);
    },
    stop() {
      bar.stop();
    },
  };
};
