/**
 * The real model worker's failure modes: a model that cannot load, bytes that are not an image,
 * and use after close. None may crash the process or leave a caller waiting.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { sourceAssetPaths } from '../../../classifier/assets';
import { createLocalClassifier, type LocalClassifier } from '../../../classifier/index';
import { photoPath } from '../../fixtures/photos';

jest.setTimeout(120_000);

const CAT = readFileSync(photoPath('cat/gdkpixbuf-cat.jpg'));
const image = (bytes: Uint8Array) => ({ bucket: 'b', key: 'input/x.jpg', bytes });
const opened: LocalClassifier[] = [];
const open = (options: Parameters<typeof createLocalClassifier>[0] = {}): LocalClassifier => {
  const c = createLocalClassifier(options);
  opened.push(c);
  return c;
};
const modelUnavailable = expect.objectContaining({ code: 'ModelUnavailable', retryable: false });

afterEach(async () => {
  await Promise.all(opened.splice(0).map((c) => c.close()));
});

describe('local classifier lifecycle', () => {
  it('rejects every concurrent caller with ModelUnavailable when the model folder is missing', async () => {
    const classifier = open({ workers: 2, modelDir: '/nonexistent/coco-ssd' });
    const outcomes = await Promise.allSettled([1, 2, 3].map(() => classifier.detectLabels(image(CAT))));
    for (const o of outcomes) expect(o).toEqual({ status: 'rejected', reason: modelUnavailable });
    await expect(classifier.detectLabels(image(CAT))).rejects.toThrow(/could not be loaded: .*model\.json/);
  });

  it('reports a corrupt model as ModelUnavailable', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'corrupt-model-'));
    try {
      cpSync(sourceAssetPaths().modelDir, dir, { recursive: true });
      writeFileSync(join(dir, 'group1-shard3of5'), 'truncated');
      await expect(open({ modelDir: dir }).detectLabels(image(CAT))).rejects.toEqual(modelUnavailable);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('loads the model once for all concurrent callers, then answers in the DetectLabels shape', async () => {
    const classifier = open({ workers: 1 });
    const warm = [classifier.warmUp(), classifier.warmUp()];
    expect(warm[0]).toBe(warm[1]);
    // fastPath: the synchronous execute() gave the graph's own scores at start, so it is in use.
    await expect(warm[0]).resolves.toMatchObject({ backend: 'wasm', loadMs: expect.any(Number), fastPath: true });
    const [a, b] = await Promise.all([classifier.detectLabels(image(CAT)), classifier.detectLabels(image(CAT))]);
    expect(a).toEqual(b);
    expect(a.Labels?.[0]).toMatchObject({
      Name: 'Cat',
      Confidence: expect.any(Number),
      Parents: [{ Name: 'Animal' }, { Name: 'Mammal' }, { Name: 'Pet' }],
      Instances: [{ BoundingBox: { Left: expect.any(Number), Top: expect.any(Number), Width: expect.any(Number), Height: expect.any(Number) } }],
    });
    const box = a.Labels?.[0]?.Instances?.[0]?.BoundingBox;
    expect((box?.Width ?? 0) * (box?.Height ?? 0)).toBeGreaterThan(0.3); // the cat fills most of this photo
  });

  it('rejects bytes that are not an image without disturbing the model', async () => {
    const classifier = open();
    await expect(classifier.detectLabels(image(new TextEncoder().encode('GIF89a nope')))).rejects.toMatchObject({
      code: 'ClassifierRejectedImage',
      retryable: false,
    });
    await expect(classifier.detectLabels(image(new Uint8Array()))).rejects.toMatchObject({ code: 'ClassifierRejectedImage' });
    await expect(classifier.detectLabels(image(CAT))).resolves.toMatchObject({ Labels: expect.arrayContaining([expect.objectContaining({ Name: 'Cat' })]) });
  });

  it('answers for a 1x1 pixel image and for a tall sliver, with no pet in them', async () => {
    const classifier = open();
    for (const [width, height] of [[1, 1], [3, 900]] as const) {
      const png = await sharp({ create: { width, height, channels: 4, background: { r: 9, g: 9, b: 9, alpha: 0.5 } } }).png().toBuffer();
      const labels = await classifier.detectLabels(image(new Uint8Array(png)));
      expect(labels.Labels?.some((l) => l.Name === 'Cat' || l.Name === 'Dog')).toBe(false);
    }
  });

  it('rejects calls after close with ModelUnavailable', async () => {
    const classifier = open();
    await classifier.warmUp();
    await classifier.close();
    await expect(classifier.detectLabels(image(CAT))).rejects.toEqual(modelUnavailable);
  });
});
