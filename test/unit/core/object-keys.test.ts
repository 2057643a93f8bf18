import { decodeS3EventKey, filedKey, inputKey, parseInputKey } from '../../../functions/core/object-keys';

describe('S3 object keys', () => {
  it.each([
    ['a plus sign as a space', 'input/my+cat.jpg', 'input/my cat.jpg'],
    ['%20 as a space', 'input/my%20cat.jpg', 'input/my cat.jpg'],
    ['%2B as a literal plus', 'input/a%2Bb.png', 'input/a+b.png'],
    ['UTF-8 percent-escapes as unicode', 'input/caf%C3%A9-%F0%9F%90%B6.jpg', 'input/café-🐶.jpg'],
    ['an already plain key unchanged', 'input/0b5c8a8e-1f0e-4a53-9d1a-2f4f3c1e9b7a.jpg', 'input/0b5c8a8e-1f0e-4a53-9d1a-2f4f3c1e9b7a.jpg'],
  ])('decodes %s', (_case, raw, decoded) => {
    expect(decodeS3EventKey(raw)).toBe(decoded);
  });

  it('refuses malformed percent-encoding with a named error', () => {
    expect(() => decodeS3EventKey('input/bad%E0%A4%A.jpg')).toThrow(expect.objectContaining({ code: 'InvalidObjectKey' }));
  });

  it('parses input/<imageId>.<ext> after decoding', () => {
    expect(parseInputKey(decodeS3EventKey('input/caf%C3%A9+photo.JPG'))).toEqual({
      key: 'input/café photo.JPG',
      imageId: 'café photo',
      format: 'jpg',
    });
    expect(parseInputKey('input/abc.png').format).toBe('png');
    expect(parseInputKey('input/abc.jpeg').format).toBe('jpg');
  });

  it.each(['cats/abc.jpg', 'input/nested/abc.jpg', 'input/abc.gif', 'input/.jpg', 'input/abc'])(
    'refuses %s, which no upload ticket writes',
    (key) => {
      expect(() => parseInputKey(key)).toThrow(expect.objectContaining({ code: 'InvalidObjectKey' }));
    },
  );

  it('builds the input and filed keys from the id, never from the file name', () => {
    expect(inputKey('id-1', 'png')).toBe('input/id-1.png');
    expect(filedKey('CAT', 'id-1', 'jpg')).toBe('cats/id-1.jpg');
    expect(filedKey('DOG', 'id-1', 'jpg')).toBe('dogs/id-1.jpg');
    expect(filedKey('OTHER', 'id-1', 'png')).toBe('others/id-1.png');
  });
});
