import { MAX_UPLOAD_BYTES, validateFileName, validateUploadRequest } from '../../../functions/core/upload-validation';
import { ValidationError } from '../../../functions/core/errors';

const valid = { fileName: 'whiskers.jpg', contentType: 'image/jpeg', fileSize: 123_456 };

const errorOf = (fn: () => unknown): ValidationError => {
  try {
    fn();
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error('expected a ValidationError');
};

describe('requestUpload input validation', () => {
  it('accepts a JPEG and a PNG within the limits and derives the stored format', () => {
    expect(validateUploadRequest(valid)).toEqual({
      fileName: 'whiskers.jpg',
      contentType: 'image/jpeg',
      imageFormat: 'jpg',
      fileSize: 123_456,
    });
    expect(validateUploadRequest({ ...valid, contentType: 'image/png', fileSize: 1 }).imageFormat).toBe('png');
    expect(validateUploadRequest({ ...valid, fileSize: MAX_UPLOAD_BYTES }).fileSize).toBe(15 * 1024 * 1024);
  });

  it.each([
    ['image/heic', 'heic'],
    ['image/heif', 'heif'],
    ['image/webp', 'webp'],
  ])('accepts %s, filed with the extension %s', (contentType, imageFormat) => {
    expect(validateUploadRequest({ ...valid, contentType })).toMatchObject({ contentType, imageFormat });
  });

  it.each([
    ['a declared size of 0', { fileSize: 0 }, 'InvalidFileSize'],
    ['a negative size', { fileSize: -5 }, 'InvalidFileSize'],
    ['a fractional size', { fileSize: 10.5 }, 'InvalidFileSize'],
    ['a size over 15 MB', { fileSize: MAX_UPLOAD_BYTES + 1 }, 'FileTooLarge'],
    ['an unknown content type', { contentType: 'application/pdf' }, 'UnsupportedContentType'],
    ['GIF', { contentType: 'image/gif' }, 'UnsupportedContentType'],
    ['SVG', { contentType: 'image/svg+xml' }, 'UnsupportedContentType'],
    ['a content type with parameters', { contentType: 'image/jpeg; charset=utf-8' }, 'UnsupportedContentType'],
    ['a name with ../', { fileName: '../../etc/passwd.jpg' }, 'InvalidFileName'],
    ['a name with a NUL', { fileName: 'cat.jpg\u0000.exe' }, 'InvalidFileName'],
    ['a name of 300 characters', { fileName: `${'a'.repeat(296)}.jpg` }, 'InvalidFileName'],
    ['an empty name', { fileName: '   ' }, 'InvalidFileName'],
    ['a name with a control character', { fileName: 'cat\u001b[31m.jpg' }, 'InvalidFileName'],
    ['a name with a bidi override', { fileName: 'cat\u202egpj.exe' }, 'InvalidFileName'],
  ])('refuses %s', (_case, override, code) => {
    const error = errorOf(() => validateUploadRequest({ ...valid, ...override }));
    expect(error.code).toBe(code);
    expect(error.retryable).toBe(false);
    expect(error.message.length).toBeGreaterThan(10);
  });

  it('keeps only the last path segment of a browser-style path and normalises unicode', () => {
    expect(validateFileName('C:\\fakepath\\kitten.png')).toBe('kitten.png');
    expect(validateFileName('photos/2024/dog.jpg')).toBe('dog.jpg');
    // "é" as e + combining accent becomes the single precomposed character.
    expect(validateFileName('cafe\u0301.jpg')).toBe('caf\u00e9.jpg');
  });

  it('counts characters, not UTF-16 units, against the 255 limit', () => {
    const emoji255 = `${'🐱'.repeat(251)}.jpg`;
    expect(validateFileName(emoji255)).toBe(emoji255);
    expect(errorOf(() => validateFileName(`🐱${emoji255}`)).code).toBe('InvalidFileName');
  });
});
