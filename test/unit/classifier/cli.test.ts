import { collectImageFiles, main } from '../../../classifier/cli';

const DATASET = '../shared/datasets/pets';

describe('classify CLI (without the model)', () => {
  it('collects the images under folders, in order, and files named directly', async () => {
    const files = await collectImageFiles([DATASET]);
    expect(files).toHaveLength(43);
    expect(files[0]).toBe(`${DATASET}/cat/cinnamon-kitten.jpg`);
    expect(files.filter((f) => f.includes('/dog/'))).toHaveLength(6);
    expect(files.some((f) => f.endsWith('README.md'))).toBe(false);
    await expect(collectImageFiles([`${DATASET}/README.md`])).resolves.toEqual([`${DATASET}/README.md`]);
  });

  it('answers a usage error with exit code 2', async () => {
    const errors: string[] = [];
    const spy = jest.spyOn(console, 'error').mockImplementation((m: string) => void errors.push(m));
    try {
      await expect(main([])).resolves.toBe(2);
      await expect(main(['--workers', 'zero', 'x.jpg'])).resolves.toBe(2);
      await expect(main(['--frobnicate', 'x.jpg'])).resolves.toBe(2);
      await expect(main(['/no/such/folder'])).resolves.toBe(2);
      expect(errors.join('\n')).toMatch(/usage: pet-detector classify/);
    } finally {
      spy.mockRestore();
    }
  });
});
