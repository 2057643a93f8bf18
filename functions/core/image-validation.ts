/**
 * Checks an uploaded object's bytes before anyone pays for a classifier call: the format comes from the
 * magic bytes (never from the name or the declared type), the file must be whole, and its sides must be
 * what Rekognition DetectLabels accepts (at most 15 MB, 80..10,000 px per side), with at most MAX_IMAGE_PIXELS
 * pixels in all. Only headers and end markers are read: nothing is decoded here. JPEG and PNG go to the
 * classifier as they are; still HEIC/HEIF and WebP images are converted first (the processor does that).
 */
import { imageSize } from 'image-size';
import type { AcceptedContentType, ImageFormat } from './domain';
import { FORMAT_BY_CONTENT_TYPE } from './domain';
import { ValidationError } from './errors';
import { MAX_UPLOAD_BYTES } from './upload-validation';

export const MIN_IMAGE_SIDE = 80;
export const MAX_IMAGE_SIDE = 10_000;
/**
 * A decompression-bomb guard: a 15 MB file can declare 100 MP (400 MB as RGBA) of pixels that compress to
 * almost nothing, and every decoder (the local model, thumbnails) would allocate for all of them. 50 MP
 * lets the largest phone photos through (8,160 x 6,120 from 50 MP sensors); the check reads the header only.
 */
export const MAX_IMAGE_PIXELS = 50_000_000;
/**
 * HEIC/HEIF is decoded whole, in wasm (functions/adapters/media/heif-decoder.ts: sharp's prebuilt libvips
 * has no HEVC decoder), and the processor's peak memory grows by ~12.3 MB per megapixel over a fixed
 * ~140 MB (`npm run bench:media`, docs/BENCHMARKS.md): a 48 MP HEIC peaked at 737 MB and would be killed in
 * the processor's 512 MB (infra/config.ts), reaching the DLQ instead of FAILED. 25 MP admits every phone's
 * default HEIC (an iPhone's 24 MP, 5712 x 4284, peaked at 432 MB) and refuses, by name, the opt-in 48 MP
 * "HEIF Max" photos. Chosen over 1 GB for the processor, which would fit 50 MP but cost ~$6 more per 1M images,
 * every image paying for a rare format. Raising this cap means raising the processor's memory with it.
 */
export const MAX_HEIF_PIXELS = 25_000_000;

/** The processor's peak memory on a HEIC, as `npm run bench:media` measures it: fixed + per megapixel decoded. */
export const HEIF_DECODE_MEMORY = { fixedMb: 142, mbPerMegapixel: 12.3 } as const;

/** The processor's predicted peak on the largest HEIC it decodes: what its memory must hold, with room to spare. */
export const heifPeakMb = (pixels = MAX_HEIF_PIXELS): number => HEIF_DECODE_MEMORY.fixedMb + (HEIF_DECODE_MEMORY.mbPerMegapixel * pixels) / 1e6;

export interface ValidImage {
  format: ImageFormat;
  width: number;
  height: number;
  size: number;
}

/** 'heic' is every HEIF still image (HEIC, HEIF); which of the two a client declared decides the extension. */
type SniffedFormat =
  | 'jpg'
  | 'png'
  | 'webp'
  | 'heic'
  | 'heif-sequence'
  | 'iso-media'
  | 'gif'
  | 'avif'
  | 'bmp'
  | 'tiff'
  | 'svg'
  | 'unknown';

const startsWith = (bytes: Uint8Array, signature: readonly number[], offset = 0): boolean =>
  bytes.length >= offset + signature.length && signature.every((b, i) => bytes[offset + i] === b);

const ascii = (bytes: Uint8Array, from: number, to: number): string =>
  String.fromCharCode(...bytes.subarray(from, Math.min(to, bytes.length)));

const JPEG_SOI = [0xff, 0xd8, 0xff];
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const PNG_IEND_CHUNK = [0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82];
/** ftyp major brands of HEIF still images, and of HEIF image sequences (bursts, animations). */
const HEIF_IMAGE_BRANDS = new Set(['heic', 'heix', 'heim', 'heis', 'mif1']);
const HEIF_SEQUENCE_BRANDS = new Set(['hevc', 'hevx', 'msf1']);

/** How far into a text file to look for an <svg> root; an XML prolog and comments come first. */
const SVG_SNIFF_BYTES = 4096;

