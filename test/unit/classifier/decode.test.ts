import sharp, { type Sharp } from 'sharp';
import { decodeImage, MAX_SIDE, zoomOutView } from '../../../classifier/decode';
import { pngBomb } from '../core/support/images';

const solid = (width: number, height: number, channels: 3 | 4, colour: number[]) =>
  sharp({ create: { width, height, channels, background: { r: colour[0] ?? 0, g: colour[1] ?? 0, b: colour[2] ?? 0, alpha: colour[3] ?? 1 } } });
const bytes = async (image: Sharp) => new Uint8Array(await image.toBuffer());
const pixel = (img: { pixels: Uint8Array; width: number }, x: number, y: number) =>
  Array.from(img.pixels.subarray((y * img.width + x) * 3, (y * img.width + x) * 3 + 3));

describe('decodeImage', () => {
  it('returns tightly packed RGB with the image size', async () => {
    const img = await decodeImage(await bytes(solid(30, 20, 3, [10, 200, 30]).png()));
    expect(img).toMatchObject({ width: 30, height: 20 });
    expect(img.pixels).toHaveLength(30 * 20 * 3);
    expect(pixel(img, 5, 5)).toEqual([10, 200, 30]);
  });

  it('turns the image upright by its EXIF orientation', async () => {
    // Orientation 6: stored landscape, shown rotated 90 degrees clockwise.
    const img = await decodeImage(await bytes(solid(40, 20, 3, [0, 0, 0]).jpeg().withMetadata({ orientation: 6 })));
    expect(img).toMatchObject({ width: 20, height: 40 });
  });

  it('flattens transparency onto white rather than exposing hidden colour', async () => {
    const img = await decodeImage(await bytes(solid(8, 8, 4, [255, 0, 0, 0]).png()));
    expect(pixel(img, 3, 3)).toEqual([255, 255, 255]);
  });

  it('converts greyscale to three channels', async () => {
    const grey = await bytes(solid(8, 8, 3, [90, 90, 90]).toColourspace('b-w').png());
    expect((await sharp(grey).metadata()).channels).toBe(1);
    const img = await decodeImage(grey);
    expect(img.pixels).toHaveLength(8 * 8 * 3);
    expect(pixel(img, 1, 1)).toEqual([90, 90, 90]);
  });

  it('shrinks the longest side to MAX_SIDE and never enlarges', async () => {
    await expect(decodeImage(await bytes(solid(1000, 500, 3, [1, 2, 3]).jpeg()))).resolves.toMatchObject({ width: MAX_SIDE, height: 320 });
    await expect(decodeImage(await bytes(solid(96, 96, 3, [1, 2, 3]).jpeg()))).resolves.toMatchObject({ width: 96, height: 96 });
  });

  it('rejects bytes that are not an image as ClassifierRejectedImage, not retryable', async () => {
    await expect(decodeImage(new TextEncoder().encode('definitely not a photo'))).rejects.toMatchObject({
      code: 'ClassifierRejectedImage',
      retryable: false,
    });
  });

  it('refuses a decompression bomb (more pixels than MAX_IMAGE_PIXELS) before decoding it', async () => {
    await expect(decodeImage(pngBomb(10_000, 10_000))).rejects.toMatchObject({
      code: 'ClassifierRejectedImage',
      message: expect.stringMatching(/pixel limit/i),
    });
  });
});

describe('zoomOutView', () => {
  it('adds a mirrored border of a quarter of each side', async () => {
    const left = await sharp({ create: { width: 40, height: 20, channels: 3, background: '#ff0000' } })
      .extend({ right: 40, background: '#0000ff' })
      .raw()
      .toBuffer();
    const view = await zoomOutView({ pixels: new Uint8Array(left), width: 80, height: 20 });
    expect(view).toMatchObject({ padX: 0.25, padY: 0.25, image: { width: 120, height: 30 } });
    // Mirrored: the left border repeats the red left edge, the right border the blue right edge.
    expect(pixel(view.image, 0, 15)).toEqual([255, 0, 0]);
    expect(pixel(view.image, 119, 15)).toEqual([0, 0, 255]);
  });
});
