/**
 * Opens an uploaded image as a sharp pipeline, upright, for the thumbnailer and the JPEG converter.
 * HEIC/HEIF goes through libheif (heif-decoder.ts) once per upload: both callers get the same pixels.
 */
import sharp, { type Sharp } from 'sharp';
import type { ImageFormat } from '../../core/domain';
import { PetDetectorError, ValidationError } from '../../core/errors';
import { MAX_HEIF_PIXELS, MAX_IMAGE_PIXELS } from '../../core/image-validation';
import type { StoredImage } from '../../core/ports';
import { decodeHeifPrimary, type RgbaImage } from './heif-decoder';

/**
 * The most pixels any step decodes: validation's cap (a 48 MP phone photo fits), enforced again here by
 * the decoders themselves in case a header lied. A HEIC is decoded whole, so it has a lower cap of its own
 * (MAX_HEIF_PIXELS), which bounds the processor's memory.
 */
export const MAX_DECODE_PIXELS = MAX_IMAGE_PIXELS;

const HEIF_FORMATS: readonly ImageFormat[] = ['heic', 'heif'];

// Keyed by the upload's bytes: the processor holds them for one image, so entries go with them.
const heifPixels = new WeakMap<Uint8Array, Promise<RgbaImage>>();

/** sharp's errors are plain Errors with libvips' text; these are the names the processor records. */
export const namedDecodeError = (error: unknown, maxPixels: number): PetDetectorError => {
  if (error instanceof PetDetectorError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (/pixel limit/i.test(message)) {
    return new ValidationError('ImageTooManyPixels', `The image has more than ${maxPixels} pixels, the most that are decoded`);
  }
  return new ValidationError('UndecodableImage', `The image cannot be decoded: ${message.split('\n')[0]?.slice(0, 200)}`);
};

export const openUpright = async (image: StoredImage, maxPixels = MAX_DECODE_PIXELS, maxHeifPixels = MAX_HEIF_PIXELS): Promise<Sharp> => {
  if (HEIF_FORMATS.includes(image.format)) {
    let pixels = heifPixels.get(image.bytes);
    if (!pixels) {
      // libheif decodes the whole image into memory: its own, lower cap (image-validation.ts MAX_HEIF_PIXELS).
      pixels = decodeHeifPrimary(image.bytes, Math.min(maxPixels, maxHeifPixels));
      heifPixels.set(image.bytes, pixels);
    }
    const { width, height, rgba } = await pixels;
    // libheif has already applied the file's rotation and mirror boxes (HEIF ignores EXIF orientation).
    return sharp(rgba, { raw: { width, height, channels: 4 } });
  }
  // failOn 'error': scan data that does not decode is refused, not thumbnailed as grey. ('warning' would
  // also refuse a scan cut short behind a forged end marker, but refuses real photos with harmless quirks too.)
  return sharp(image.bytes, { failOn: 'error', limitInputPixels: maxPixels, animated: false }).rotate();
};
