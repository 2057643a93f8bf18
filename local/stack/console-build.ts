/**
 * Builds console/dist when it is missing or older than the console's sources. dist/ is not committed, so
 * without this `npm ci && npm start` on a fresh clone would serve no console, and an edited console would
 * be served stale. Vite is loaded only when a build is due.
 */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { newestMtime } from './file-times';
import { REPO_ROOT } from '../common/paths';

export const CONSOLE_DIR = resolve(REPO_ROOT, 'console');
export const CONSOLE_BUILD_DIR = resolve(CONSOLE_DIR, 'dist');

const CONSOLE_SOURCES = [
  resolve(CONSOLE_DIR, 'src'),
  resolve(CONSOLE_DIR, 'index.html'),
  resolve(CONSOLE_DIR, 'vite.config.mts'),
];

/** Whether buildDir holds a build at least as new as every source file (missing sources are ignored). */
export const consoleBuildIsCurrent = (buildDir = CONSOLE_BUILD_DIR, sources = CONSOLE_SOURCES): boolean => {
  const index = resolve(buildDir, 'index.html');
  if (!existsSync(index)) return false;
  const built = statSync(index).mtimeMs;
  return sources.filter((source) => existsSync(source)).every((source) => newestMtime(source) <= built);
};

/** Returns whether it had to build. */
export const ensureConsoleBuild = async (): Promise<boolean> => {
  if (consoleBuildIsCurrent()) return false;
  const { build } = await import('vite');
  await build({ root: CONSOLE_DIR, logLevel: 'warn' });
  return true;
};
