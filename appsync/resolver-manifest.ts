/**
 * The resolver manifest: which resolver serves which Type.field from which data source, read from
 * the file names under resolvers/ and checked against schema.graphql. The CDK stack, the bundler
 * and the local AppSync server all take their wiring from here, so a resolver cannot be added in
 * one place and forgotten in another.
 *
 * Naming (after aws-samples/aws-appsync-resolver-samples):
 *   resolvers/Type.field.[DataSource].ts          a unit resolver
 *   resolvers/Type.field/index.ts                 a pipeline resolver's own request/response...
 *   resolvers/Type.field/<n>.<name>.[DataSource].ts  ...and its functions, run in order of <n>
 *   resolvers/shared/**                           helpers bundled into resolvers, never wired
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { buildSchema, isObjectType, type GraphQLSchema } from 'graphql';

/** The API's data sources and their AppSync kinds. */
export const DATA_SOURCES = {
  DetectionLogs: 'AMAZON_DYNAMODB',
  ImageReader: 'AWS_LAMBDA',
  RequestUpload: 'AWS_LAMBDA',
  None: 'NONE',
} as const;

export type DataSourceName = keyof typeof DATA_SOURCES;
export type DataSourceKind = (typeof DATA_SOURCES)[DataSourceName];

export interface FunctionSpec {
  /** e.g. "1.getImage" */
  name: string;
  order: number;
  dataSource: DataSourceName;
  dataSourceKind: DataSourceKind;
  sourcePath: string;
  bundlePath: string;
}

export interface ResolverSpec {
  typeName: string;
  fieldName: string;
  kind: 'UNIT' | 'PIPELINE';
  /** The unit resolver's data source; null for a pipeline (its functions name theirs). */
  dataSource: DataSourceName | null;
  dataSourceKind: DataSourceKind | null;
  sourcePath: string;
  bundlePath: string;
  /** A pipeline's functions in execution order; empty for a unit resolver. */
  functions: FunctionSpec[];
}

export interface ManifestOptions {
  /** Repository root; defaults to the folder above appsync/. */
  rootDir?: string;
  /** Defaults to <rootDir>/resolvers. */
  resolversDir?: string;
  /** Bundles go to <outDir>/<name>.js; defaults to <rootDir>/dist/resolvers. */
  outDir?: string;
  /** Schema files joined for the check; defaults to schema.graphql plus appsync/builtins.graphql. */
  schemaPaths?: string[];
}

