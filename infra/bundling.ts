/**
 * How each handler is bundled by NodejsFunction. `npm run bench:bundles` synthesizes the stack and measures
 * the resulting assets, so it measures exactly what is deployed.
 */
import * as path from 'node:path';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import { lambdaBundlingCommands } from '../classifier/assets';
import type { ClassifierKind, FunctionName } from './config';

export const REPO_ROOT = path.resolve(__dirname, '..');

/**
 * Each function's entry file. A local-classifier stage's processor enters through classifier/lambda-handler.ts,
 * the same handler given the local model; every other bundle starts in functions/ and so never reaches classifier/.
 */
export const handlerEntry = (name: FunctionName, classifier: ClassifierKind = 'rekognition'): string =>
  name === 'image-processor' && classifier === 'local'
    ? path.join(REPO_ROOT, 'classifier', 'lambda-handler.ts')
    : path.join(REPO_ROOT, 'functions', name, 'handler.ts');

/** The functions' Lambda runtime, the current LTS (AWS supports nodejs24.x until 2028-04-30). */
export const LAMBDA_RUNTIME = lambda.Runtime.NODEJS_24_X;

/** The Lambda runtime's Node major: esbuild may emit everything it supports. */
export const ESBUILD_TARGET = 'node24';

/**
 * The AWS SDK v3 is bundled by default: the functions then run exactly the SDK versions in package-lock.json
 * that the tests ran against (the runtime's copy is whatever Lambda ships, and not every @aws-sdk package
 * these functions import is documented to be in it), and a cold start parses one file instead of hundreds
 * of CommonJS modules: measured 15-50% less load time, depending on the machine's load. The price is size:
 * 384-617 KB bundles (with LAMBDA_ALIASES below; 514-726 KB without) instead of 204-230 KB, over the 250 KB
 * budget; what remains is the SDK the functions call and the X-Ray SDK behind the Powertools Tracer
 * (docs/BENCHMARKS.md, Bundles). -c bundleAwsSdk=false takes the SDK from the runtime instead (what
 * NodejsFunction does by default). `npm run bench:bundles [-- --runtime-sdk]` measures either choice.
 */
export const EXTERNAL_MODULES: string[] = ['@aws-sdk/*'];

/**
 * esbuild aliases for the Lambda bundles only (the local stack runs the handlers unbundled and keeps the
 * SDK's own modules). The SDK clients' default credentials, and fromNodeProviderChain, come from
 * @aws-sdk/credential-provider-node: a chain of SSO, ini-file, credential_process, web-identity, container
 * and instance-metadata providers plus the STS/SSO clients they call, 110-130 KB of every bundle. In
 * Lambda only its first link ever answers, because Lambda hands the function its role's credentials in
 * AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN; functions/runtime/lambda-credentials.ts is
 * that link alone. Paths are relative to the project root, esbuild's working directory.
 * Only with the SDK bundled: with -c bundleAwsSdk=false every @aws-sdk/* import stays external anyway.
 */
export const LAMBDA_ALIASES: Readonly<Record<string, string>> = {
  '@aws-sdk/credential-provider-node': './functions/runtime/lambda-credentials.ts',
};

export interface BundlingChoices {
  classifier: ClassifierKind;
  bundleAwsSdk: boolean;
}

export const bundlingOptions = (
  name: FunctionName,
  { classifier, bundleAwsSdk }: BundlingChoices = { classifier: 'rekognition', bundleAwsSdk: true },
): nodejs.BundlingOptions => {
  const shipsModel = name === 'image-processor' && classifier === 'local';
  // The processor makes thumbnails and converts HEIC/WebP with sharp, whatever its classifier.
  const shipsSharp = name === 'image-processor';
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
    externalModules: bundleAwsSdk ? [] : EXTERNAL_MODULES,
    ...(bundleAwsSdk
      ? { bundleAwsSDK: true, esbuildArgs: { '--alias': Object.entries(LAMBDA_ALIASES).map(([from, to]) => `${from}=${to}`) } }
      : {}),
    logLevel: nodejs.LogLevel.WARNING,
    // sharp loads native libvips binaries, so it is installed next to the bundle instead of bundled.
    // (libheif-js, the HEIC decoder, is wasm inlined in JavaScript and bundles like any module.)
    ...(shipsSharp ? { nodeModules: ['sharp'] } : {}),
    commandHooks: {
      beforeBundling: () => [],
      // npm installs the binaries of the machine it runs on unless told the target's: Lambda is linux/arm64.
      beforeInstall: (_inputDir: string, outputDir: string) =>
        shipsSharp ? [`printf 'os=linux\\ncpu=arm64\\nlibc=glibc\\n' > '${outputDir}/.npmrc'`] : [],
      // The model weights, the wasm binaries and the model worker (classifier/assets.ts says which and where).
      afterBundling: (inputDir: string, outputDir: string) => [
        ...(shipsModel ? lambdaBundlingCommands(inputDir, outputDir) : []),
        ...(shipsSharp ? [`rm -f '${outputDir}/.npmrc'`] : []),
      ],
    },
  };
};
