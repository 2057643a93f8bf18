import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { ValidationError } from '../../../functions/core/errors';
import { MAX_IMAGE_PIXELS, sniffImageFormat, validateImageBytes } from '../../../functions/core/image-validation';
import { photoPath } from '../../fixtures/photos';
import { gif, heicHeader, jpeg, png, pngBomb, svgWithScript, webp } from './support/images';

const codeOf = (bytes: Uint8Array, declared: 'image/jpeg' | 'image/png'): string => {
  try {
    validateImageBytes(bytes, declared);
  } catch (error) {
    if (error instanceof ValidationError) return error.code;
    throw error;
  }
  return 'accepted';
};

describe('image bytes validation (before any classifier call)', () => {
  it('accepts real JPEG and PNG images and reports their dimensions', async () => {
    expect(validateImageBytes(await jpeg(120, 90), 'image/jpeg')).toMatchObject({ format: 'jpg', width: 120, height: 90 });
    expect(validateImageBytes(await png(80, 10_000), 'image/png')).toMatchObject({ format: 'png', width: 80, height: 10_000 });
  });

  it('accepts a reference photo', () => {
    const photo = readFileSync(photoPath('cat/cinnamon-kitten.jpg'));
    expect(validateImageBytes(photo, 'image/jpeg').format).toBe('jpg');
  });

  it('refuses an empty file', () => {
    expect(codeOf(new Uint8Array(0), 'image/jpeg')).toBe('EmptyFile');
  });

  it('refuses a text file declared as image/jpeg', () => {
    expect(codeOf(Buffer.from('hello, I am definitely a cat photo\n'), 'image/jpeg')).toBe('NotAnImage');
  });

  it('refuses a JPEG cut short (no end-of-image marker)', async () => {
    const whole = await jpeg(200, 200);
    expect(codeOf(whole.subarray(0, Math.floor(whole.length / 2)), 'image/jpeg')).toBe('TruncatedImage');
    expect(codeOf(whole.subarray(0, whole.length - 2), 'image/jpeg')).toBe('TruncatedImage');
  });

  it('refuses a JPEG whose header itself is cut', async () => {
    const whole = await jpeg(200, 200);
    // SOI plus a few bytes, then the end marker glued on: the size header is missing.
    const cut = Buffer.concat([whole.subarray(0, 20), Buffer.from([0xff, 0xd9])]);
    expect(codeOf(cut, 'image/jpeg')).toBe('TruncatedImage');
  });

  it('refuses a PNG without its IEND chunk', async () => {
    const whole = await png(200, 200);
    expect(codeOf(whole.subarray(0, whole.length - 12), 'image/png')).toBe('TruncatedImage');
  });

  it('refuses a PNG 20,000 px wide', async () => {
    expect(codeOf(await png(20_000, 100), 'image/png')).toBe('ImageDimensionsTooLarge');
  });

  it('refuses a 10,000 x 10,000 PNG decompression bomb by its pixel count, from the header alone', async () => {
    const bomb = pngBomb(10_000, 10_000);
    expect(bomb.length).toBeLessThan(64 * 1024);
    // sharp reads the same header: the bytes really are a whole 100 MP image, not a malformed file.
    expect(await sharp(bomb, { limitInputPixels: false }).metadata()).toMatchObject({ width: 10_000, height: 10_000 });
    expect(codeOf(bomb, 'image/png')).toBe('ImageTooManyPixels');
    expect(() => validateImageBytes(bomb, 'image/png')).toThrow(/100,000,000 pixels.*50,000,000/);
  });

  it('accepts an image at the pixel cap, and refuses one pixel row over it', () => {
    // 10,000 x 5,000 is exactly the cap (the side limit still allows each side).
    expect(10_000 * 5_000).toBe(MAX_IMAGE_PIXELS);
    expect(codeOf(pngBomb(10_000, 5_000), 'image/png')).toBe('accepted');
    expect(codeOf(pngBomb(10_000, 5_001), 'image/png')).toBe('ImageTooManyPixels');
  });

  it('refuses a 40x40 image', async () => {
    expect(codeOf(await jpeg(40, 40), 'image/jpeg')).toBe('ImageTooSmall');
    expect(codeOf(await png(79, 500), 'image/png')).toBe('ImageTooSmall');
  });

  it.each([
    ['GIF', gif, 'GIF'],
    ['WebP', webp, 'WebP'],
  ])('refuses %s bytes by their magic number', async (_name, make, word) => {
    const bytes = await make();
    expect(codeOf(bytes, 'image/jpeg')).toBe('UnsupportedImageFormat');
    expect(() => validateImageBytes(bytes, 'image/jpeg')).toThrow(word);
  });

  it('refuses HEIC bytes', () => {
    expect(sniffImageFormat(heicHeader())).toBe('heic');
    expect(codeOf(heicHeader(), 'image/jpeg')).toBe('UnsupportedImageFormat');
  });

  it('refuses an SVG holding a script, and says so', () => {
    expect(codeOf(svgWithScript(), 'image/png')).toBe('UnsupportedImageFormat');
    expect(() => validateImageBytes(svgWithScript(), 'image/png')).toThrow(/SVG.*script/);
  });

  it('refuses bytes that do not match the declared content type', async () => {
    expect(codeOf(await png(), 'image/jpeg')).toBe('ContentTypeMismatch');
    expect(codeOf(await jpeg(), 'image/png')).toBe('ContentTypeMismatch');
  });

  it('refuses a file over 15 MB before parsing it', () => {
    const big = Buffer.alloc(15 * 1024 * 1024 + 1);
    big.set([0xff, 0xd8, 0xff]);
    expect(codeOf(big, 'image/jpeg')).toBe('FileTooLarge');
  });
});
