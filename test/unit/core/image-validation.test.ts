import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { join } from 'node:path';
import type { AcceptedContentType } from '../../../functions/core/domain';
import { ValidationError } from '../../../functions/core/errors';
import { MAX_HEIF_PIXELS, MAX_IMAGE_PIXELS, sniffImageFormat, validateImageBytes } from '../../../functions/core/image-validation';
import { photoPath } from '../../fixtures/photos';
import { gif, heicHeader, jpeg, png, pngBomb, svgWithScript, webp } from './support/images';
import { mediaFixture, withDeclaredSize } from './support/media-fixtures';

const codeOf = (bytes: Uint8Array, declared: AcceptedContentType): string => {
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

  it('refuses a HEIC declaring more than the HEIC pixel cap from its header, where a PNG of that size passes', () => {
    const heic = withDeclaredSize(mediaFixture('dog.heic'), 6_000, 5_000);
    expect(6_000 * 5_000).toBeGreaterThan(MAX_HEIF_PIXELS);
    expect(codeOf(heic, 'image/heic')).toBe('ImageTooManyPixels');
    expect(() => validateImageBytes(heic, 'image/heic')).toThrow(/HEIC\/HEIF image is 6000x5000 px.*limit for HEIC\/HEIF is 25,000,000 pixels/);
    expect(codeOf(pngBomb(6_000, 5_000), 'image/png')).toBe('accepted');
  });

  it("accepts a HEIC of an iPhone's default 24 MP (5712 x 4284)", () => {
    expect(validateImageBytes(withDeclaredSize(mediaFixture('dog.heic'), 5_712, 4_284), 'image/heic')).toMatchObject({ width: 5_712, height: 4_284 });
  });

  it('refuses a 40x40 image', async () => {
    expect(codeOf(await jpeg(40, 40), 'image/jpeg')).toBe('ImageTooSmall');
    expect(codeOf(await png(79, 500), 'image/png')).toBe('ImageTooSmall');
  });

  it('refuses GIF bytes by their magic number', async () => {
    const bytes = await gif();
    expect(codeOf(bytes, 'image/jpeg')).toBe('UnsupportedImageFormat');
    expect(() => validateImageBytes(bytes, 'image/jpeg')).toThrow('GIF');
  });

  it('refuses WebP or HEIC bytes declared as a JPEG', async () => {
    expect(sniffImageFormat(heicHeader())).toBe('heic');
    expect(codeOf(heicHeader(), 'image/jpeg')).toBe('ContentTypeMismatch');
    const webpBytes = await webp();
    expect(codeOf(webpBytes, 'image/jpeg')).toBe('ContentTypeMismatch');
    expect(() => validateImageBytes(webpBytes, 'image/png')).toThrow('The file is a WebP but was declared as image/png');
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

  describe('HEIC/HEIF and WebP', () => {
    const fixture = (name: string): Buffer => readFileSync(join(__dirname, '../../fixtures/media', name));
    /** dog.heic with its ftyp major brand replaced. */
    const withBrand = (brand: string): Buffer => {
      const bytes = Buffer.from(fixture('dog.heic'));
      bytes.write(brand, 8, 'latin1');
      return bytes;
    };

    it('accepts a HEIC declared as image/heic or image/heif, and keeps the declared format', () => {
      expect(validateImageBytes(fixture('dog.heic'), 'image/heic')).toMatchObject({ format: 'heic', width: 512, height: 512 });
      expect(validateImageBytes(fixture('dog-and-cat.heic'), 'image/heif')).toMatchObject({ format: 'heif' });
    });

    it('accepts a still WebP', () => {
      expect(validateImageBytes(fixture('cat.webp'), 'image/webp')).toMatchObject({ format: 'webp', width: 640, height: 640 });
    });

    it('refuses a HEIF image sequence (a burst or an animation) by its brand', () => {
      expect(codeOf(withBrand('msf1'), 'image/heic')).toBe('AnimatedImage');
      expect(codeOf(withBrand('hevc'), 'image/heic')).toBe('AnimatedImage');
    });

    it('refuses an ISO media file whose brand is not an image (an MP4 declared as HEIC)', () => {
      expect(codeOf(withBrand('mp42'), 'image/heic')).toBe('NotAnImage');
      expect(() => validateImageBytes(withBrand('isom'), 'image/heic')).toThrow("brand 'isom'");
    });

    it('refuses a HEIC cut short inside a box', () => {
      const whole = fixture('dog.heic');
      expect(codeOf(whole.subarray(0, Math.floor(whole.length / 2)), 'image/heic')).toBe('TruncatedImage');
      expect(codeOf(whole.subarray(0, whole.length - 1), 'image/heic')).toBe('TruncatedImage');
    });

    it('refuses a WebP shorter than its RIFF header says', () => {
      const whole = fixture('cat.webp');
      expect(codeOf(whole.subarray(0, whole.length - 10), 'image/webp')).toBe('TruncatedImage');
    });

    it('refuses an animated WebP', async () => {
      const frames = await Promise.all([0, 200].map((red) => sharp({ create: { width: 100, height: 100, channels: 3, background: { r: red, g: 0, b: 0 } } }).png().toBuffer()));
      const animated = await sharp(frames, { join: { animated: true } }).webp().toBuffer();
      expect(codeOf(animated, 'image/webp')).toBe('AnimatedImage');
    });

    it('refuses a declared type that does not match the bytes', () => {
      expect(codeOf(fixture('cat.webp'), 'image/heic')).toBe('ContentTypeMismatch');
      expect(codeOf(fixture('dog.heic'), 'image/webp')).toBe('ContentTypeMismatch');
    });
  });
});
