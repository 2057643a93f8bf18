/**
 * The two export formats as object-mode → text transforms, so the writer's backpressure reaches the reader:
 * CSV by csv-stringify (header, quoting of commas, quotes and newlines), jsonl one JSON object a line.
 */
import { Transform } from 'node:stream';
import { stringify } from 'csv-stringify';
import { EXPORT_COLUMNS, type ExportRow } from './rows';

export const EXPORT_FORMATS = ['csv', 'jsonl'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/**
 * A cell that a spreadsheet would evaluate as a formula (`=`, `+`, `-`, `@`, or a tab or carriage return before
 * one) gets a leading apostrophe, as OWASP's CSV-injection advice says: file names are chosen by uploaders,
 * and an analyst opening the export must not run them. jsonl keeps every value as stored.
 */
const FORMULA_START = /^[=+\-@\t\r]/;
const defuseFormula = (value: string): string => (FORMULA_START.test(value) ? `'${value}` : value);

/** CSV cells: empty for null, `true`/`false` (csv-stringify's default is 1 and empty), the labels list as JSON. */
const csv = (): Transform =>
  stringify({
    header: true,
    columns: [...EXPORT_COLUMNS],
    cast: {
      boolean: (value) => (value ? 'true' : 'false'),
      object: (value) => JSON.stringify(value),
      string: defuseFormula,
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
