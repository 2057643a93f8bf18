import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collectImageFiles, main } from '../../../classifier/cli';

describe('classify CLI (without the model)', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'classify-cli-'));
    const files = ['dog/b.jpeg', 'cat/z.PNG', 'cat/a.jpg', 'cat/nested/c.png', 'cat/notes.txt', 'README.md'];
    for (const file of files) {
      mkdirSync(join(root, file, '..'), { recursive: true });
      writeFileSync(join(root, file), 'not read here');
    }
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('collects the images under folders, sorted within each folder and recursively', async () => {
    await expect(collectImageFiles([root])).resolves.toEqual(
      ['cat/a.jpg', 'cat/nested/c.png', 'cat/z.PNG', 'dog/b.jpeg'].map((file) => join(root, file)),
    );
  });

  it('takes a file named directly whatever its extension', async () => {
    const readme = join(root, 'README.md');
    await expect(collectImageFiles([readme, join(root, 'dog')])).resolves.toEqual([readme, join(root, 'dog/b.jpeg')]);
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
