/**
 * The two export formats as object-mode → text transforms, so the writer's backpressure reaches the reader:
 * CSV by csv-stringify (header, quoting of commas, quotes and newlines), jsonl one JSON object a line.
 */
import { Transform } from 'node:stream';
import { stringify } from 'csv-stringify';
import { EXPORT_COLUMNS, type ExportRow } from './rows';

export const EXPORT_FORMATS = ['csv', 'jsonl'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** CSV cells: empty for null, `true`/`false` (csv-stringify's default is 1 and empty), the labels list as JSON. */
const csv = (): Transform =>
  stringify({
    header: true,
    columns: [...EXPORT_COLUMNS],
    cast: {
      boolean: (value) => (value ? 'true' : 'false'),
      object: (value) => JSON.stringify(value),
    },
  });

const jsonl = (): Transform =>
  new Transform({
    writableObjectMode: true,
    transform(row: ExportRow, _encoding, done) {
      done(null, `${JSON.stringify(row)}\n`);
    },
  });

export const formatter = (format: ExportFormat): Transform => (format === 'csv' ? csv() : jsonl());
