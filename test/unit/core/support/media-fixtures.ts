/** The committed media fixtures (test/fixtures/media/README.md) and files derived from them at run time. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import sharp from 'sharp';

export const mediaFixture = (name: string): Buffer => readFileSync(join(__dirname, '../../../fixtures/media', name));

/** A copy of a HEIF file whose primary-item box (pitm, version 0) names another item. */
export const withPrimaryItem = (heif: Buffer, itemId: number): Buffer => {
  const bytes = Buffer.from(heif);
  const at = bytes.indexOf('pitm', 0, 'latin1');
  if (at < 0) throw new Error('no pitm box');
  // 'pitm', then version and flags (4 bytes), then the 16-bit item id.
  bytes.writeUInt16BE(itemId, at + 8);
  return bytes;
};

/**
 * A copy of a HEIF file whose image spatial extents (every ispe box) declare width x height: the header
 * validation and libheif read, while the coded image inside stays as small as it was.
 */
export const withDeclaredSize = (heif: Buffer, width: number, height: number): Buffer => {
  const bytes = Buffer.from(heif);
  let found = 0;
  for (let at = bytes.indexOf('ispe', 0, 'latin1'); at >= 0; at = bytes.indexOf('ispe', at + 4, 'latin1')) {
    // 'ispe', then version and flags (4 bytes), then the 32-bit width and height.
    bytes.writeUInt32BE(width, at + 8);
    bytes.writeUInt32BE(height, at + 12);
    found += 1;
  }
  if (found === 0) throw new Error('no ispe box');
  return bytes;
};

/** A little-endian TIFF (EXIF) block whose only tag is a maker note of `size` bytes. */
const exifWithMakerNote = (size: number): Buffer => {
  const ifd0 = 8;
  const exifIfd = ifd0 + 18;
  const data = exifIfd + 18;
  const tiff = Buffer.alloc(data + size, 0x41);
  tiff.write('II', 0, 'latin1');
  tiff.writeUInt16LE(42, 2);
  tiff.writeUInt32LE(ifd0, 4);
  // IFD0: one entry, the pointer to the Exif IFD (tag 0x8769, LONG).
  tiff.writeUInt16LE(1, ifd0);
  tiff.writeUInt16LE(0x8769, ifd0 + 2);
  tiff.writeUInt16LE(4, ifd0 + 4);
  tiff.writeUInt32LE(1, ifd0 + 6);
  tiff.writeUInt32LE(exifIfd, ifd0 + 10);
  tiff.writeUInt32LE(0, ifd0 + 14);
  // Exif IFD: one entry, MakerNote (tag 0x927c, UNDEFINED) pointing at the data.
  tiff.writeUInt16LE(1, exifIfd);
  tiff.writeUInt16LE(0x927c, exifIfd + 2);
  tiff.writeUInt16LE(7, exifIfd + 4);
  tiff.writeUInt32LE(size, exifIfd + 6);
  tiff.writeUInt32LE(data, exifIfd + 10);
  tiff.writeUInt32LE(0, exifIfd + 14);
  return tiff;
};

const pngChunk = (type: string, data: Buffer): Buffer => {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0);
  return Buffer.concat([head, data, crc]);
};

/** A real 120x120 PNG with an eXIf chunk holding a maker note of `makerNoteBytes` (PNG puts no limit on it). */
export const pngWithMakerNote = async (makerNoteBytes: number): Promise<Buffer> => {
  const png = await sharp({ create: { width: 120, height: 120, channels: 3, background: { r: 90, g: 140, b: 200 } } }).png().toBuffer();
  const afterIhdr = 8 + 25; // signature, then IHDR (4 + 4 + 13 + 4)
  return Buffer.concat([png.subarray(0, afterIhdr), pngChunk('eXIf', exifWithMakerNote(makerNoteBytes)), png.subarray(afterIhdr)]);
};

/** A two-frame animated WebP. */
export const animatedWebp = async (): Promise<Buffer> => {
  const frames = await Promise.all(
    [0, 200].map((red) => sharp({ create: { width: 100, height: 100, channels: 3, background: { r: red, g: 0, b: 0 } } }).png().toBuffer()),
  );
  return sharp(frames, { join: { animated: true } }).webp().toBuffer();
};
