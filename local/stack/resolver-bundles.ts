/**
 * Rebuilds dist/resolvers when any resolver source (or the core code they bundle) is newer than the
 * bundles, so `npm start` always serves the resolvers in the working tree, and skips esbuild otherwise.
 */
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildResolvers } from '../../appsync/build-resolvers';
import { bundleEntries, loadResolverManifest } from '../../appsync/resolver-manifest';
import { REPO_ROOT } from './paths';

export const RESOLVER_BUNDLE_DIR = resolve(REPO_ROOT, 'dist', 'resolvers');

const newestMtime = (dir: string): number => {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
};

const mtimeOrZero = (path: string): number => {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
};

/** Returns whether it had to build. */
export const ensureResolverBundles = async (): Promise<boolean> => {
  const specs = loadResolverManifest();
  const bundles = bundleEntries(specs).map((e) => e.bundlePath);
  const oldestBundle = Math.min(...bundles.map(mtimeOrZero));
  const newestSource = Math.max(
    newestMtime(resolve(REPO_ROOT, 'resolvers')),
    newestMtime(resolve(REPO_ROOT, 'functions', 'core')),
    mtimeOrZero(resolve(REPO_ROOT, 'schema.graphql')),
  );
  if (bundles.length > 0 && oldestBundle > newestSource) return false;
  await buildResolvers({ specs });
  return true;
};
