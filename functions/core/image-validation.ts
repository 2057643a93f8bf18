/**
 * Checks an uploaded object's bytes before anyone pays for a classifier call: the format comes from the
 * magic bytes (never from the name or the declared type), the file must be whole, and its sides must be
 * what Rekognition DetectLabels accepts (JPEG or PNG, at most 15 MB, 80..10,000 px per side), with at most
 * MAX_IMAGE_PIXELS pixels in all. Only headers and the end marker are read: nothing is decoded here.
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

export interface ValidImage {
  format: ImageFormat;
  width: number;
  height: number;
  size: number;
}

type SniffedFormat = ImageFormat | 'gif' | 'webp' | 'heic' | 'avif' | 'bmp' | 'tiff' | 'svg' | 'unknown';

const startsWith = (bytes: Uint8Array, signature: readonly number[], offset = 0): boolean =>
  bytes.length >= offset + signature.length && signature.every((b, i) => bytes[offset + i] === b);

const ascii = (bytes: Uint8Array, from: number, to: number): string =>
  String.fromCharCode(...bytes.subarray(from, Math.min(to, bytes.length)));

const JPEG_SOI = [0xff, 0xd8, 0xff];
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const PNG_IEND_CHUNK = [0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82];
const HEIF_BRANDS = new Set(['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'mif1', 'msf1']);

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
    if (HEIF_BRANDS.has(brand)) return 'heic';
  }
  if (ascii(bytes, 0, 2) === 'BM') return 'bmp';
  if (ascii(bytes, 0, 4) === 'II*\u0000' || ascii(bytes, 0, 4) === 'MM\u0000*') return 'tiff';
  const head = new TextDecoder('utf-8', { fatal: false }).decode(bytes.subarray(0, SVG_SNIFF_BYTES));
  if (/^\uFEFF?\s*</.test(head) && /<svg[\s>]/i.test(head)) return 'svg';
  return 'unknown';
};

const FORMAT_NAMES: Record<Exclude<SniffedFormat, ImageFormat | 'unknown'>, string> = {
  gif: 'GIF',
  webp: 'WebP',
  heic: 'HEIC/HEIF',
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

const isComplete = (bytes: Uint8Array, format: ImageFormat): boolean => {
  if (format === 'jpg') {
    const trimmed = withoutTrailingPadding(bytes);
    return trimmed.length >= 4 && trimmed[trimmed.length - 2] === 0xff && trimmed[trimmed.length - 1] === 0xd9;
  }
  // PNG's IEND chunk has no data, so its length field is zero: trimming NULs would eat into it.
  return startsWith(bytes, PNG_IEND_CHUNK, bytes.length - PNG_IEND_CHUNK.length);
};

const readDimensions = (bytes: Uint8Array, format: ImageFormat): { width: number; height: number } => {
  try {
    const { width, height } = imageSize(bytes);
    if (width > 0 && height > 0) return { width, height };
  } catch {
    // image-size throws on a header it cannot parse; for a file with the right signature that means cut short.
  }
  throw new ValidationError('TruncatedImage', `The ${format === 'jpg' ? 'JPEG' : 'PNG'} header is incomplete or corrupt`);
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
  if (sniffed === 'unknown') {
    throw new ValidationError('NotAnImage', `The file is not a JPEG or PNG image although it was declared as ${declaredContentType}`);
  }
  if (sniffed !== 'jpg' && sniffed !== 'png') {
    const scripted = sniffed === 'svg' && /<script[\s>]|\son[a-z]+\s*=/i.test(new TextDecoder().decode(bytes));
    throw new ValidationError(
      'UnsupportedImageFormat',
      `${FORMAT_NAMES[sniffed]} images are not supported${scripted ? ' (and this one holds a script)' : ''}: upload a JPEG or PNG`,
    );
  }
  const declared = FORMAT_BY_CONTENT_TYPE[declaredContentType];
  if (sniffed !== declared) {
    throw new ValidationError(
      'ContentTypeMismatch',
      `The file is a ${sniffed === 'jpg' ? 'JPEG' : 'PNG'} but was declared as ${declaredContentType}`,
    );
  }
  if (!isComplete(bytes, sniffed)) {
    throw new ValidationError(
      'TruncatedImage',
      `The ${sniffed === 'jpg' ? 'JPEG has no end-of-image marker' : 'PNG has no IEND chunk'}: the upload was cut short`,
    );
  }
  const { width, height } = readDimensions(bytes, sniffed);
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
  return { format: sniffed, width, height, size: bytes.length };
};
