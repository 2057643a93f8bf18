/**
 * ImageMedia with sharp (libvips), exifr and libheif: the thumbnail, the JPEG for the classifier and the
 * headers of an uploaded image. Never touches the original: everything is made from a copy of its pixels.
 */
import exifr from 'exifr';
import sharp from 'sharp';
import type { PhotoHeaders } from '../../core/image-metadata';
import type { ImageMedia, StoredImage } from '../../core/ports';
import { MAX_HEIF_PIXELS } from '../../core/image-validation';
import { MAX_DECODE_PIXELS, namedDecodeError, openUpright } from './decoded-image';

/** The longest side of a thumbnail: a gallery tile at 2x on a phone. */
export const THUMBNAIL_SIDE = 320;
/**
 * WebP quality and effort. Effort 2 of 0-6 costs about half of the default 4's CPU for a few percent more
 * bytes. Quality 55 keeps a 320 px tile clean and makes a gallery page of the reference photos (already
 * only 640 px) 10x lighter than their originals (docs/BENCHMARKS.md, Media); quality 75 made it 8x.
 */
const THUMBNAIL_WEBP = { quality: 55, effort: 2 } as const;
/** Labels need no 12 MP: these longest sides are tried in turn until the JPEG fits the byte limit. */
const CLASSIFIER_SIDES = [2048, 1280, 800] as const;
/** Rekognition's smallest accepted side: scaling a very long, thin image must not go under it. */
const MIN_CLASSIFIER_SIDE = 80;

/** The EXIF tags read; GPS ones only to tell whether there were any. */
const EXIF_OPTIONS = {
  tiff: true,
  exif: true,
  gps: true,
  ifd1: false,
  interop: false,
  makerNote: false,
  userComment: false,
  xmp: false,
  icc: false,
  iptc: false,
  jfif: false,
  ihdr: false,
  reviveValues: false,
  translateValues: false,
  pick: ['Make', 'Model', 'Orientation', 'DateTimeOriginal', 'OffsetTimeOriginal', 'ExifImageWidth', 'ExifImageHeight', 'GPSLatitude', 'GPSLongitude'],
};

/** libvips hands EXIF over as an APP1 payload ("Exif\0\0" + TIFF) for JPEG/WebP/PNG, as bare TIFF for HEIF. */
const tiffOf = (exif: Buffer): Buffer => (exif.subarray(0, 6).toString('latin1') === 'Exif\0\0' ? exif.subarray(6) : exif);

export class SharpImageMedia implements ImageMedia {
  /** @param maxHeifPixels HEIC/HEIF's own cap (image-validation.ts MAX_HEIF_PIXELS); bench:media lifts it to measure past it. */
  constructor(
    private readonly maxPixels = MAX_DECODE_PIXELS,
    private readonly maxHeifPixels = MAX_HEIF_PIXELS,
  ) {}

  async readHeaders(image: StoredImage): Promise<PhotoHeaders> {
    let meta;
    try {
      meta = await sharp(image.bytes, { limitInputPixels: false }).metadata();
    } catch (error) {
      throw namedDecodeError(error, this.maxPixels);
    }
    const exif = meta.exif;
    const headers: PhotoHeaders = {
      width: meta.width ?? 0,
      height: meta.height ?? 0,
      exifOrientationApplies: meta.format !== 'heif',
      exifBytes: exif?.length ?? 0,
      tags: {},
      hasLocation: false,
    };
    // An oversized block is judged by its size alone (image-metadata.ts) and never parsed.
    if (!exif || exif.length === 0 || exif.length > 64 * 1024) return headers;
    let tags: Record<string, unknown> | undefined;
    try {
      tags = (await exifr.parse(tiffOf(exif), EXIF_OPTIONS)) as Record<string, unknown> | undefined;
    } catch {
      // A broken EXIF block describes nothing; the pixels may still be fine.
      tags = undefined;
    }
    if (!tags) return headers;
    const { GPSLatitude, GPSLongitude, ...rest } = tags;
    headers.tags = rest;
    headers.hasLocation = GPSLatitude !== undefined || GPSLongitude !== undefined;
    return headers;
  }

  async thumbnail(image: StoredImage): Promise<Uint8Array> {
    try {
      const pipeline = await openUpright(image, this.maxPixels, this.maxHeifPixels);
      // sharp writes no metadata unless asked (withMetadata/keepExif): the thumbnail carries none.
      return await pipeline
        .resize(THUMBNAIL_SIDE, THUMBNAIL_SIDE, { fit: 'inside', withoutEnlargement: true })
        .webp(THUMBNAIL_WEBP)
        .toBuffer();
    } catch (error) {
      throw namedDecodeError(error, this.maxPixels);
    }
  }

  async toJpeg(image: StoredImage, maxBytes: number): Promise<Uint8Array> {
    try {
      let jpeg: Buffer | undefined;
      for (const side of CLASSIFIER_SIDES) {
        const pipeline = await openUpright(image, this.maxPixels, this.maxHeifPixels);
        const { width = 1, height = 1 } = await pipeline.metadata();
        // Long and thin: keep the short side at Rekognition's minimum, whatever the long side becomes.
        const target = Math.max(side, Math.ceil((MIN_CLASSIFIER_SIDE * Math.max(width, height)) / Math.max(1, Math.min(width, height))));
        jpeg = await pipeline
          .resize(target, target, { fit: 'inside', withoutEnlargement: true })
          .flatten({ background: '#ffffff' })
          .jpeg({ quality: 85 })
          .toBuffer();
        if (jpeg.length <= maxBytes) return jpeg;
      }
      throw new Error(`even at ${CLASSIFIER_SIDES.at(-1)} px the JPEG has ${jpeg?.length} bytes, over ${maxBytes}`);
    } catch (error) {
      throw namedDecodeError(error, this.maxPixels);
    }
  }
}