export const sniffImageFormat = (bytes: Uint8Array): SniffedFormat => {
  if (startsWith(bytes, JPEG_SOI)) return 'jpg';
  if (startsWith(bytes, PNG_SIGNATURE)) return 'png';
  if (ascii(bytes, 0, 4) === 'GIF8') return 'gif';
  if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 12) === 'WEBP') return 'webp';
  if (ascii(bytes, 4, 8) === 'ftyp') {
    const brand = ascii(bytes, 8, 12);
    if (brand === 'avif' || brand === 'avis') return 'avif';
    if (HEIF_IMAGE_BRANDS.has(brand)) return 'heic';
    if (HEIF_SEQUENCE_BRANDS.has(brand)) return 'heif-sequence';
    // The same container holds MP4 and QuickTime video ('isom', 'mp42', 'qt  '...).
    return 'iso-media';
  }
  if (ascii(bytes, 0, 2) === 'BM') return 'bmp';
  if (ascii(bytes, 0, 4) === 'II*\u0000' || ascii(bytes, 0, 4) === 'MM\u0000*') return 'tiff';
  const head = new TextDecoder('utf-8', { fatal: false }).decode(bytes.subarray(0, SVG_SNIFF_BYTES));
  if (/^\uFEFF?\s*</.test(head) && /<svg[\s>]/i.test(head)) return 'svg';
  return 'unknown';
};

type AcceptedFormat = 'jpg' | 'png' | 'webp' | 'heic';
const ACCEPTED_FORMATS: readonly SniffedFormat[] = ['jpg', 'png', 'webp', 'heic'];

const ACCEPTED_NAMES: Record<AcceptedFormat, string> = { jpg: 'JPEG', png: 'PNG', webp: 'WebP', heic: 'HEIC/HEIF' };

/** What a declared format must sniff as: image/heic and image/heif are both the HEIF container. */
const SNIFFED_AS: Record<ImageFormat, AcceptedFormat> = { jpg: 'jpg', png: 'png', webp: 'webp', heic: 'heic', heif: 'heic' };

const FORMAT_NAMES: Record<Exclude<SniffedFormat, AcceptedFormat | 'unknown' | 'iso-media' | 'heif-sequence'>, string> = {
  gif: 'GIF',
  avif: 'AVIF',
  bmp: 'BMP',
  tiff: 'TIFF',
  svg: 'SVG',
};

/** Trailing NUL padding is common from some writers and harmless; anything else after the end marker is not checked. */
const withoutTrailingPadding = (bytes: Uint8Array): Uint8Array => {
  let end = bytes.length;
  while (end > 0 && bytes[end - 1] === 0x00) end -= 1;
  return bytes.subarray(0, end);
};

const uint32be = (bytes: Uint8Array, at: number): number =>
  ((bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!) >>> 0;
const uint32le = (bytes: Uint8Array, at: number): number =>
  (bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24)) >>> 0;

/**
 * An ISO-BMFF file is a chain of top-level boxes, each starting with its size: the chain must end exactly
 * at the file's end. No library checks this without decoding, and a box cut short is what a failed upload leaves.
 */
const boxesComplete = (bytes: Uint8Array): boolean => {
  let at = 0;
  while (at + 8 <= bytes.length) {
    const size32 = uint32be(bytes, at);
    if (size32 === 0) return true; // "to the end of the file"
    const size = size32 === 1 ? (at + 16 <= bytes.length ? uint32be(bytes, at + 8) * 2 ** 32 + uint32be(bytes, at + 12) : NaN) : size32;
    if (!(size >= 8)) return false;
    at += size;
  }
  return at === bytes.length;
};

const isComplete = (bytes: Uint8Array, format: AcceptedFormat): boolean => {
  switch (format) {
    case 'jpg': {
      const trimmed = withoutTrailingPadding(bytes);
      return trimmed.length >= 4 && trimmed[trimmed.length - 2] === 0xff && trimmed[trimmed.length - 1] === 0xd9;
    }
    case 'png':
      // PNG's IEND chunk has no data, so its length field is zero: trimming NULs would eat into it.
      return startsWith(bytes, PNG_IEND_CHUNK, bytes.length - PNG_IEND_CHUNK.length);
    case 'webp':
      // The RIFF header holds the size of all that follows it.
      return bytes.length >= 12 && uint32le(bytes, 4) + 8 <= bytes.length;
    case 'heic':
      return boxesComplete(bytes);
  }
};

/** A WebP with the VP8X header's animation flag set: an animation, not a photo. */
const isAnimatedWebp = (bytes: Uint8Array): boolean => ascii(bytes, 12, 16) === 'VP8X' && ((bytes[20] ?? 0) & 0x02) !== 0;

const TRUNCATION_MESSAGES: Record<AcceptedFormat, string> = {
  jpg: 'The JPEG has no end-of-image marker: the upload was cut short',
  png: 'The PNG has no IEND chunk: the upload was cut short',
  webp: 'The WebP is shorter than its RIFF header says: the upload was cut short',
  heic: 'The HEIC/HEIF file ends inside a box: the upload was cut short',
};

