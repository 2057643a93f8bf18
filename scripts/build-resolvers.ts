/** `npm run build:resolvers`: bundle every resolver to dist/resolvers and print the sizes. */
import path from 'node:path';
import { APPSYNC_CODE_LIMIT_BYTES, buildResolvers } from '../appsync/build-resolvers';

const main = async (): Promise<number> => {
  try {
    const reports = await buildResolvers();
    const width = Math.max(...reports.map((r) => path.relative(process.cwd(), r.bundlePath).length));
    for (const r of reports) {
      const percent = ((r.bytes / APPSYNC_CODE_LIMIT_BYTES) * 100).toFixed(1);
      console.log(`${path.relative(process.cwd(), r.bundlePath).padEnd(width)}  ${String(r.bytes).padStart(6)} B  (${percent}% of 32 KB)`);
    }
    console.log(`${reports.length} resolver bundles built`);
    return 0;
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    return 1;
  }
};

void main().then((code) => {
  process.exitCode = code;
});
