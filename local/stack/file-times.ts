/** Modification times for the start-up freshness checks (resolver bundles, console build). */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The newest mtime of a file, or of every file under a folder. */
export const newestMtime = (path: string): number => {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((newest, name) => Math.max(newest, newestMtime(join(path, name))), 0);
};

/** A file's mtime, or 0 when it does not exist (never built counts as oldest). */
export const mtimeOrZero = (path: string): number => {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
};
