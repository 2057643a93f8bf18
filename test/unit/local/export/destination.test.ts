/** --out FILE is the complete export or untouched: the rows go to a temporary file renamed over FILE at the end. */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileDestination, OutputError } from '../../../../local/export/destination';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'export-destination-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const write = (stream: NodeJS.WritableStream, text: string) => new Promise<void>((resolve, reject) => stream.end(text, () => resolve()).on('error', reject));

it('FILE appears only at commit, whole, and replaces what was there', async () => {
  const file = join(dir, 'images.csv');
  writeFileSync(file, 'the previous export\n');
  const destination = await fileDestination(file);
  await write(destination.stream, 'id\n1\n');
  expect(readFileSync(file, 'utf8')).toBe('the previous export\n');
  await destination.commit();
  expect(readFileSync(file, 'utf8')).toBe('id\n1\n');
  expect(readdirSync(dir)).toEqual(['images.csv']);
});

it('an export that fails half-way, once discarded, leaves FILE as it was and no temporary file', async () => {
  const file = join(dir, 'images.csv');
  writeFileSync(file, 'the previous export\n');
  const destination = await fileDestination(file);
  async function* failingHalfWay() {
    yield 'id\n1\n';
    throw new Error('the API went away');
  }
  await expect(pipeline(failingHalfWay, destination.stream)).rejects.toThrow('the API went away');
  await destination.discard();
  expect(readFileSync(file, 'utf8')).toBe('the previous export\n');
  expect(readdirSync(dir)).toEqual(['images.csv']);
});

it('a discarded first export leaves nothing at all', async () => {
  const destination = await fileDestination(join(dir, 'new.jsonl'));
  await destination.discard();
  expect(readdirSync(dir)).toEqual([]);
});

it.each([
  ['a folder', () => dir, /is a folder/],
  ['a file in a missing folder', () => join(dir, 'missing', 'x.csv'), /Cannot write .*ENOENT/],
])('refuses %s before any row is read', async (_what, path, message) => {
  await expect(fileDestination(path())).rejects.toThrow(OutputError);
  await expect(fileDestination(path())).rejects.toThrow(message);
});
