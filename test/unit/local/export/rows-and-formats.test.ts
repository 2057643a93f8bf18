/**
 * An exported row: every column, in order, null where the image has no value, the five most confident labels;
 * CSV written and quoted by csv-stringify, jsonl one object a line with the same fields.
 */
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { formatter, type ExportFormat } from '../../../../local/export/formats';
import { EXPORT_COLUMNS, toExportRow, type ExportedImage, type ExportRow } from '../../../../local/export/rows';

const completed: ExportedImage = {
  id: 'b1',
  createdAt: '2026-11-30T08:00:00.000Z',
  classifiedAt: '2026-11-30T08:00:03.000Z',
  status: 'COMPLETED',
  detectedAnimal: 'DOG',
  confidence: 89.17,
  uncertain: false,
  fileName: 'dog.jpg',
  fileSize: 39766,
  imageFormat: 'jpg',
  s3Location: 's3://bucket/dogs/b1.jpg',
  failureReason: null,
  owner: 'public',
  labels: [
    { name: 'Animal', confidence: 89.17 },
    { name: 'Frisbee', confidence: 89.79 },
    { name: 'Dog', confidence: 89.17 },
    { name: 'Grass', confidence: 52 },
    { name: 'Canine', confidence: 89.17 },
    { name: 'Toy', confidence: 89.5 },
  ],
};
const pending: ExportedImage = { id: 'p1', createdAt: '2026-11-30T09:00:00.000Z', status: 'PENDING', fileName: 'new.png' };

const render = (format: ExportFormat, rows: ExportRow[]) => text(Readable.from(rows).pipe(formatter(format)));

describe('toExportRow', () => {
  it('keeps the five most confident labels, most confident first, names and confidences only', () => {
    expect(toExportRow(completed).topLabels).toEqual([
      { name: 'Frisbee', confidence: 89.79 },
      { name: 'Toy', confidence: 89.5 },
      { name: 'Animal', confidence: 89.17 },
      { name: 'Dog', confidence: 89.17 },
      { name: 'Canine', confidence: 89.17 },
    ]);
  });

  it('has every column, in the export order, null for what an unprocessed image lacks', () => {
    const row = toExportRow(pending);
    expect(Object.keys(row)).toEqual([...EXPORT_COLUMNS]);
    expect(row).toEqual({
      id: 'p1',
      createdAt: '2026-11-30T09:00:00.000Z',
      classifiedAt: null,
      status: 'PENDING',
      detectedAnimal: null,
      confidence: null,
      uncertain: null,
      fileName: 'new.png',
      fileSize: null,
      imageFormat: null,
      s3Location: null,
      failureReason: null,
      owner: null,
      topLabels: [],
    });
  });
});

describe('CSV', () => {
  it('starts with the header and writes booleans as true/false, nulls as empty cells, the labels as JSON', async () => {
    const csv = await render('csv', [toExportRow(pending), toExportRow({ ...completed, labels: [{ name: 'Dog', confidence: 89.17 }] })]);
    expect(csv.split('\n')).toEqual([
      'id,createdAt,classifiedAt,status,detectedAnimal,confidence,uncertain,fileName,fileSize,imageFormat,s3Location,failureReason,owner,topLabels',
      'p1,2026-11-30T09:00:00.000Z,,PENDING,,,,new.png,,,,,,[]',
      'b1,2026-11-30T08:00:00.000Z,2026-11-30T08:00:03.000Z,COMPLETED,DOG,89.17,false,dog.jpg,39766,jpg,s3://bucket/dogs/b1.jpg,,public,"[{""name"":""Dog"",""confidence"":89.17}]"',
      '',
    ]);
  });

  it.each([
    ['a comma', 'cat, dog.jpg', '"cat, dog.jpg"'],
    ['double quotes', 'the "best" cat.jpg', '"the ""best"" cat.jpg"'],
    ['a newline', 'two\nlines.jpg', '"two\nlines.jpg"'],
    ['a carriage return', 'cr\r.jpg', '"cr\r.jpg"'],
  ])('quotes a fileName with %s', async (_what, fileName, cell) => {
    const csv = await render('csv', [toExportRow({ ...pending, fileName })]);
    expect(csv).toContain(`,PENDING,,,,${cell},,,,,,[]\n`);
  });

  it.each([
    ['=', '=HYPERLINK("http://x","cat").jpg', `"'=HYPERLINK(""http://x"",""cat"").jpg"`],
    ['+', '+1.jpg', "'+1.jpg"],
    ['-', '-2.jpg', "'-2.jpg"],
    ['@', '@SUM(1).jpg', "'@SUM(1).jpg"],
    ['a tab', '\t=1.jpg', "'\t=1.jpg"],
  ])('defuses a fileName starting with %s, so that a spreadsheet shows it as text', async (_what, fileName, cell) => {
    const csv = await render('csv', [toExportRow({ ...pending, fileName })]);
    expect(csv).toContain(`,PENDING,,,,${cell},,,,,,[]\n`);
  });

  it('quotes an uncertain FAILED image with a multi-line failure reason', async () => {
    const csv = await render('csv', [toExportRow({ ...pending, status: 'FAILED', failureReason: 'NotAnImage: "x", bytes\nend' })]);
    expect(csv).toContain(',FAILED,,,,new.png,,,,"NotAnImage: ""x"", bytes\nend",,[]\n');
  });
});

describe('jsonl', () => {
  it('writes one JSON object a line, with the same fields and values as the row', async () => {
    const rows = [toExportRow(completed), toExportRow({ ...pending, fileName: 'a\nb "c", d' })];
    const lines = (await render('jsonl', rows)).split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe('');
    expect(lines.slice(0, 2).map((line) => JSON.parse(line) as unknown)).toEqual(rows);
    expect(Object.keys(JSON.parse(lines[0]!) as object)).toEqual([...EXPORT_COLUMNS]);
  });
});
