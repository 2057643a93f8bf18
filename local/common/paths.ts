import { resolve } from 'node:path';

/** The repository root: every path the stack uses is derived from here, never from the caller's cwd. */
export const REPO_ROOT = resolve(__dirname, '..', '..');
export const DEFAULT_STATE_DIR = resolve(REPO_ROOT, '.local');