export class ResolverManifestError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid resolvers:\n- ${problems.join('\n- ')}`);
    this.name = 'ResolverManifestError';
  }
}

const UNIT_FILE = /^([A-Z][A-Za-z0-9_]*)\.([A-Za-z_][A-Za-z0-9_]*)\.\[([A-Za-z0-9_]+)\]\.ts$/;
const PIPELINE_DIR = /^([A-Z][A-Za-z0-9_]*)\.([A-Za-z_][A-Za-z0-9_]*)$/;
const FUNCTION_FILE = /^(\d+)\.([A-Za-z_][A-Za-z0-9_]*)\.\[([A-Za-z0-9_]+)\]\.ts$/;
const HELPERS_DIR = 'shared';

const isDataSource = (name: string): name is DataSourceName => Object.hasOwn(DATA_SOURCES, name);

export const defaultRootDir = (): string => path.resolve(__dirname, '..');

const resolveOptions = (options: ManifestOptions) => {
  const rootDir = options.rootDir ?? defaultRootDir();
  return {
    rootDir,
    resolversDir: options.resolversDir ?? path.join(rootDir, 'resolvers'),
    outDir: options.outDir ?? path.join(rootDir, 'dist', 'resolvers'),
    schemaPaths: options.schemaPaths ?? [path.join(rootDir, 'schema.graphql'), path.join(rootDir, 'appsync', 'builtins.graphql')],
  };
};

const discoverPipeline = (
  dir: string,
  dirName: string,
  outDir: string,
  problems: string[],
): FunctionSpec[] => {
  const functions: FunctionSpec[] = [];
  for (const file of readdirSync(dir).sort()) {
    if (file === 'index.ts') continue;
    const match = FUNCTION_FILE.exec(file);
    if (!match) {
      problems.push(`${dirName}/${file}: a pipeline function must be named <n>.<name>.[DataSource].ts`);
      continue;
    }
    const [, order, name, dataSource] = match as unknown as [string, string, string, string];
    if (!isDataSource(dataSource)) {
      problems.push(`${dirName}/${file}: unknown data source ${dataSource}`);
      continue;
    }
    functions.push({
      name: `${order}.${name}`,
      order: Number(order),
      dataSource,
      dataSourceKind: DATA_SOURCES[dataSource],
      sourcePath: path.join(dir, file),
      bundlePath: path.join(outDir, dirName, file.replace(/\.ts$/, '.js')),
    });
  }
  functions.sort((a, b) => a.order - b.order);
  const orders = functions.map((f) => f.order);
  if (new Set(orders).size !== orders.length) problems.push(`${dirName}: two pipeline functions share a number`);
  if (!existsSync(path.join(dir, 'index.ts'))) problems.push(`${dirName}: a pipeline needs index.ts (its request/response)`);
  if (functions.length === 0) problems.push(`${dirName}: a pipeline needs at least one function`);
  return functions;
};

/** Reads the resolvers folder; naming problems are collected, then thrown together. */
export const discoverResolvers = (options: ManifestOptions = {}): ResolverSpec[] => {
  const { resolversDir, outDir } = resolveOptions(options);
  const problems: string[] = [];
  const specs: ResolverSpec[] = [];
  for (const entry of readdirSync(resolversDir).sort()) {
    const full = path.join(resolversDir, entry);
    if (statSync(full).isDirectory()) {
      if (entry === HELPERS_DIR) continue;
      const match = PIPELINE_DIR.exec(entry);
      if (!match) {
        problems.push(`${entry}/: a folder must be a pipeline named Type.field, or ${HELPERS_DIR}/`);
        continue;
      }
      const functions = discoverPipeline(full, entry, outDir, problems);
      specs.push({
        typeName: match[1] as string,
        fieldName: match[2] as string,
        kind: 'PIPELINE',
        dataSource: null,
        dataSourceKind: null,
        sourcePath: path.join(full, 'index.ts'),
        bundlePath: path.join(outDir, entry, 'index.js'),
        functions,
      });
      continue;
    }
    const match = UNIT_FILE.exec(entry);
    if (!match) {
      problems.push(`${entry}: a resolver file must be named Type.field.[DataSource].ts`);
      continue;
    }
    const [, typeName, fieldName, dataSource] = match as unknown as [string, string, string, string];
    if (!isDataSource(dataSource)) {
      problems.push(`${entry}: unknown data source ${dataSource} (known: ${Object.keys(DATA_SOURCES).join(', ')})`);
      continue;
    }
    specs.push({
      typeName,
      fieldName,
      kind: 'UNIT',
      dataSource,
      dataSourceKind: DATA_SOURCES[dataSource],
      sourcePath: full,
      bundlePath: path.join(outDir, entry.replace(/\.ts$/, '.js')),
      functions: [],
    });
  }
  const seen = new Map<string, number>();
  for (const spec of specs) {
    const key = `${spec.typeName}.${spec.fieldName}`;
    seen.set(key, (seen.get(key) ?? 0) + 1);
  }
  for (const [key, count] of seen) if (count > 1) problems.push(`${key} has ${count} resolvers`);
  if (problems.length > 0) throw new ResolverManifestError(problems);
  return specs;
};

export const loadSchema = (schemaPaths: string[]): GraphQLSchema =>
  buildSchema(schemaPaths.map((p) => readFileSync(p, 'utf8')).join('\n'));

/**
 * What is wrong between the resolvers and the schema: a resolver for a type or field the schema
 * lacks, or a Query/Mutation field nobody resolves (AppSync would answer it with null).
 */
export const checkAgainstSchema = (specs: ResolverSpec[], schema: GraphQLSchema): string[] => {
  const problems: string[] = [];
  const resolved = new Set<string>();
  for (const spec of specs) {
    const key = `${spec.typeName}.${spec.fieldName}`;
    resolved.add(key);
    const type = schema.getType(spec.typeName);
    if (!type || !isObjectType(type)) {
      problems.push(`${key}: schema has no object type ${spec.typeName}`);
    } else if (!type.getFields()[spec.fieldName]) {
      problems.push(`${key}: type ${spec.typeName} has no field ${spec.fieldName}`);
    }
  }
  for (const root of [schema.getQueryType(), schema.getMutationType()]) {
    if (!root) continue;
    for (const field of Object.keys(root.getFields())) {
      if (!resolved.has(`${root.name}.${field}`)) problems.push(`${root.name}.${field} has no resolver`);
    }
  }
  return problems;
};

/** Discovery plus the schema check; throws ResolverManifestError listing every problem. */
export const loadResolverManifest = (options: ManifestOptions = {}): ResolverSpec[] => {
  const resolved = resolveOptions(options);
  const specs = discoverResolvers(resolved);
  const problems = checkAgainstSchema(specs, loadSchema(resolved.schemaPaths));
  if (problems.length > 0) throw new ResolverManifestError(problems);
  return specs;
};

/** Every file to bundle (pipeline code and functions included), for the build. */
export const bundleEntries = (specs: ResolverSpec[]): { sourcePath: string; bundlePath: string }[] =>
  specs.flatMap((spec) => [
    { sourcePath: spec.sourcePath, bundlePath: spec.bundlePath },
    ...spec.functions.map((f) => ({ sourcePath: f.sourcePath, bundlePath: f.bundlePath })),
  ]);
