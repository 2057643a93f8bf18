/** What esbuild hands to AppSync: one ESM file per resolver, under 32 KB, importing nothing but @aws-appsync/utils. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { APPSYNC_CODE_LIMIT_BYTES, BundleTooLargeError, buildResolvers } from '../../../appsync/build-resolvers';
import { buildResolversForTest, type BuiltResolvers } from './build-fixture';

let built: BuiltResolvers;

beforeAll(async () => {
  built = await buildResolversForTest();
});

afterAll(() => built.remove());

describe('resolver bundles', () => {
  it('builds one bundle per resolver, named after its source file', () => {
    expect(built.reports.map((r) => path.basename(r.bundlePath)).sort()).toEqual([
      'Mutation.publishImageClassified.[None].js',
      'Mutation.requestUpload.[RequestUpload].js',
      'Query.image.[DetectionLogs].js',
      'Query.imageStats.[ImageReader].js',
      'Query.imageUrls.[ImageReader].js',
      'Query.images.[ImageReader].js',
      'Subscription.onImageClassified.[None].js',
    ]);
  });

  it('keeps every bundle under AppSync’s 32 KB code limit', () => {
    for (const report of built.reports) {
      expect(report.bytes).toBe(readFileSync(report.bundlePath).length);
      expect(report.bytes).toBeLessThan(APPSYNC_CODE_LIMIT_BYTES);
    }
  });

  it('imports only @aws-appsync/utils, which AppSync provides, and exports request and response', () => {
    for (const report of built.reports) {
      const code = readFileSync(report.bundlePath, 'utf8');
      const imports = [...code.matchAll(/^import .* from "([^"]+)";$/gm)].map((m) => m[1]);
      expect(imports.every((name) => name === '@aws-appsync/utils')).toBe(true);
      expect(code).not.toMatch(/\brequire\(/);
      expect(code).toMatch(/export \{[^}]*\brequest\b[^}]*\bresponse\b[^}]*\}/s);
    }
  });

  it('inlines the shared record mapping into the image resolver', () => {
    const code = readFileSync(built.spec('Query.image').bundlePath, 'utf8');
    expect(code).toContain('var itemToImage');
  });

  it('contains only sources that eslint checks with the AppSync rules (no async, try, classes ...)', () => {
    const inputs = [...new Set(built.reports.flatMap((r) => r.inputs))].map((file) => path.relative(process.cwd(), file));
    expect(inputs).toEqual(expect.arrayContaining(['functions/core/record-mapping.ts']));
    // ESLint's config loader needs real ESM, which jest's CommonJS sandbox lacks: ask a plain node process.
    const script = `import { ESLint } from 'eslint';
      const eslint = new ESLint();
      const out = {};
      for (const file of process.argv.slice(1)) out[file] = (await eslint.calculateConfigForFile(file)).rules['@aws-appsync/no-async'];
      console.log(JSON.stringify(out));`;
    const severities = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script, ...inputs], { encoding: 'utf8' })) as Record<string, unknown>;
    const unlinted = inputs.filter((file) => JSON.stringify(severities[file]) !== '[2]');
    expect(unlinted).toEqual([]);
  });

  it('fails the build when a bundle reaches the limit', async () => {
    const build = buildResolvers({ specs: built.specs, limitBytes: 600 });
    await expect(build).rejects.toBeInstanceOf(BundleTooLargeError);
    await expect(build).rejects.toThrow(/Query\.image\.\[DetectionLogs\]\.js is \d+/);
  });
});
