/**
 * HEIC/HEIF -> RGBA pixels with libheif compiled to wasm (libheif-js): sharp's prebuilt libvips reads
 * HEIF headers but has no HEVC decoder. libheif-js is used directly rather than through heic-decode,
 * which decodes the first top-level image: the photo of a multi-image file is its primary image.
 */
import { ValidationError } from '../../core/errors';

export interface RgbaImage {
  width: number;
  height: number;
  rgba: Uint8Array;
}

type Libheif = typeof import('libheif-js/wasm-bundle').default;

// Loaded on the first HEIC only: the module holds ~1.4 MB of wasm that a JPEG never needs.
let libheif: Promise<Libheif> | undefined;
const loadLibheif = (): Promise<Libheif> =>
  (libheif ??= import('libheif-js/wasm-bundle').then(async (module) => {
    const lib = (module as unknown as { default?: Libheif }).default ?? (module as unknown as Libheif);
    await lib.ready;
    return lib;
  }));

const undecodable = (detail: string): ValidationError =>
  new ValidationError('UndecodableImage', `The HEIC/HEIF image cannot be decoded: ${detail}`);

export const decodeHeifPrimary = async (bytes: Uint8Array, maxPixels: number): Promise<RgbaImage> => {
  const lib = await loadLibheif();
  const decoder = new lib.HeifDecoder();
  const images = decoder.decode(bytes);
  try {
    const primary = images.find((image) => image.is_primary()) ?? images[0];
    if (!primary) throw undecodable('it holds no image libheif can read');
    const width = primary.get_width();
    const height = primary.get_height();
    if (width * height > maxPixels) {
      throw new ValidationError(
        'ImageTooManyPixels',
        `The image has ${width}x${height} px; at most ${maxPixels} pixels are decoded`,
      );
    }
    const decoded = await new Promise<Uint8ClampedArray>((resolve, reject) => {
      primary.display({ data: new Uint8ClampedArray(width * height * 4), width, height }, (result) =>
        result ? resolve(result.data) : reject(undecodable('its compressed data is corrupt')),
      );
    });
    return { width, height, rgba: new Uint8Array(decoded.buffer, decoded.byteOffset, decoded.byteLength) };
  } finally {
    for (const image of images) image.free();
    decoder.decoder.delete();
  }
};
