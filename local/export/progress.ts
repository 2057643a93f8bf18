/**
 * What an export shows on stderr. On a terminal, a cli-progress bar: rows, rows/s and how far back in time
 * the export has reached; with `--from` the bar fills as createdAt walks from `--to` (or the start) down to
 * `--from`, since `images` returns newest first and the total row count is not known in advance. Off a
 * terminal (a log, CI) no bar, only the summary line.
 */
import { SingleBar } from 'cli-progress';

export interface ProgressRange {
  /** The oldest createdAt the export can reach (its --from), when it has one. */
  from?: string | null | undefined;
  /** The newest: its --to, else the moment the export started. */
  to: string;
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
  const newest = Date.parse(range.to);
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
  // Time covered, in seconds: the bar's total is the range, its value how much of it lies behind.
  const span = oldest === undefined ? 1 : Math.max(1, Math.ceil((newest - oldest) / 1000));
  bar.start(span, 0, { rows: 0, rate: 0, reached: '-' });
  return {
    update(rows, lastCreatedAt) {
      const reached = lastCreatedAt ? Date.parse(lastCreatedAt) : newest;
      const covered = oldest === undefined ? 0 : Math.min(span, Math.max(0, Math.floor((newest - reached) / 1000)));
      bar.update(covered, { rows, rate: rowsPerSecond(rows, performance.now() - started), reached: lastCreatedAt ?? '-' });
    },
    stop() {
      bar.stop();
    },
  };
};
