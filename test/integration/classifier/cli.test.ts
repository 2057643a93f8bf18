/**
 * `npx pet-detector classify` end to end: the bin dispatcher, the real model, both output modes.
 */
import { spawnSync } from 'node:child_process';
import { collectImageFiles } from '../../../classifier/cli';
import { PHOTOS_DIR } from '../../fixtures/photos';

jest.setTimeout(180_000);

const DATASET = PHOTOS_DIR;
const classify = (...args: string[]) =>
  spawnSync(process.execPath, ['bin/pet-detector.mjs', 'classify', ...args], { encoding: 'utf8', timeout: 170_000 });

describe('pet-detector classify', () => {
  it('--json prints one JSON array with one entry per file and nothing else on stdout', () => {
    const run = classify('--json', '--workers', '1', `${DATASET}/cat/skimage-chelsea.png`, `${DATASET}/other/plasma-Owl.png`);
    expect(run.status).toBe(0);
    const results = JSON.parse(run.stdout) as Array<Record<string, unknown>>;
    expect(results).toEqual([
      {
        file: `${DATASET}/cat/skimage-chelsea.png`,
        animal: 'CAT',
        confidence: expect.any(Number),
        uncertain: false,
        labels: expect.arrayContaining([expect.objectContaining({ name: 'Cat', confidence: expect.any(Number) })]),
        ms: expect.any(Number),
      },
      expect.objectContaining({ file: `${DATASET}/other/plasma-Owl.png`, animal: 'OTHER', uncertain: false }),
    ]);
  });

  it('prints each file and, for folders named like the animals, a confusion matrix and accuracy', async () => {
    const dogs = (await collectImageFiles([`${DATASET}/dog`])).length;
    const run = classify(`${DATASET}/dog`);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/dog\/plasma-dog\.png\n {2}DOG \d+\.\d% +ok {2}\[Dog \d+\.\d, .*\] {2}\d+ ms/);
    expect(run.stdout).toMatch(new RegExp(`DOG +0 +${dogs} +0`));
    expect(run.stdout).toContain(`accuracy ${dogs}/${dogs} = 100.0%, cat<->dog swaps: 0`);
  });

  it('exits 1 and says why when a file is not an image', () => {
    const run = classify(`${DATASET}/README.md`);
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/FAILED ClassifierRejectedImage/);
  });
});
