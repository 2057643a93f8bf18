/**
 * `npm run bench:bundles`: each Lambda bundle exactly as the stack deploys it (a dev-stage synthesis, so
 * NodejsFunction and esbuild run with the stack's own settings), its minified size, and how long a fresh
 * Node process takes to load it: the init work a cold start pays before the first event.
 *
 * Load time = wall time of `node -e "require(bundle)"` minus wall time of `node -e ""`, medians of N fresh
 * processes, with the function's deployed environment (NODE_OPTIONS=--enable-source-maps included) and
 * NODE_PATH pointing at this repository's node_modules (used only with --runtime-sdk, for the SDK, as
 * Lambda points NODE_PATH at the runtime's copy). Targets: <= 250 KB and <= 120 ms per function; the local model's weights are excepted.
 *
 *   npm run bench:bundles                # Rekognition bundles (the processor's linux-arm64 sharp needs the npm registry)
 *   npm run bench:bundles -- --local     # also the CLASSIFIER=local processor
 *
 * The processor ships sharp's linux-arm64 binaries next to its bundle (thumbnails, HEIC/WebP conversion).
 * They are counted under "other files"; on a machine that is not linux-arm64 they cannot load, so its
 * bundle is loaded from a copy without them and takes this machine's sharp through NODE_PATH instead.
 *   npm run bench:bundles -- --runtime-sdk # the -c bundleAwsSdk=false variant: @aws-sdk/* from the runtime
 *   npm run bench:bundles -- --runs 21
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Asset } from 'aws-cdk-lib/aws-s3-assets';
import type { CfnElement } from 'aws-cdk-lib';
import { ESBUILD_TARGET, REPO_ROOT } from '../infra/bundling';
import { FUNCTION_NAMES, type FunctionName, type StageOverrides } from '../infra/config';
import { createApp } from '../infra/create-app';
import type { PetDetectorStack } from '../infra/stack';

const SIZE_BUDGET_BYTES = 250 * 1024;
const LOAD_BUDGET_MS = 120;

interface Measured {
  name: string;
  bundleBytes: number;
  mapBytes: number;
  extraBytes: number;
  loadMs: number;
  loadCpuMs: number;
  requireMs: number;
}

const args = process.argv.slice(2);
const runs = Number(args[args.indexOf('--runs') + 1]) || 11;
const withLocal = args.includes('--local');
const runtimeSdk = args.includes('--runtime-sdk');

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
};

/** Bytes of everything in the asset except the bundle, its map and the model files. */
const extraBytes = (dir: string): number => {
  let total = 0;
  const walk = (d: string, top: boolean) => {
    for (const entry of readdirSync(d)) {
      if (top && ['index.js', 'index.js.map', 'local-classifier'].includes(entry)) continue;
      const full = path.join(d, entry);
      const stat = statSync(full);
      if (stat.isDirectory()) walk(full, false);
      else total += stat.size;
    }
  };
  walk(dir, true);
  return total;
};

type Template = { Resources: Record<string, { Properties: { Environment?: { Variables: Record<string, unknown> } } }> };

/** Environment variable values from the template, with CloudFormation references made concrete. */
const deployedEnvironment = (template: Template, fnName: FunctionName, functionLogicalId: string): Record<string, string> => {
  const vars = template.Resources[functionLogicalId]?.Properties.Environment?.Variables ?? {};
  return Object.fromEntries(
    Object.entries(vars).map(([key, value]) => [
      key,
      typeof value === 'string'
        ? value
        : key === 'GRAPHQL_URL'
          ? 'https://example.appsync-api.us-east-1.amazonaws.com/graphql'
          : `bench-${fnName}-${key.toLowerCase()}`,
    ]),
  );
};

const timeProcess = (script: string, env: NodeJS.ProcessEnv): { wallMs: number; stdout: string } => {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, ['-e', script], { env, encoding: 'utf8' });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) throw new Error(`node exited ${result.status}: ${result.stderr.slice(0, 2000)}`);
  return { wallMs, stdout: result.stdout };
};

/** The folder to load the bundle from: the asset itself, or a copy without foreign native modules. */
const loadableDir = (dir: string): string => {
  if (process.arch === 'arm64' || !readdirSync(dir).includes('node_modules')) return dir;
  // Inside the synthesis folder, which main() removes.
  const copy = mkdtempSync(path.join(path.dirname(dir), 'loadable-'));
  for (const file of ['index.js', 'index.js.map']) copyFileSync(path.join(dir, file), path.join(copy, file));
  return copy;
};