const readDimensions = (bytes: Uint8Array, format: AcceptedFormat): { width: number; height: number } => {
  try {
    const { width, height } = imageSize(bytes);
    if (width > 0 && height > 0) return { width, height };
  } catch {
    // image-size throws on a header it cannot parse; for a file with the right signature that means cut short.
  }
  throw new ValidationError('TruncatedImage', `The ${ACCEPTED_NAMES[format]} header is incomplete or corrupt`);
};

/** Names what the sniffed bytes are when they are no image we take, in the error a client sees. */
const refuseUnaccepted = (bytes: Uint8Array, sniffed: SniffedFormat, declaredContentType: AcceptedContentType): never => {
  if (sniffed === 'unknown') {
    throw new ValidationError(
      'NotAnImage',
      `The file is not a JPEG, PNG, HEIC/HEIF or WebP image although it was declared as ${declaredContentType}`,
    );
  }
  if (sniffed === 'iso-media') {
    throw new ValidationError(
      'NotAnImage',
      `The file is an ISO media file of brand '${ascii(bytes, 8, 12).trim()}' (video or audio), not a HEIC/HEIF image`,
    );
  }
  if (sniffed === 'heif-sequence') {
    throw new ValidationError('AnimatedImage', 'The file is a HEIF image sequence (a burst or an animation): upload a still photo');
  }
  const scripted = sniffed === 'svg' && /<script[\s>]|\son[a-z]+\s*=/i.test(new TextDecoder().decode(bytes));
  throw new ValidationError(
    'UnsupportedImageFormat',
    `${FORMAT_NAMES[sniffed as keyof typeof FORMAT_NAMES]} images are not supported${scripted ? ' (and this one holds a script)' : ''}: upload a JPEG, PNG, HEIC/HEIF or WebP`,
  );
};

export const validateImageBytes = (
  bytes: Uint8Array,
  declaredContentType: AcceptedContentType,
  maxBytes = MAX_UPLOAD_BYTES,
): ValidImage => {
  if (bytes.length === 0) throw new ValidationError('EmptyFile', 'The uploaded file is empty');
  if (bytes.length > maxBytes) {
    throw new ValidationError('FileTooLarge', `The file has ${bytes.length} bytes; the limit is ${maxBytes} (15 MB)`);
  }
  const sniffed = sniffImageFormat(bytes);
  if (!ACCEPTED_FORMATS.includes(sniffed)) refuseUnaccepted(bytes, sniffed, declaredContentType);
  const accepted = sniffed as AcceptedFormat;
  const declared = FORMAT_BY_CONTENT_TYPE[declaredContentType];
  if (SNIFFED_AS[declared] !== accepted) {
    throw new ValidationError('ContentTypeMismatch', `The file is a ${ACCEPTED_NAMES[accepted]} but was declared as ${declaredContentType}`);
  }
  if (!isComplete(bytes, accepted)) throw new ValidationError('TruncatedImage', TRUNCATION_MESSAGES[accepted]);
  if (accepted === 'webp' && isAnimatedWebp(bytes)) {
    throw new ValidationError('AnimatedImage', 'The file is an animated WebP: upload a still photo');
  }
  const { width, height } = readDimensions(bytes, accepted);
  if (width < MIN_IMAGE_SIDE || height < MIN_IMAGE_SIDE) {
    throw new ValidationError('ImageTooSmall', `The image is ${width}x${height} px; each side must be at least ${MIN_IMAGE_SIDE} px`);
  }
  if (width > MAX_IMAGE_SIDE || height > MAX_IMAGE_SIDE) {
    throw new ValidationError(
      'ImageDimensionsTooLarge',
      `The image is ${width}x${height} px; each side must be at most ${MAX_IMAGE_SIDE} px`,
    );
  }
  if (width * height > MAX_IMAGE_PIXELS) {
    throw new ValidationError(
      'ImageTooManyPixels',
      `The image is ${width}x${height} px, ${(width * height).toLocaleString('en-US')} pixels; ` +
        `the limit is ${MAX_IMAGE_PIXELS.toLocaleString('en-US')} pixels`,
    );
  }
  // 'heic' is every HEIF still image, HEIC or HEIF alike.
  if (accepted === 'heic' && width * height > MAX_HEIF_PIXELS) {
    throw new ValidationError(
      'ImageTooManyPixels',
      `The HEIC/HEIF image is ${width}x${height} px, ${(width * height).toLocaleString('en-US')} pixels; ` +
        `the limit for HEIC/HEIF is ${MAX_HEIF_PIXELS.toLocaleString('en-US')} pixels (upload a JPEG, or a 24 MP HEIC)`,
    );
  }
  return { format: declared, width, height, size: bytes.length };
};
