/**
 * requestUpload's input rules. What the pipeline cannot read is refused before a ticket exists, so a
 * client learns at once (and by name) why an upload would never be classified.
 */
import type { AcceptedContentType, ImageFormat } from './domain';
import { FORMAT_BY_CONTENT_TYPE } from './domain';
import { ValidationError } from './errors';

/** Rekognition's limit for an image read from S3. */
export const MAX_UPLOAD_BYTES = 15 * 1024 * 1024;
export const MAX_FILE_NAME_LENGTH = 255;

export interface UploadRequestInput {
  fileName: string;
  contentType: string;
  fileSize: number;
}

export interface ValidUploadRequest {
  /** Display name only: it is stored as data and never becomes part of an S3 key. */
  fileName: string;
  contentType: AcceptedContentType;
  imageFormat: ImageFormat;
  fileSize: number;
}

const isAcceptedContentType = (value: string): value is AcceptedContentType =>
  Object.prototype.hasOwnProperty.call(FORMAT_BY_CONTENT_TYPE, value);

// C0 controls, DEL and C1 controls: invisible in a UI and a classic way to smuggle terminal escapes into logs.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;
// Bidirectional overrides make "gpj.exe" read as "exe.jpg".
const BIDI_OVERRIDES = /[\u202a-\u202e\u2066-\u2069]/;
const TRAVERSAL = /(^|[\\/])\.\.([\\/]|$)/;

export const validateFileName = (raw: string): string => {
  if (typeof raw !== 'string') throw new ValidationError('InvalidFileName', 'fileName must be a string');
  if (raw.includes('\u0000')) throw new ValidationError('InvalidFileName', 'fileName must not contain a NUL character');
  if (TRAVERSAL.test(raw)) throw new ValidationError('InvalidFileName', "fileName must not contain a '..' path segment");
  if (CONTROL_CHARACTERS.test(raw)) throw new ValidationError('InvalidFileName', 'fileName must not contain control characters');
  if (BIDI_OVERRIDES.test(raw)) throw new ValidationError('InvalidFileName', 'fileName must not contain bidirectional overrides');
  // Keep only the last path segment: a browser may send "C:\fakepath\cat.jpg".
  const base = raw.split(/[\\/]/).pop() ?? '';
  const name = base.normalize('NFC').trim();
  if (name.length === 0) throw new ValidationError('InvalidFileName', 'fileName must not be empty');
  // Measured in code points, as a person counts characters, after normalisation.
  if ([...name].length > MAX_FILE_NAME_LENGTH) {
    throw new ValidationError('InvalidFileName', `fileName must be at most ${MAX_FILE_NAME_LENGTH} characters`);
  }
  return name;
};

export const validateUploadRequest = (input: UploadRequestInput, maxBytes = MAX_UPLOAD_BYTES): ValidUploadRequest => {
  const contentType = String(input.contentType ?? '');
  if (!isAcceptedContentType(contentType)) {
    throw new ValidationError(
      'UnsupportedContentType',
      `contentType '${contentType.slice(0, 64)}' is not accepted: use image/jpeg, image/png, image/heic, image/heif or image/webp`,
    );
  }
  const { fileSize } = input;
  if (typeof fileSize !== 'number' || !Number.isInteger(fileSize) || fileSize < 1) {
    throw new ValidationError('InvalidFileSize', 'fileSize must be a whole number of bytes, at least 1');
  }
  if (fileSize > maxBytes) {
    throw new ValidationError('FileTooLarge', `fileSize ${fileSize} exceeds the limit of ${maxBytes} bytes (15 MB)`);
  }
  return {
    fileName: validateFileName(input.fileName),
    contentType,
    imageFormat: FORMAT_BY_CONTENT_TYPE[contentType],
    fileSize,
  };
};
