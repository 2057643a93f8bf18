/**
 * An export: the pages of `images`, as rows, through the format's transform into a destination, in one
 * stream pipeline. Backpressure runs end to end: while the destination is full no row is formatted and no
 * next page is requested, so memory holds about one page whatever the number of rows.
 */
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ImageFilter } from '../../graphql/types';
import type { ApiTarget } from '../client/graphql';
import { formatter, type ExportFormat } from './formats';
import { imagePages } from './pages';
import { toExportRow, type ExportRow } from './rows';

export interface ExportRequest {
  target: ApiTarget;
  filter: ImageFilter;
  format: ExportFormat;
  destination: Writable;
  /** Stops the export: the request in flight and the pipeline; exportImages then rejects with an AbortError. */
  signal?: AbortSignal;
  /** After each page has been handed to the formatter: rows so far and the last row's createdAt. */
  onPage?: (rows: number, lastCreatedAt: string | undefined) => void;
}

export const exportImages = async ({ target, filter, format, destination, signal, onPage }: ExportRequest): Promise<{ rows: number; pages: number }> => {
  let rows = 0;
  let pages = 0;
  let lastCreatedAt: string | undefined;
  async function* exportRows(): AsyncGenerator<ExportRow> {
    for await (const page of imagePages(target, filter, signal)) {
      for (const image of page) yield toExportRow(image);
      rows += page.length;
      pages += 1;
      lastCreatedAt = page.at(-1)?.createdAt ?? lastCreatedAt;
      onPage?.(rows, lastCreatedAt);
    }
  }
  await pipeline(exportRows, formatter(format), destination, signal ? { signal } : {});
  return { rows, pages };
};
