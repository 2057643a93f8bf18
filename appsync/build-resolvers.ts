/**
 * Bundles every resolver in the manifest to ESM for APPSYNC_JS: one self-contained file each, with
 * @aws-appsync/utils left external (AppSync provides it), no source map (it would count against the
 * 32 KB code limit), and a hard failure for any bundle at or over that limit.
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { bundleEntries, loadResolverManifest, type ManifestOptions, type ResolverSpec } from './resolver-manifest';

/** AppSync rejects resolver or function code of 32 KB or more. */
export const APPSYNC_CODE_LIMIT_BYTES = 32 * 1024;

export interface BundleReport {
  sourcePath: string;
  bundlePath: string;
  bytes: number;
  /** Every source file esbuild put into the bundle (absolute paths), e.g. to check they are all linted as APPSYNC_JS. */
  inputs: string[];
}

export class BundleTooLargeError extends Error {
  constructor(readonly oversized: BundleReport[]) {
    super(
      `Resolver bundles must stay under ${APPSYNC_CODE_LIMIT_BYTES} bytes: ${oversized
        .map((b) => `${path.basename(b.bundlePath)} is ${b.bytes}`)
        .join(', ')}`,
    );
    this.name = 'BundleTooLargeError';
  }
}

export interface BuildResolversOptions extends ManifestOptions {
  /** Already loaded specs; otherwise the manifest is read (and checked) from options. */
  specs?: ResolverSpec[];
  /** Size limit override, for the test that proves the check fails. */
  limitBytes?: number;
}

export const buildResolvers = async (options: BuildResolversOptions = {}): Promise<BundleReport[]> => {
  const specs = options.specs ?? loadResolverManifest(options);
  const entries = bundleEntries(specs);
  if (entries.length === 0) return [];
  const outdir = commonDir(entries.map((e) => path.dirname(e.bundlePath)));
  const { metafile } = await build({
    entryPoints: entries.map((e) => ({ in: e.sourcePath, out: path.relative(outdir, e.bundlePath).replace(/\.js$/, '') })),
    outdir,
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    // APPSYNC_JS supports a subset of ES2020 and later; keeping to es2020 avoids syntax it rejects.
    target: 'es2020',
    external: ['@aws-appsync/utils', '@aws-appsync/utils/*'],
    sourcemap: false,
    minify: false,
    treeShaking: true,
    logLevel: 'silent',
    metafile: true,
    absWorkingDir: process.cwd(),
  });
  const inputsOf = (bundlePath: string): string[] => {
    const output = Object.entries(metafile.outputs).find(([file]) => path.resolve(file) === path.resolve(bundlePath));
    return output ? Object.keys(output[1].inputs).map((file) => path.resolve(file)) : [];
  };
  const reports = entries.map((e) => ({ ...e, bytes: statSync(e.bundlePath).size, inputs: inputsOf(e.bundlePath) }));
  const limit = options.limitBytes ?? APPSYNC_CODE_LIMIT_BYTES;
  const oversized = reports.filter((r) => r.bytes >= limit);
  if (oversized.length > 0) throw new BundleTooLargeError(oversized);
  return reports;
};

const commonDir = (dirs: string[]): string =>
  dirs.reduce((common, dir) => {
    let c = common;
    while (!(dir === c || dir.startsWith(c + path.sep))) c = path.dirname(c);
    return c;
  });
