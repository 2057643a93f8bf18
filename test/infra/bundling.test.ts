/** How handlers are bundled: the settings NodejsFunction receives, per function and classifier. */
import { MODEL_FILES, WASM_FILES } from '../../classifier/assets';
import { bundlingOptions, EXTERNAL_MODULES, handlerEntry, LAMBDA_ALIASES } from '../../infra/bundling';
import { FUNCTION_NAMES } from '../../infra/config';
import { existsSync } from 'node:fs';

const rekognition = { classifier: 'rekognition', bundleAwsSdk: true } as const;
const local = { classifier: 'local', bundleAwsSdk: true } as const;

describe('bundlingOptions', () => {
  it.each(FUNCTION_NAMES)('%s: minified CommonJS for node24 with a source map, entry at the contract path', (name) => {
    expect(existsSync(handlerEntry(name))).toBe(true);
    expect(handlerEntry(name)).toMatch(new RegExp(`functions/${name}/handler\\.ts$`));
    expect(bundlingOptions(name, rekognition)).toMatchObject({
      minify: true,
      sourceMap: true,
      sourcesContent: false,
      target: 'node24',
      externalModules: [],
      bundleAwsSDK: true,
    });
    expect(bundlingOptions(name, rekognition).define).toBeUndefined();
  });

  it('bundles the AWS SDK unless told to take it from the runtime', () => {
    expect(bundlingOptions('request-upload')).toMatchObject({ externalModules: [], bundleAwsSDK: true });
    const runtimeSdk = bundlingOptions('request-upload', { classifier: 'rekognition', bundleAwsSdk: false });
    expect(runtimeSdk.externalModules).toEqual(EXTERNAL_MODULES);
    expect(EXTERNAL_MODULES).toEqual(['@aws-sdk/*']);
  });

  it.each(FUNCTION_NAMES)('%s: a bundled SDK takes its default credentials from the environment provider only', (name) => {
    expect(LAMBDA_ALIASES).toEqual({ '@aws-sdk/credential-provider-node': './functions/runtime/lambda-credentials.ts' });
    expect(bundlingOptions(name, rekognition).esbuildArgs).toEqual({
      '--alias': ['@aws-sdk/credential-provider-node=./functions/runtime/lambda-credentials.ts'],
    });
    // The runtime's SDK is external, so there is nothing to alias (bundling-credentials.test.ts checks the built bundles).
    expect(bundlingOptions(name, { classifier: 'rekognition', bundleAwsSdk: false }).esbuildArgs).toBeUndefined();
  });

  it('with Rekognition, ships the bundle and linux-arm64 sharp (thumbnails, HEIC/WebP conversion), and no model', () => {
    const options = bundlingOptions('image-processor', rekognition);
    expect(options.nodeModules).toEqual(['sharp']);
    expect(options.commandHooks?.beforeInstall('/repo', '/out')).toEqual([expect.stringMatching(/os=linux.*cpu=arm64/)]);
    expect(options.commandHooks?.afterBundling('/repo', '/out')).toEqual([expect.stringMatching(/^rm -f .*\.npmrc'$/)]);
  });

  it('ships nothing but the bundle with the other functions', () => {
    const options = bundlingOptions('image-reader', rekognition);
    expect(options.nodeModules).toBeUndefined();
    expect(options.commandHooks?.afterBundling('/repo', '/out')).toEqual([]);
    expect(options.commandHooks?.beforeInstall('/repo', '/out')).toEqual([]);
  });

  it('with the local model, ships weights, wasm, the worker and linux-arm64 sharp with the processor only', () => {
    const options = bundlingOptions('image-processor', local);
    // The model comes in through its own entry, which hands it to the same handler.
    expect(handlerEntry('image-processor', 'local')).toMatch(/classifier\/lambda-handler\.ts$/);
    expect(existsSync(handlerEntry('image-processor', 'local'))).toBe(true);
    expect(options.nodeModules).toEqual(['sharp']);
    expect(options.commandHooks?.beforeInstall('/repo', '/out')).toEqual([expect.stringMatching(/os=linux.*cpu=arm64/)]);
    const commands = options.commandHooks?.afterBundling('/repo', '/out').join('\n') ?? '';
    for (const file of [...MODEL_FILES, ...WASM_FILES]) expect(commands).toContain(file);
    expect(commands).toContain('model-worker');
    // Only the processor classifies: the other functions stay model-free even in a local-classifier stage.
    expect(bundlingOptions('image-reader', local).nodeModules).toBeUndefined();
    expect(handlerEntry('image-reader', 'local')).toMatch(/functions\/image-reader\/handler\.ts$/);
  });
});
