/**
 * Fails when graphql/types.ts no longer matches schema.graphql.
 * Runs codegen into memory through its programmatic API and compares, so the tree is never touched.
 */
import { readFile } from 'node:fs/promises';
import { generate, loadCodegenConfig } from '@graphql-codegen/cli';

const TARGET = 'graphql/types.ts';

const main = async (): Promise<void> => {
  const { config } = await loadCodegenConfig({ configFilePath: 'codegen.yml' });
  const outputs = await generate({ ...config, cwd: process.cwd(), silent: true }, false);
  const fresh = outputs.find((o: { filename: string; content: string }) => o.filename.endsWith(TARGET));
  if (!fresh) throw new Error(`codegen produced no ${TARGET}`);
  const committed = await readFile(TARGET, 'utf8').catch(() => '');
  if (committed !== fresh.content) {
    console.error(`${TARGET} is stale: run \`npm run codegen\` and commit the result.`);
    process.exit(1);
  }
  console.log(`${TARGET} is up to date with schema.graphql`);
};

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
