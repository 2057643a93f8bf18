/**
 * `pet-detector export` on the local stack: photos uploaded through the public API, exported as CSV and jsonl,
 * hold exactly what `images()` lists, row for row, newest first; each filter exports what `images(filter)`
 * lists; and a signed-in user exports their own images only.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import type { ImageFilter } from '../../../graphql/types';
import { main as exportCli } from '../../../local/cli/export';
import { main as uploadCli } from '../../../local/cli/upload';
import { graphql, type ApiTarget } from '../../../local/client/graphql';
import { postToTicket, requestUpload } from '../../../local/client/upload';
import { EXPORT_COLUMNS, EXPORT_IMAGE_FIELDS, toExportRow, type ExportedImage, type ExportRow } from '../../../local/export/rows';
import { photoPath } from '../../fixtures/photos';
import { isFinal, photo, startTestStack, upload, waitFor, type TestStack } from './helpers';

jest.setTimeout(240_000);

const LIST = `query List($filter: ImageFilter, $nextToken: String) {
  images(filter: $filter, limit: 7, nextToken: $nextToken) { items { ${EXPORT_IMAGE_FIELDS} } nextToken }
}`;

/** Everything images(filter) lists, paging in small pages (so differently from the export) until nextToken is null. */
const listAll = async (api: ApiTarget, filter: ImageFilter = {}): Promise<ExportedImage[]> => {
  const all: ExportedImage[] = [];
  let nextToken: string | null = null;
  do {
    const { images }: { images: { items: ExportedImage[]; nextToken: string | null } } = await graphql(api, LIST, { filter, nextToken });
    all.push(...images.items);
    nextToken = images.nextToken;
  } while (nextToken);
  return all;
};

/** A row as its CSV cells read back: strings, empty for null, JSON for the labels. */
const asCells = (row: ExportRow): Record<string, string> =>
  Object.fromEntries(
    Object.entries(row).map(([column, value]) => [column, value === null ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value)]),
  );

let t: TestStack;
let dir: string;
let outputs: string;
let all: ExportedImage[];
/** Captured stderr of the CLI calls (the summary line). */
let stderr: string[];

const exportTo = async (file: string, ...args: string[]) => {
  stderr = [];
  const error = jest.spyOn(console, 'error').mockImplementation((line: string) => void stderr.push(line));
  try {
    return await exportCli(['--outputs', outputs, '--out', join(dir, file), ...args]);
  } finally {
    error.mockRestore();
  }
};
const csvRows = (file: string) => parse(readFileSync(join(dir, file), 'utf8'), { columns: true }) as Array<Record<string, string>>;
const jsonlRows = (file: string) =>
  readFileSync(join(dir, file), 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as ExportRow);

beforeAll(async () => {
  t = await startTestStack({ writeOutputs: true });
  dir = mkdtempSync(join(tmpdir(), 'export-it-'));
  outputs = join(t.stateDir, 'outputs.json');
  // A cat whose name needs CSV quoting, a dog, an uncertain puppy, something else, and bytes that are no image.
  const uploads = [
    { file: 'cat/gdkpixbuf-cat.jpg', name: 'Tom, the "best" cat.jpg' },
    { file: 'dog/plasma-dog.png', name: 'plasma-dog.png' },
    { file: 'dog/gnomefaces-puppy.jpg', name: 'puppy.jpg' },
    { file: 'other/opencv-apple.jpg', name: 'apple.jpg' },
  ];
  for (const { file, name } of uploads) {
    const bytes = photo(file);
    const ticket = await requestUpload(t.api, { fileName: name, contentType: file.endsWith('.png') ? 'image/png' : 'image/jpeg', fileSize: bytes.length });
    await postToTicket(ticket, bytes, { fileName: name, contentType: file.endsWith('.png') ? 'image/png' : 'image/jpeg' });
  }
  await upload(t.api, 'not-a-photo.jpg', Buffer.from('these bytes are no JPEG at all, only text that claims to be one'));
  all = await waitFor(async () => {
    const listed = await listAll(t.api);
    return listed.length === 5 && listed.every((image) => isFinal(image as Parameters<typeof isFinal>[0])) ? listed : undefined;
  }, 'five final images', 120_000, 250);
});

