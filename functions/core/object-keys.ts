/**
 * S3 keys of the image pipeline: where an upload lands, where a classified image is filed, and how a
 * key arrives in an S3 event notification (URL-encoded, with a space as '+').
 */
import type { Animal, ImageFormat } from './domain';
import { ANIMAL_PREFIX, CONTENT_TYPE_BY_EXTENSION, FORMAT_BY_CONTENT_TYPE, INPUT_PREFIX, THUMBNAIL_PREFIX } from './domain';
import { ValidationError } from './errors';

export const inputKey = (imageId: string, format: ImageFormat): string => `${INPUT_PREFIX}${imageId}.${format}`;

export const filedKey = (animal: Animal, imageId: string, format: ImageFormat): string =>
  `${ANIMAL_PREFIX[animal]}${imageId}.${format}`;

/** One thumbnail per image, whatever its class: a redelivery rewrites the same key. */
export const thumbnailKey = (imageId: string): string => `${THUMBNAIL_PREFIX}${imageId}.webp`;

export const s3Uri = (bucket: string, key: string): string => `s3://${bucket}/${key}`;

/**
 * S3 event notifications carry keys form-encoded: '+' is a space and everything else is %XX (UTF-8).
 * A literal '+' therefore arrives as %2B, so '+' must become a space BEFORE percent-decoding.
 */
export const decodeS3EventKey = (raw: string): string => {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    throw new ValidationError('InvalidObjectKey', 'The object key in the S3 event is not valid URL encoding');
  }
};

export interface InputObjectKey {
  key: string;
  imageId: string;
  format: ImageFormat;
}


/** Parses a decoded key under input/; anything else was not written by an upload ticket. */
export const parseInputKey = (key: string): InputObjectKey => {
  if (!key.startsWith(INPUT_PREFIX)) {
    throw new ValidationError('InvalidObjectKey', `Key '${key}' is not under ${INPUT_PREFIX}`);
  }
  const name = key.slice(INPUT_PREFIX.length);
  const dot = name.lastIndexOf('.');
  if (name.includes('/') || dot <= 0) {
    throw new ValidationError('InvalidObjectKey', `Key '${key}' is not ${INPUT_PREFIX}<imageId>.<ext>`);
  }
  const contentType = CONTENT_TYPE_BY_EXTENSION[name.slice(dot + 1).toLowerCase()];
  const format = contentType && FORMAT_BY_CONTENT_TYPE[contentType];
  if (!format) throw new ValidationError('InvalidObjectKey', `Key '${key}' does not end in .jpg, .png, .heic, .heif or .webp`);
  return { key, imageId: name.slice(0, dot), format };
};
