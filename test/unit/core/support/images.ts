/** Real image bytes for tests, made with sharp (and, for formats sharp cannot write, their true file headers). */
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