afterAll(async () => {
  await t?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

it('CSV: a header of the export columns, then exactly the rows images() lists, newest first, quoted by the library', async () => {
  expect(await exportTo('all.csv')).toBe(0);
  expect(readFileSync(join(dir, 'all.csv'), 'utf8').split('\n')[0]).toBe(EXPORT_COLUMNS.join(','));
  expect(csvRows('all.csv')).toEqual(all.map((image) => asCells(toExportRow(image))));
  expect(readFileSync(join(dir, 'all.csv'), 'utf8')).toContain(',"Tom, the ""best"" cat.jpg",');
  expect(stderr).toEqual([expect.stringMatching(/^exported 5 rows \(csv\) to .*all\.csv in [\d.]+ s, \d+ rows\/s$/)]);
});

it('jsonl: one object a line, the same rows with their types', async () => {
  expect(await exportTo('all.jsonl', '--format', 'jsonl')).toBe(0);
  const rows = jsonlRows('all.jsonl');
  expect(rows).toEqual(all.map(toExportRow));
  // What the pipeline wrote, as the export shows it.
  expect(rows.map((row) => [row.status, row.detectedAnimal, row.uncertain, row.owner])).toEqual(
    expect.arrayContaining([
      ['COMPLETED', 'CAT', false, 'public'],
      ['COMPLETED', 'DOG', true, 'public'],
      ['FAILED', null, null, 'public'],
    ]),
  );
  const cat = rows.find((row) => row.fileName === 'Tom, the "best" cat.jpg');
  expect(cat?.topLabels.length).toBeGreaterThan(0);
  expect(cat?.topLabels.length).toBeLessThanOrEqual(5);
  expect(rows.find((row) => row.status === 'FAILED')?.failureReason).toMatch(/^NotAnImage/);
});

describe('filters export what images(filter) lists', () => {
  const newestFirst = () => all.map((image) => image.createdAt);
  it.each<[string, string[], () => ImageFilter]>([
    ['--animal dog', ['--animal', 'dog'], () => ({ detectedAnimal: 'DOG' })],
    ['--uncertain', ['--uncertain'], () => ({ uncertain: true })],
    ['--status failed', ['--status', 'failed'], () => ({ status: 'FAILED' })],
    ['--min-confidence 80', ['--min-confidence', '80'], () => ({ minConfidence: 80 })],
    ['--from/--to around the middle three', [], () => ({ createdAfter: newestFirst()[3], createdBefore: newestFirst()[1] })],
  ])('%s', async (_name, flags, filterOf) => {
    const filter = filterOf();
    const args = [...flags, ...(filter.createdAfter ? ['--from', filter.createdAfter, '--to', filter.createdBefore as string] : [])];
    expect(await exportTo('filtered.jsonl', '--format', 'jsonl', ...args)).toBe(0);
    const expected = await listAll(t.api, filter);
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(all.length);
    expect(jsonlRows('filtered.jsonl')).toEqual(expected.map(toExportRow));
  });
});

it('signed in, a user exports their own images only, owner and all; the API key never sees them', async () => {
  const demo = t.stack.userPool.demoUser;
  const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
  try {
    expect(await uploadCli(['--outputs', outputs, '--username', demo.email, '--password', demo.password, photoPath('cat/skimage-chelsea.png')])).toBe(0);
  } finally {
    log.mockRestore();
  }
  expect(await exportTo('mine.jsonl', '--format', 'jsonl', '--username', demo.email, '--password', demo.password)).toBe(0);
  const mine = jsonlRows('mine.jsonl');
  expect(mine).toEqual([expect.objectContaining({ fileName: 'skimage-chelsea.png', status: 'COMPLETED', detectedAnimal: 'CAT' })]);
  expect(mine[0]?.owner).toEqual(expect.any(String));
  expect(mine[0]?.owner).not.toBe('public');
  expect(await exportTo('public.jsonl', '--format', 'jsonl')).toBe(0);
  expect(jsonlRows('public.jsonl').map((row) => row.id)).toEqual(all.map((image) => image.id));
});
