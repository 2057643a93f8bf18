/**
 * An export: the pages of `images`, as rows, through the format's transform into a destination, in one
 * stream pipeline. The range is cut into slices (slices.ts) of which `parallel` are paged at once, each at most
 * one slice ahead of the output (read-ahead.ts), and the rows still come out in the order of one listing.
 * Backpressure runs end to end: while the destination is full no row is formatted and no further page is
 * requested, so memory holds at most parallel × SLICE_ROWS rows whatever the number of rows.
 */
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ImageFilter } from '../../graphql/types';
import type { ApiTarget } from '../client/graphql';
import { formatter, type ExportFormat } from './formats';
import { EXPORT_PAGE_SIZE, imagePages } from './pages';
import { readAheadInOrder } from './read-ahead';
import { toExportRow, type ExportRow } from './rows';
import { planSlices, SLICE_ROWS } from './slices';

/** Slices paged at once: enough to overlap the API's latency, few enough to spare a small deployment. */
export const DEFAULT_PARALLEL = 4;
export const MAX_PARALLEL = 16;

export interface ExportRequest {
  target: ApiTarget;
  filter: ImageFilter;
  format: ExportFormat;
  destination: Writable;
  /** Stops the export: the request in flight and the pipeline; exportImages then rejects with an AbortError. */
  signal?: AbortSignal;
  /** After each page has been handed to the formatter: rows so far and the last row's createdAt. */
  onPage?: (rows: number, lastCreatedAt: string | undefined) => void;
  /** Slices paged at once; 1 reads the range as one sequence, without planning. Default DEFAULT_PARALLEL. */
  parallel?: number;
}

export const exportImages = async ({
  target,
  filter,
  format,
  destination,
  signal,
  onPage,
  parallel = DEFAULT_PARALLEL,
}: ExportRequest): Promise<{ rows: number; pages: number; slices: number }> => {
  const slices = parallel > 1 ? await planSlices(target, filter, new Date(), { signal }) : [{}];
  const pageSources = slices.map((slice) => () => imagePages(target, { ...filter, ...slice }, signal));
  let rows = 0;
  let pages = 0;
  let lastCreatedAt: string | undefined;
  async function* exportRows(): AsyncGenerator<ExportRow> {
    for await (const page of readAheadInOrder(pageSources, { ahead: parallel, capacity: SLICE_ROWS / EXPORT_PAGE_SIZE })) {
      for (const image of page) yield toExportRow(image);
      rows += page.length;
      pages += 1;
      lastCreatedAt = page.at(-1)?.createdAt ?? lastCreatedAt;
      onPage?.(rows, lastCreatedAt);
    }
  }
  await pipeline(exportRows, formatter(format), destination, signal ? { signal } : {});
  return { rows, pages, slices: slices.length };
};
