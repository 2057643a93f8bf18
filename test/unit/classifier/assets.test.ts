import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  BUNDLED_ASSETS_DIR,
  bundledAssetPaths,
  defaultAssetPaths,
  lambdaBundlingCommands,
  MODEL_FILES,
  sourceAssetPaths,
  WASM_FILES,
} from '../../../classifier/assets';

describe('classifier assets', () => {
  it('finds the worker, every model file and the wasm binaries in this repository', () => {
    const paths = sourceAssetPaths();
    expect(existsSync(paths.workerScript)).toBe(true);
    for (const f of MODEL_FILES) expect(existsSync(join(paths.modelDir, f))).toBe(true);
    for (const f of WASM_FILES) expect(existsSync(join(paths.wasmDir, f))).toBe(true);
  });

  it('uses the repository copy unless the Lambda bundle carries one', () => {
    expect(defaultAssetPaths({})).toEqual(sourceAssetPaths());
    expect(defaultAssetPaths({ LAMBDA_TASK_ROOT: '/nowhere' })).toEqual(sourceAssetPaths());
  });

  it('lays a bundle out under one folder', () => {
    expect(bundledAssetPaths('/var/task')).toEqual({
      workerScript: `/var/task/${BUNDLED_ASSETS_DIR}/model-worker.cjs`,
      modelDir: `/var/task/${BUNDLED_ASSETS_DIR}/model`,
      wasmDir: `/var/task/${BUNDLED_ASSETS_DIR}/wasm`,
    });
  });

  it('gives bundling commands that copy every asset and bundle the worker, quoting paths', () => {
    const commands = lambdaBundlingCommands('/src/my app', '/out');
    expect(commands[0]).toBe(`mkdir -p '/out/${BUNDLED_ASSETS_DIR}/model' '/out/${BUNDLED_ASSETS_DIR}/wasm'`);
    expect(commands.filter((c) => c.startsWith('cp '))).toHaveLength(MODEL_FILES.length + WASM_FILES.length);
    expect(commands.at(-1)).toMatch(/^'\/src\/my app\/node_modules\/.bin\/esbuild' '\/src\/my app\/classifier\/model-worker.mjs' --bundle .*--format=cjs/);
  });
});