const measure = (name: string, assetDir: string, env: Record<string, string>): Measured => {
  const dir = loadableDir(assetDir);
  const bundle = path.join(dir, 'index.js');
  const processEnv: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    ...env,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    LAMBDA_TASK_ROOT: dir,
    NODE_PATH: path.join(REPO_ROOT, 'node_modules'),
  };
  // Each child reports its in-process require() time and its whole-process CPU time (user + system).
  const report = `const u=process.cpuUsage();process.stdout.write(JSON.stringify({cpu:(u.user+u.system)/1e3,req:typeof r==='number'?r:0}))`;
  const loadScript = `const t=process.hrtime.bigint();require(${JSON.stringify(bundle)});const r=Number(process.hrtime.bigint()-t)/1e6;${report}`;
  const emptyScript = `const r=0;${report}`;
  // One warm-up each, so the file system cache is equally warm for both.
  timeProcess(emptyScript, processEnv);
  timeProcess(loadScript, processEnv);
  const baseline: Array<{ wall: number; cpu: number }> = [];
  const loaded: Array<{ wall: number; cpu: number; req: number }> = [];
  for (let i = 0; i < runs; i++) {
    const empty = timeProcess(emptyScript, processEnv);
    baseline.push({ wall: empty.wallMs, cpu: (JSON.parse(empty.stdout) as { cpu: number }).cpu });
    const run = timeProcess(loadScript, processEnv);
    const child = JSON.parse(run.stdout) as { cpu: number; req: number };
    loaded.push({ wall: run.wallMs, cpu: child.cpu, req: child.req });
  }
  return {
    name,
    bundleBytes: statSync(bundle).size,
    mapBytes: statSync(`${bundle}.map`).size,
    extraBytes: extraBytes(assetDir),
    loadMs: Math.max(0, median(loaded.map((l) => l.wall)) - median(baseline.map((b) => b.wall))),
    loadCpuMs: Math.max(0, median(loaded.map((l) => l.cpu)) - median(baseline.map((b) => b.cpu))),
    requireMs: median(loaded.map((l) => l.req)),
  };
};

const synthesize = (stage: StageOverrides, outdir: string) => {
  const { app, stacks } = createApp({ stages: [stage], resolvers: [], nag: false, appProps: { outdir } });
  const stack = stacks[0] as PetDetectorStack;
  const template = app.synth().getStackByName(stack.stackName).template as Template;
  return { stack, template, outdir: app.outdir };
};

const main = (): number => {
  const outdir = mkdtempSync(path.join(tmpdir(), 'pet-detector-bundles-'));
  const results: Measured[] = [];
  const sdkChoice: Partial<StageOverrides> = runtimeSdk ? { bundleAwsSdk: 'false' } : {};
  try {
    const variants: Array<{ label: string; stage: StageOverrides; names: readonly FunctionName[] }> = [
      { label: '', stage: { stage: 'dev', ...sdkChoice }, names: FUNCTION_NAMES },
      ...(withLocal
        ? [{ label: ' (CLASSIFIER=local)', stage: { stage: 'dev', classifier: 'local', ...sdkChoice } as StageOverrides, names: ['image-processor'] as const }]
        : []),
    ];
    for (const variant of variants) {
      const { stack, template, outdir: assembly } = synthesize(variant.stage, path.join(outdir, variant.label ? 'local' : 'rekognition'));
      for (const name of variant.names) {
        const observed = stack.functions[name];
        const asset = observed.fn.node.findChild('Code') as Asset;
        const logicalId = stack.getLogicalId(observed.fn.node.defaultChild as CfnElement);
        results.push(measure(`${name}${variant.label}`, path.join(assembly, asset.assetPath), deployedEnvironment(template, name, logicalId)));
      }
    }
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }

  const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
  console.log(`Lambda bundles (esbuild via NodejsFunction: minified, CJS, ${ESBUILD_TARGET}, ${runtimeSdk ? '@aws-sdk/* from the runtime' : 'AWS SDK bundled'}); load = median of ${runs} fresh processes minus an empty one (wall clock; CPU = user+system)\n`);
  console.log(
    ['function'.padEnd(36), 'bundle'.padStart(10), 'map'.padStart(10), 'other files'.padStart(12), 'load'.padStart(8), 'load CPU'.padStart(9), 'require()'.padStart(10), '  budget'].join(' '),
  );
  let failed = false;
  for (const r of results) {
    const ok = r.bundleBytes <= SIZE_BUDGET_BYTES && r.loadMs <= LOAD_BUDGET_MS;
    failed ||= !ok;
    console.log(
      [
        r.name.padEnd(36),
        kb(r.bundleBytes).padStart(10),
        kb(r.mapBytes).padStart(10),
        kb(r.extraBytes).padStart(12),
        `${r.loadMs.toFixed(0)} ms`.padStart(8),
        `${r.loadCpuMs.toFixed(0)} ms`.padStart(9),
        `${r.requireMs.toFixed(0)} ms`.padStart(10),
        ok ? '  ok' : '  OVER',
      ].join(' '),
    );
  }
  console.log(`\nbudget: bundle <= ${kb(SIZE_BUDGET_BYTES)}, load <= ${LOAD_BUDGET_MS} ms ; "other files" = what npm installs next to the bundle (sharp), excepted like the local-classifier/ folder (weights, wasm, worker), which is not counted`);
  console.log(`machine: ${process.platform}/${process.arch}, ${cpus().length} cores, node ${process.version}, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  return failed ? 1 : 0;
};

process.exitCode = main();
