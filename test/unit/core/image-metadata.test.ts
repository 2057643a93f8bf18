import { exifDateTime, MAX_EXIF_BYTES, type PhotoHeaders, toImageMetadata } from '../../../functions/core/image-metadata';

const headers = (overrides: Partial<PhotoHeaders> = {}): PhotoHeaders => ({
  width: 640,
  height: 400,
  exifOrientationApplies: true,
  exifBytes: 300,
  tags: {},
  hasLocation: false,
  ...overrides,
});

const reasonOf = (value: PhotoHeaders): string => {
  try {
    toImageMetadata(value);
  } catch (error) {
    return String(error);
  }
  return 'accepted';
};

describe('photo metadata', () => {
  it('keeps what a camera writes, with the offset on the time it was taken', () => {
    expect(
      toImageMetadata(
        headers({
          tags: { Make: 'Apple', Model: ' iPhone 13\u0000', Orientation: 1, DateTimeOriginal: '2024:05:01 10:30:00', OffsetTimeOriginal: '+02:00' },
          hasLocation: true,
        }),
      ),
    ).toEqual({ width: 640, height: 400, takenAt: '2024-05-01T10:30:00+02:00', cameraMake: 'Apple', cameraModel: 'iPhone 13', orientation: 1, hasLocation: true });
  });

  it('gives the displayed sides: orientations 5-8 swap them, except in HEIF where transform boxes rule', () => {
    expect(toImageMetadata(headers({ tags: { Orientation: 6 } }))).toMatchObject({ width: 400, height: 640, orientation: 6 });
    expect(toImageMetadata(headers({ tags: { Orientation: 3 } }))).toMatchObject({ width: 640, height: 400 });
    expect(toImageMetadata(headers({ tags: { Orientation: 8 }, exifOrientationApplies: false }))).toMatchObject({ width: 640, height: 400 });
  });

  it.each([
    ['no offset: local time', '2019:12:31 23:59:59', undefined, '2019-12-31T23:59:59'],
    ['a malformed offset is left out', '2019:12:31 23:59:59', '+2h', '2019-12-31T23:59:59'],
    ['blanks mean unknown', '    :  :     :  :  ', undefined, undefined],
    ['absent', undefined, undefined, undefined],
  ])('reads DateTimeOriginal: %s', (_case, value, offset, expected) => {
    expect(exifDateTime(value, offset)).toBe(expected);
  });

  it('ignores an orientation outside 1-8 and text tags that are not text', () => {
    expect(toImageMetadata(headers({ tags: { Orientation: 0, Make: 42, Model: ['x'] } }))).toEqual({ width: 640, height: 400, hasLocation: false });
  });

  it.each([
    ['the year 0', { DateTimeOriginal: '0000:01:01 00:00:00' }, /year 0/],
    ['a 13th month', { DateTimeOriginal: '2024:13:01 00:00:00' }, /not a real date/],
    ['a date that is no date', { DateTimeOriginal: 'yesterday' }, /is not a date/],
    ['an EXIF width of 0', { ExifImageWidth: 0 }, /ExifImageWidth is 0/],
    ['a negative EXIF height', { ExifImageHeight: -5 }, /ExifImageHeight is -5/],
  ])('refuses %s by name', (_case, tags, message) => {
    const reason = reasonOf(headers({ tags }));
    expect(reason).toMatch(/^InvalidImageMetadata: /);
    expect(reason).toMatch(message);
  });

  it('refuses an EXIF block larger than a JPEG segment can hold, and an image header with a side of 0', () => {
    expect(reasonOf(headers({ exifBytes: MAX_EXIF_BYTES + 1 }))).toMatch(/^InvalidImageMetadata: The EXIF block holds 65537 bytes/);
    expect(reasonOf(headers({ width: 0 }))).toMatch(/^InvalidImageMetadata: The image header says 0x400 px/);
  });
});
