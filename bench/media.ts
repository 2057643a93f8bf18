/**
 * `npm run bench:media`: what the media step costs and saves, on the reference photos (test/fixtures/photos).
 * - Gallery page: the bytes 24 images transfer as originals and as the thumbnails the processor writes.
 * - CPU per image for the processor's media step on a JPEG (headers + EXIF + thumbnail), p50 and p90.
 * - A 12 MP photo (4032 x 3024): the media step's CPU on it as a JPEG, and decoding it as a HEIC with
 *   libheif-js, first call (wasm start-up) and steady. The 12 MP files are made here in a temporary folder,
 *   the HEIC with heif-enc (Debian libheif-examples); without heif-enc that part is skipped and says so.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { decodeHeifPrimary } from '../functions/adapters/media/heif-decoder';
import { SharpImageMedia } from '../functions/adapters/media/sharp-media';
import { CONTENT_TYPE_BY_EXTENSION, FORMAT_BY_CONTENT_TYPE, type ImageFormat } from '../functions/core/domain';
import { toImageMetadata } from '../functions/core/image-metadata';
import { MAX_IMAGE_PIXELS } from '../functions/core/image-validation';
import { PHOTOS_DIR } from '../test/fixtures/photos';

const GALLERY_PAGE = 24;
const ROUNDS = 5;

const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
};

const cpuMs = async (work: () => Promise<unknown>): Promise<number> => {
  const before = process.cpuUsage();
  await work();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000;
};

const formatOf = (name: string): ImageFormat | undefined => {
  const type = CONTENT_TYPE_BY_EXTENSION[name.slice(name.lastIndexOf('.') + 1).toLowerCase()];
  return type && FORMAT_BY_CONTENT_TYPE[type];
};

const photos = ['cat', 'dog', 'other'].flatMap((dir) =>
  readdirSync(join(PHOTOS_DIR, dir))
    .sort()
    .flatMap((name) => {
      const format = formatOf(name);
      return format ? [{ name: `${dir}/${name}`, format, bytes: readFileSync(join(PHOTOS_DIR, dir, name)) }] : [];
    }),
);

const photo12mp = async (): Promise<Record<string, unknown>> => {
  const dir = mkdtempSync(join(tmpdir(), 'pet-detector-heic-'));
  try {
    const source = photos.find((p) => p.format === 'jpg' && p.bytes.length > 50_000) ?? photos[0]!;
    // An upscaled photo with grain, so the encoder has real 12 MP detail to work on.
    const { data, info } = await sharp(source.bytes).resize(4032, 3024, { fit: 'fill' }).raw().toBuffer({ resolveWithObject: true });
    for (let i = 0; i < data.length; i += 1) data[i] = Math.min(255, Math.max(0, data[i]! + ((i * 2654435761) % 17) - 8));
    await sharp(data, { raw: info }).jpeg({ quality: 90 }).toFile(join(dir, 'in.jpg'));
    // The same 12 MP photo as a JPEG, as most phones upload it: the media step shrinks it on load.
    const jpeg = { bytes: readFileSync(join(dir, 'in.jpg')), format: 'jpg' as const };
    const jpegMedia = new SharpImageMedia();
    await jpegMedia.thumbnail(jpeg);
    const jpegCpu: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      jpegCpu.push(await cpuMs(async () => {
        toImageMetadata(await jpegMedia.readHeaders(jpeg));
        await jpegMedia.thumbnail(jpeg);
      }));
    }
    const jpeg12mp = {
      jpegBytes: jpeg.bytes.length,
      thumbnailBytes: (await jpegMedia.thumbnail(jpeg)).length,
      mediaStepCpuMsP50: Math.round(percentile(jpegCpu, 50)),
    };
    try {
      execFileSync('heif-enc', ['-q', '70', '-o', join(dir, 'out.heic'), join(dir, 'in.jpg')], { stdio: 'ignore' });
    } catch {
      return { jpeg12mp, heic: 'skipped: heif-enc not found (apt-get install -y libheif-examples)' };
    }
    const bytes = readFileSync(join(dir, 'out.heic'));
    const timings: number[] = [];
    const cpu: number[] = [];
    const rssBefore = process.memoryUsage().rss;
    let peakRss = rssBefore;
    for (let i = 0; i < 4; i += 1) {
      const started = performance.now();
      cpu.push(await cpuMs(() => decodeHeifPrimary(bytes, MAX_IMAGE_PIXELS)));
      timings.push(performance.now() - started);
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }
    const media = new SharpImageMedia();
    const started = performance.now();
    await media.thumbnail({ bytes, format: 'heic' });
    await media.toJpeg({ bytes, format: 'heic' }, 5 * 1024 * 1024);
    return {
      jpeg12mp,
      heicBytes: bytes.length,
      firstDecodeMs: Math.round(timings[0]!),
      steadyDecodeMs: Math.round(percentile(timings.slice(1), 50)),
      steadyDecodeCpuMs: Math.round(percentile(cpu.slice(1), 50)),
      thumbnailAndJpegMs: Math.round(performance.now() - started),
      rssGrowthMb: Math.round((peakRss - rssBefore) / 1024 / 1024),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

const main = async (): Promise<void> => {
  const media = new SharpImageMedia();
  const page = photos.slice(0, GALLERY_PAGE);
  const thumbnails = await Promise.all(page.map((p) => media.thumbnail(p)));
  const originalBytes = page.reduce((sum, p) => sum + p.bytes.length, 0);
  const thumbnailBytes = thumbnails.reduce((sum, t) => sum + t.length, 0);

  // Warm sharp and exifr, then time each JPEG's media step, one at a time, ROUNDS times.
  const jpegs = photos.filter((p) => p.format === 'jpg');
  for (const p of jpegs.slice(0, 3)) await media.thumbnail(p);
  const perImage: number[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const p of jpegs) {
      perImage.push(await cpuMs(async () => {
        toImageMetadata(await media.readHeaders(p));
        await media.thumbnail(p);
      }));
    }
  }

  console.log(
    JSON.stringify(
      {
        galleryPage: {
          images: page.length,
          originalBytes,
          thumbnailBytes,
          fewerBytes: Number((originalBytes / thumbnailBytes).toFixed(1)),
        },
        jpegMediaStepCpuMs: {
          images: perImage.length,
          p50: Number(percentile(perImage, 50).toFixed(1)),
          p90: Number(percentile(perImage, 90).toFixed(1)),
        },
        photo12mp: await photo12mp(),
        loadAverage: (await import('node:os')).loadavg().map((l) => Number(l.toFixed(1))),
      },
      null,
      2,
    ),
  );
};

void main();
