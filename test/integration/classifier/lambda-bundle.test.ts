/**
 * The Lambda packaging recipe works: the commands infra runs after bundling produce a folder that
 * classifies on its own, with no node_modules anywhere above it.
 */
import { execSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { bundledAssetPaths, defaultAssetPaths, lambdaBundlingCommands } from '../../../classifier/assets';
import { createLocalClassifier } from '../../../classifier/index';
import { photoPath } from '../../fixtures/photos';

jest.setTimeout(180_000);

describe('local classifier in a Lambda bundle', () => {
  const outputDir = mkdtempSync(join(tmpdir(), 'lambda-bundle-'));
  afterAll(() => rmSync(outputDir, { recursive: true, force: true }));

  it('is assembled by the bundling commands and classifies from there', async () => {
    for (const command of lambdaBundlingCommands(resolve('.'), outputDir)) execSync(command, { stdio: 'pipe' });
    const paths = bundledAssetPaths(outputDir);
    expect(statSync(paths.workerScript).size).toBeGreaterThan(100_000); // tfjs is inside, not required
    expect(existsSync(join(outputDir, 'node_modules'))).toBe(false);
    expect(defaultAssetPaths({ LAMBDA_TASK_ROOT: outputDir })).toEqual(paths);

    const classifier = createLocalClassifier(paths);
    try {
      const bytes = readFileSync(photoPath('dog/plasma-dog.png'));
      const labels = await classifier.detectLabels({ bucket: 'b', key: 'input/dog.png', bytes });
      expect(labels.Labels?.[0]).toMatchObject({ Name: 'Dog', Confidence: expect.any(Number) });
    } finally {
      await classifier.close();
    }
  });
});
