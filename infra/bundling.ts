/**
 * How each handler is bundled: one definition shared by the stack (NodejsFunction) and by
 * `npm run bench:bundles`, so the bench measures exactly what is deployed.
 */
import * as path from 'node:path';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import type { ClassifierKind, FunctionName } from './config';

export const REPO_ROOT = path.resolve(__dirname, '..');

export const handlerEntry = (name: FunctionName): string => path.join(REPO_ROOT, 'functions', name, 'handler.ts');

/** esbuild settings common to the stack and the bundle bench. */
export const ESBUILD_TARGET = 'node22';

/**
 * The AWS SDK v3 comes from the nodejs22.x runtime, as NodejsFunction does by default: bundled, the SDK
 * clients alone add 350-500 KB per function (measured: 570-730 KB bundles instead of 200-230 KB), over the
 * 250 KB budget. Everything else (Powertools, zod, @smithy signing, the core) is bundled at the versions the
 * tests ran against. `npm run bench:bundles` measures both size and whole-process load time.
 */
export const EXTERNAL_MODULES: string[] = ['@aws-sdk/*'];

/**
 * Files the local classifier reads at run time (wasm binaries, model weights). They are copied next to the
 * bundle only when CLASSIFIER=local; with Rekognition the bundle leaves classifier/ out altogether.
 */
export interface RuntimeAsset {
  /** Absolute path of a file or directory on this machine. */
  source: string;
  /** Path relative to the bundle's root (the Lambda task root). */
  target: string;
}

export const bundlingOptions = (
  name: FunctionName,
  classifier: ClassifierKind,
  localAssets: () => RuntimeAsset[] = localClassifierAssets,
): nodejs.BundlingOptions => {
  const shipsModel = name === 'image-processor' && classifier === 'local';
  const assets = shipsModel ? localAssets() : [];
  return {
    minify: true,
    sourceMap: true,
    sourceMapMode: nodejs.SourceMapMode.DEFAULT,
    // The map's sourcesContent would double the upload without helping stack traces.
    sourcesContent: false,
    target: ESBUILD_TARGET,
    format: nodejs.OutputFormat.CJS,
    // ESM entry points first: esbuild tree-shakes them far better than the CommonJS builds.
    mainFields: ['module', 'main'],
    externalModules: EXTERNAL_MODULES,
    // The classifier is loaded by a dynamic import in functions/adapters/classifier-factory.ts; replacing the
    // CLASSIFIER check by a constant lets esbuild drop that import (and the model code) from Rekognition bundles.
    define: { 'process.env.PET_DETECTOR_BUNDLED_CLASSIFIER': JSON.stringify(shipsModel ? 'local' : 'rekognition') },
    logLevel: nodejs.LogLevel.WARNING,
    commandHooks: {
      beforeBundling: () => [],
      beforeInstall: () => [],
      afterBundling: (_inputDir: string, outputDir: string) =>
        assets.map((asset) => {
          const target = path.join(outputDir, asset.target);
          return `mkdir -p "${path.dirname(target)}" && cp -R "${asset.source}" "${target}"`;
        }),
    },
  };
};

/** Filled in from classifier/assets.ts (owned by the classifier engineer). */
export const localClassifierAssets = (): RuntimeAsset[] => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const assets = require('../classifier/assets') as { LAMBDA_RUNTIME_ASSETS?: RuntimeAsset[] };
  if (!assets.LAMBDA_RUNTIME_ASSETS) throw new Error('classifier/assets.ts does not export LAMBDA_RUNTIME_ASSETS');
  return assets.LAMBDA_RUNTIME_ASSETS;
};

export const LAMBDA_RUNTIME = lambda.Runtime.NODEJS_22_X;
