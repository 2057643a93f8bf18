/** The manifest wires resolvers from file names and refuses anything the schema does not have. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  DATA_SOURCES,
  ResolverManifestError,
  bundleEntries,
  loadResolverManifest,
} from '../../../appsync/resolver-manifest';

const SCHEMA = `
type Item { id: ID! }
type Query { item(id: ID!): Item }
type Mutation { saveItem(id: ID!): Item }
type Subscription { onItem: Item }
`;

let root: string;

const write = (relative: string, content = 'export function request() { return {}; }\n') => {
  const file = path.join(root, relative);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, content);
};

const load = () =>
  loadResolverManifest({
    rootDir: root,
    schemaPaths: [path.join(root, 'schema.graphql')],
  });

const problemsOf = (fn: () => unknown): string[] => {
  try {
    fn();
  } catch (error) {
    if (error instanceof ResolverManifestError) return error.problems;
    throw error;
  }
  throw new Error('expected a ResolverManifestError');
};

beforeEach(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'pet-detector-manifest-'));
  writeFileSync(path.join(root, 'schema.graphql'), SCHEMA);
  write('resolvers/Query.item.[DetectionLogs].ts');
  write('resolvers/Mutation.saveItem.[None].ts');
  write('resolvers/shared/helper.ts');
});

afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('the real resolvers', () => {
  it('match schema.graphql and the declared data sources exactly', () => {
    const specs = loadResolverManifest();
    expect(specs.map((s) => [`${s.typeName}.${s.fieldName}`, s.kind, s.dataSource, s.dataSourceKind])).toEqual([
      ['Mutation.publishImageClassified', 'UNIT', 'None', 'NONE'],
      ['Mutation.requestUpload', 'UNIT', 'RequestUpload', 'AWS_LAMBDA'],
      ['Query.image', 'UNIT', 'DetectionLogs', 'AMAZON_DYNAMODB'],
      ['Query.imageStats', 'UNIT', 'ImageReader', 'AWS_LAMBDA'],
      ['Query.imageUrls', 'UNIT', 'ImageReader', 'AWS_LAMBDA'],
      ['Query.images', 'UNIT', 'ImageReader', 'AWS_LAMBDA'],
      ['Subscription.onImageClassified', 'UNIT', 'None', 'NONE'],
    ]);
    for (const spec of specs) {
      expect(path.basename(spec.bundlePath)).toBe(path.basename(spec.sourcePath).replace(/\.ts$/, '.js'));
      expect(spec.bundlePath).toContain(path.join('dist', 'resolvers'));
    }
  });
});

describe('discovery', () => {
  it('reads type, field and data source from each file name and skips shared helpers', () => {
    const specs = load();
    expect(specs).toEqual([
      {
        typeName: 'Mutation',
        fieldName: 'saveItem',
        kind: 'UNIT',
        dataSource: 'None',
        dataSourceKind: DATA_SOURCES.None,
        sourcePath: path.join(root, 'resolvers', 'Mutation.saveItem.[None].ts'),
        bundlePath: path.join(root, 'dist', 'resolvers', 'Mutation.saveItem.[None].js'),
        functions: [],
      },
      expect.objectContaining({ typeName: 'Query', fieldName: 'item', dataSource: 'DetectionLogs' }),
    ]);
  });

  it('reads a pipeline folder, its functions in numeric order', () => {
    rmSync(path.join(root, 'resolvers', 'Query.item.[DetectionLogs].ts'));
    write('resolvers/Query.item/index.ts');
    write('resolvers/Query.item/10.enrich.[ImageReader].ts');
    write('resolvers/Query.item/2.load.[DetectionLogs].ts');
    const pipeline = load().find((s) => s.fieldName === 'item');
    expect(pipeline).toMatchObject({ kind: 'PIPELINE', dataSource: null });
    expect(pipeline?.functions.map((f) => [f.name, f.dataSource])).toEqual([
      ['2.load', 'DetectionLogs'],
      ['10.enrich', 'ImageReader'],
    ]);
    expect(bundleEntries([pipeline!]).map((e) => path.relative(root, e.bundlePath))).toEqual([
      path.join('dist', 'resolvers', 'Query.item', 'index.js'),
      path.join('dist', 'resolvers', 'Query.item', '2.load.[DetectionLogs].js'),
      path.join('dist', 'resolvers', 'Query.item', '10.enrich.[ImageReader].js'),
    ]);
  });
});

describe('rejection', () => {
  it.each([
    ['a field missing from the schema', 'resolvers/Query.nothing.[None].ts', 'Query.nothing: type Query has no field nothing'],
    ['a type missing from the schema', 'resolvers/Ghost.item.[None].ts', 'Ghost.item: schema has no object type Ghost'],
    ['an unknown data source', 'resolvers/Query.other.[Elsewhere].ts', 'unknown data source Elsewhere'],
    ['a file not named Type.field.[DataSource].ts', 'resolvers/item-resolver.ts', 'must be named Type.field.[DataSource].ts'],
    ['a second resolver for one field', 'resolvers/Query.item/index.ts', 'Query.item has 2 resolvers'],
  ])('rejects %s', (_case, file, problem) => {
    write(file);
    expect(problemsOf(load).join('\n')).toContain(problem);
  });

  it('rejects a Query or Mutation field that has no resolver', () => {
    rmSync(path.join(root, 'resolvers', 'Mutation.saveItem.[None].ts'));
    expect(problemsOf(load)).toEqual(['Mutation.saveItem has no resolver']);
  });

  it('rejects a pipeline without its index.ts or functions', () => {
    write('resolvers/Mutation.other/readme.txt');
    expect(problemsOf(load)).toEqual(
      expect.arrayContaining([
        'Mutation.other/readme.txt: a pipeline function must be named <n>.<name>.[DataSource].ts',
        'Mutation.other: a pipeline needs index.ts (its request/response)',
        'Mutation.other: a pipeline needs at least one function',
      ]),
    );
  });

  it('lists every problem at once', () => {
    write('resolvers/Query.a.[None].ts');
    write('resolvers/Query.b.[None].ts');
    expect(problemsOf(load)).toHaveLength(2);
  });
});
