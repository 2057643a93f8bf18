/**
 * Resolver wiring for the stack, from the resolver manifest (file names checked against schema.graphql)
 * and the bundles `npm run build:resolvers` writes to dist/resolvers.
 */
import { existsSync, readFileSync } from 'node:fs';
import { buildResolvers } from '../appsync/build-resolvers';
import { loadResolverManifest, type ResolverSpec } from '../appsync/resolver-manifest';
import type { ResolverWiring } from './constructs/graphql-api';

const readBundle = (bundlePath: string): string => {
  if (!existsSync(bundlePath)) {
    throw new Error(`Resolver bundle ${bundlePath} is missing: run \`npm run build:resolvers\` (npm run synth does it for you)`);
  }
  return readFileSync(bundlePath, 'utf8');
};

export const toWiring = (spec: ResolverSpec): ResolverWiring => {
  if (spec.kind === 'UNIT') {
    if (!spec.dataSource) throw new Error(`${spec.typeName}.${spec.fieldName}: a unit resolver needs a data source`);
    return {
      kind: 'unit',
      typeName: spec.typeName,
      fieldName: spec.fieldName,
      dataSource: spec.dataSource,
      code: readBundle(spec.bundlePath),
    };
  }
  return {
    kind: 'pipeline',
    typeName: spec.typeName,
    fieldName: spec.fieldName,
    code: readBundle(spec.bundlePath),
    functions: spec.functions.map((f) => ({ name: f.name, dataSource: f.dataSource, code: readBundle(f.bundlePath) })),
  };
};

/**
 * Builds the bundles first, then reads them: what `npm run synth` and `cdk deploy` use. Tests pass their own
 * outDir, so they never read a bundle another process is rewriting in dist/.
 */
export const buildResolverWiring = async (options: { outDir?: string } = {}): Promise<ResolverWiring[]> => {
  const specs = loadResolverManifest(options);
  await buildResolvers({ specs });
  return specs.map(toWiring);
};
