/**
 * Rebuilds dist/resolvers when any resolver source (or the core code they bundle) is newer than the
 * bundles, so `npm start` always serves the resolvers in the working tree, and skips esbuild otherwise.
 */
import { resolve } from 'node:path';
import { buildResolvers } from '../../appsync/build-resolvers';
import { bundleEntries, loadResolverManifest } from '../../appsync/resolver-manifest';
import { mtimeOrZero, newestMtime } from './file-times';
import { REPO_ROOT } from '../common/paths';

export const RESOLVER_BUNDLE_DIR = resolve(REPO_ROOT, 'dist', 'resolvers');

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
