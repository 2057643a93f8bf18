/**
 * npm start builds the web console when its build is missing or older than its sources (console/dist is
 * not committed), and leaves a current build alone.
 */
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { consoleBuildIsCurrent } from '../../../local/stack/console-build';

const root = mkdtempSync(join(tmpdir(), 'pet-detector-console-build-'));
const src = join(root, 'src');
const dist = join(root, 'dist');
const at = (path: string, secondsAgo: number) => {
  const time = new Date(Date.now() - secondsAgo * 1000);
  utimesSync(path, time, time);
};

beforeAll(() => {
  mkdirSync(join(src, 'upload'), { recursive: true });
  writeFileSync(join(src, 'main.tsx'), 'x');
  writeFileSync(join(src, 'upload', 'form.tsx'), 'x');
  at(join(src, 'main.tsx'), 100);
  at(join(src, 'upload', 'form.tsx'), 100);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

it('is not current without a build', () => {
  expect(consoleBuildIsCurrent(dist, [src])).toBe(false);
});

it('is current when the build is newer than every source, nested folders included', () => {
  mkdirSync(dist, { recursive: true });
  writeFileSync(join(dist, 'index.html'), '<html></html>');
  at(join(dist, 'index.html'), 50);
  expect(consoleBuildIsCurrent(dist, [src, join(root, 'no-such-file')])).toBe(true);
});

it('is stale again once any source is edited after the build', () => {
  at(join(src, 'upload', 'form.tsx'), 10);
  expect(consoleBuildIsCurrent(dist, [src])).toBe(false);
});
