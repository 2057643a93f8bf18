/** Builds the real resolvers once per test file into a private folder, so tests never depend on `npm run build`. */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildResolvers, type BundleReport } from '../../../appsync/build-resolvers';
import { loadResolverManifest, type ResolverSpec } from '../../../appsync/resolver-manifest';

export interface BuiltResolvers {
  outDir: string;
  specs: ResolverSpec[];
  reports: BundleReport[];
  spec(typeField: string): ResolverSpec;
  remove(): void;
}

export const buildResolversForTest = async (): Promise<BuiltResolvers> => {
  const outDir = mkdtempSync(path.join(os.tmpdir(), 'pet-detector-resolvers-'));
  const specs = loadResolverManifest({ outDir });
  const reports = await buildResolvers({ specs });
  return {
    outDir,
    specs,
    reports,
    spec(typeField) {
      const found = specs.find((s) => `${s.typeName}.${s.fieldName}` === typeField);
      if (!found) throw new Error(`No resolver for ${typeField}`);
      return found;
    },
    remove: () => rmSync(outDir, { recursive: true, force: true }),
  };
};
