/**
 * A photo's headers -> the ImageMetadata stored with its record. The adapter (adapters/media) reads the
 * headers; this file decides what is believable. Values no camera writes (a year 0, sides of 0, an EXIF
 * block larger than any JPEG can hold) mean a forged or broken file: it ends FAILED by name instead of
 * reaching a decoder. GPS coordinates never get past this point: only whether there were any.
 */
import type { ImageMetadata } from './domain';
import { ValidationError } from './errors';

/** A JPEG APP1 segment, the home of EXIF, holds at most 64 KB; no honest photo carries more in any format. */
export const MAX_EXIF_BYTES = 64 * 1024;
/** Text tags are shown in a UI: longer is no camera name. */
const MAX_TEXT_LENGTH = 128;
const EARLIEST_YEAR = 1826; // the oldest surviving photograph
const LATEST_YEAR = 2200;

/** What the adapter read, unjudged. Tags are `unknown`: a file may put anything in them. */
export interface PhotoHeaders {
  /** Pixels as stored, before any EXIF orientation. */
  width: number;
  height: number;
  /** Whether the EXIF orientation turns the stored pixels (HEIF uses its own transform boxes instead). */
  exifOrientationApplies: boolean;
  exifBytes: number;
  tags: {
    Make?: unknown;
    Model?: unknown;
    Orientation?: unknown;
    DateTimeOriginal?: unknown;
    OffsetTimeOriginal?: unknown;
    ExifImageWidth?: unknown;
    ExifImageHeight?: unknown;
  };
  hasLocation: boolean;
}

const invalid = (message: string): ValidationError => new ValidationError('InvalidImageMetadata', message);

const text = (value: unknown): string | undefined => {
  if (typeof value !== 'string') return undefined;
  // eslint-disable-next-line no-control-regex
  const clean = value.replace(/[\u0000-\u001f\u007f-\u009f]/g, '').trim();
  return clean.length > 0 ? clean.slice(0, MAX_TEXT_LENGTH) : undefined;
};

const EXIF_DATE_TIME = /^(\d{4}):(\d{2}):(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;
const EXIF_OFFSET = /^[+-](?:0\d|1[0-4]):[0-5]\d$/;

/** EXIF "YYYY:MM:DD HH:MM:SS" (+ "+HH:MM") -> ISO 8601; undefined when the camera left it blank. */
export const exifDateTime = (value: unknown, offset: unknown): string | undefined => {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalid('EXIF DateTimeOriginal is not text');
  const raw = value.split('\u0000').join('').trim();
  // The EXIF standard writes an unknown date as blanks and colons.
  if (/^[\s:]*$/.test(raw)) return undefined;
  const match = EXIF_DATE_TIME.exec(raw);
  if (!match) throw invalid(`EXIF DateTimeOriginal '${raw.slice(0, 32)}' is not a date`);
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as [number, number, number, number, number, number];
  if (year < EARLIEST_YEAR || year > LATEST_YEAR) throw invalid(`EXIF DateTimeOriginal has the year ${year}`);
  const asUtc = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  if (asUtc.getUTCMonth() !== month - 1 || asUtc.getUTCDate() !== day || hour > 23 || minute > 59 || second > 60) {
    throw invalid(`EXIF DateTimeOriginal '${raw}' is not a real date and time`);
  }
  const local = raw.replace(EXIF_DATE_TIME, '$1-$2-$3T$4:$5:$6');
  const zone = typeof offset === 'string' ? offset.trim() : '';
  return EXIF_OFFSET.test(zone) ? `${local}${zone}` : local;
};

const side = (name: string, value: unknown): void => {
  if (value === undefined || value === null) return;
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw invalid(`EXIF ${name} is ${String(value).slice(0, 16)}: an image has at least one pixel per side`);
  }
};

export const toImageMetadata = (headers: PhotoHeaders): ImageMetadata => {
  if (headers.exifBytes > MAX_EXIF_BYTES) {
    throw invalid(`The EXIF block holds ${headers.exifBytes} bytes; at most ${MAX_EXIF_BYTES} are accepted`);
  }
  if (!(headers.width > 0 && headers.height > 0)) {
    throw invalid(`The image header says ${headers.width}x${headers.height} px`);
  }
  const { tags } = headers;
  side('ExifImageWidth', tags.ExifImageWidth);
  side('ExifImageHeight', tags.ExifImageHeight);
  const orientation =
    typeof tags.Orientation === 'number' && Number.isInteger(tags.Orientation) && tags.Orientation >= 1 && tags.Orientation <= 8
      ? tags.Orientation
      : undefined;
  // Orientations 5-8 turn the picture by 90 degrees, so its displayed sides swap.
  const turned = headers.exifOrientationApplies && orientation !== undefined && orientation >= 5;
  const metadata: ImageMetadata = {
    width: turned ? headers.height : headers.width,
    height: turned ? headers.width : headers.height,
    hasLocation: headers.hasLocation,
  };
  const takenAt = exifDateTime(tags.DateTimeOriginal, tags.OffsetTimeOriginal);
  if (takenAt) metadata.takenAt = takenAt;
  const make = text(tags.Make);
  if (make) metadata.cameraMake = make;
  const model = text(tags.Model);
  if (model) metadata.cameraModel = model;
  if (orientation !== undefined) metadata.orientation = orientation;
  return metadata;
};
