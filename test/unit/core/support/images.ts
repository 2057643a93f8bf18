/** Real image bytes for tests, made with sharp (and, for formats sharp cannot write, their true file headers). */
import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';

const solid = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 3, background: { r: 180, g: 120, b: 60 } } });

export const jpeg = (width = 120, height = 90): Promise<Buffer> => solid(width, height).jpeg().toBuffer();
export const png = (width = 120, height = 90): Promise<Buffer> => solid(width, height).png().toBuffer();
export const gif = (width = 120, height = 90): Promise<Buffer> => solid(width, height).gif().toBuffer();
export const webp = (width = 120, height = 90): Promise<Buffer> => solid(width, height).webp().toBuffer();

/** The first box of an iPhone HEIC file: 'ftyp' with the 'heic' major brand (libvips here cannot encode HEVC). */
export const heicHeader = (): Buffer =>
  Buffer.concat([
    Buffer.from([0x00, 0x00, 0x00, 0x18]),
    Buffer.from('ftypheic', 'ascii'),
    Buffer.from([0x00, 0x00, 0x00, 0x00]),
    Buffer.from('mif1heic', 'ascii'),
    Buffer.alloc(64),
  ]);

export const svgWithScript = (): Buffer =>
  Buffer.from(
    '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="200" height="200">' +
      '<script>alert(document.cookie)</script><rect width="200" height="200"/></svg>',
  );

const pngChunk = (type: string, data: Buffer): Buffer => {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
};

/**
 * A decompression bomb: a whole, valid 1-bit greyscale PNG of width x height black pixels. Its rows of zeros
 * deflate about a thousandfold, so 10,000 x 10,000 px (100 MP, 12.5 MB of rows, 400 MB as RGBA) is ~12 KB.
 */
export const pngBomb = (width: number, height: number): Buffer => {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([1, 0, 0, 0, 0], 8); // bit depth 1, greyscale, deflate, adaptive filtering, no interlace
  const rows = Buffer.alloc((1 + Math.ceil(width / 8)) * height); // each row: filter byte 0, then the bits
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', deflateSync(rows, { level: 9 })),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
};
