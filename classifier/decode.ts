/**
 * Image bytes -> the RGB pixels the model reads, with sharp (libvips).
 */
import sharp, { type Sharp } from 'sharp';
import { decodeHeifPrimary } from '../functions/adapters/media/heif-decoder';
import { PetDetectorError } from '../functions/core/errors';
import { MAX_IMAGE_PIXELS } from '../functions/core/image-validation';

/** Tightly packed 8-bit RGB, row by row. */
export interface RgbImage {
  pixels: Uint8Array;
  width: number;
  height: number;
}

/**
 * The model resizes every input to 300x300 itself, so more pixels only cost decode time;
 * 640 keeps enough detail for that resize to be a clean downsample.
 */
export const MAX_SIDE = 640;

/** Share of each side added around the image for the zoomed-out view. */
export const ZOOM_OUT_PADDING = 0.25;

const rejected = (error: unknown): PetDetectorError =>
  new PetDetectorError(
    'ClassifierRejectedImage',
    `the local classifier could not decode the image: ${error instanceof Error ? error.message : String(error)}`,
    false,
    { cause: error },
  );

const toRgb = async (pipeline: Sharp): Promise<RgbImage> => {
  const { data, info } = await pipeline.raw().toBuffer({ resolveWithObject: true });
  if (info.channels !== 3) throw new Error(`expected 3 channels after conversion, got ${info.channels}`);
  return { pixels: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height };
};

/** HEIF files start with an ftyp box; sharp's prebuilt libvips reads their headers but cannot decode HEVC. */
const isHeif = (bytes: Uint8Array): boolean => Buffer.from(bytes.subarray(4, 8)).toString('latin1') === 'ftyp';

/** JPEG, PNG and WebP go to sharp as they are; HEIC/HEIF as the pixels of its primary image. */
const openImage = async (bytes: Uint8Array): Promise<Sharp> => {
  // The processor validates the pixel count first; the same cap here keeps this decoder safe on its own.
  if (!isHeif(bytes)) return sharp(bytes, { failOn: 'error', limitInputPixels: MAX_IMAGE_PIXELS }).rotate();
  const { width, height, rgba } = await decodeHeifPrimary(bytes, MAX_IMAGE_PIXELS);
  return sharp(rgba, { raw: { width, height, channels: 4 } });
};

/**
 * Decodes JPEG/PNG/WebP/HEIC bytes: turns the image upright by its EXIF orientation, flattens any
 * transparency onto white (transparent pixels carry arbitrary colours that would otherwise show),
 * converts grey or CMYK to sRGB and shrinks it so the longest side is at most MAX_SIDE.
 */
export const decodeImage = async (bytes: Uint8Array): Promise<RgbImage> => {
  try {
    return await toRgb(
      (await openImage(bytes))
        .flatten({ background: '#ffffff' })
        .toColourspace('srgb')
        .resize(MAX_SIDE, MAX_SIDE, { fit: 'inside', withoutEnlargement: true }),
    );
  } catch (error) {
    throw rejected(error);
  }
};

/** How a zoomed-out view maps back onto the original image. */
export interface ZoomedOutView {
  image: RgbImage;
  /** Padding added on each side, as fractions of the original width and height. */
  padX: number;
  padY: number;
}

/**
 * The same picture, smaller inside a mirrored border. COCO-SSD's largest anchors barely cover the
 * frame, and close-ups that fill it (pet portraits, avatars) are rare in COCO; seen smaller, such
 * subjects are recognised far more reliably. A mirrored border (rather than a flat colour) adds no
 * edges that the detector could take for an object's outline.
 */
export const zoomOutView = async (image: RgbImage): Promise<ZoomedOutView> => {
  const x = Math.max(1, Math.round(image.width * ZOOM_OUT_PADDING));
  const y = Math.max(1, Math.round(image.height * ZOOM_OUT_PADDING));
  const padded = await toRgb(
    sharp(image.pixels, { raw: { width: image.width, height: image.height, channels: 3 } }).extend({
      top: y,
      bottom: y,
      left: x,
      right: x,
      extendWith: 'mirror',
    }),
  );
  return { image: padded, padX: x / image.width, padY: y / image.height };
};
