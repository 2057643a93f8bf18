/**
 * `npm run bench:media`: what the media step costs and saves, on the reference photos (test/fixtures/photos).
 * - Gallery page: the bytes 24 images transfer as originals and as the thumbnails the processor writes.
 * - CPU per image for the processor's media step on a JPEG (headers + EXIF + thumbnail), p50 and p90.
 * - A 12 MP photo (4032 x 3024): the media step's CPU on it as a JPEG, and decoding it as a HEIC with
 *   libheif-js, first call (wasm start-up) and steady. The 12 MP files are made here in a temporary folder,
 *   the HEIC with heif-enc (Debian libheif-examples); without heif-enc that part is skipped and says so.
 * - The processor's peak memory on a HEIC of 3, 12, 24 and 48 MP (`--heic-sizes`), each in a fresh process
 *   (bench/heic-peak.ts), and the megabytes per megapixel that sets the HEIC pixel cap (image-validation.ts).
 */
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { decodeHeifPrimary } from '../functions/adapters/media/heif-decoder';
import { SharpImageMedia } from '../functions/adapters/media/sharp-media';
import { CONTENT_TYPE_BY_EXTENSION, FORMAT_BY_CONTENT_TYPE, type ImageFormat } from '../functions/core/domain';
import { toImageMetadata } from '../functions/core/image-metadata';
import { MAX_HEIF_PIXELS, MAX_IMAGE_PIXELS } from '../functions/core/image-validation';
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

/** An upscaled reference photo with grain, as a JPEG of width x height, so the encoder has real detail to work on. */
const grainyJpeg = async (width: number, height: number, path: string): Promise<void> => {
  const source = photos.find((p) => p.format === 'jpg' && p.bytes.length > 50_000) ?? photos[0]!;
  const { data, info } = await sharp(source.bytes).resize(width, height, { fit: 'fill' }).raw().toBuffer({ resolveWithObject: true });
  for (let i = 0; i < data.length; i += 1) data[i] = Math.min(255, Math.max(0, data[i]! + ((i * 2654435761) % 17) - 8));
  await sharp(data, { raw: info }).jpeg({ quality: 90 }).toFile(path);
};

const photo12mp = async (): Promise<Record<string, unknown>> => {
  const dir = mkdtempSync(join(tmpdir(), 'pet-detector-heic-'));
  try {
    await grainyJpeg(4032, 3024, join(dir, 'in.jpg'));
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

/** Sides of a 4:3 photo of about this many megapixels (even, as encoders want). */
const sidesOf = (megapixels: number): [number, number] => {
  const width = 2 * Math.round(Math.sqrt((megapixels * 1e6 * 4) / 3) / 2);
  return [width, 2 * Math.round((width * 3) / 4 / 2)];
};

/**
 * The processor's peak memory per HEIC size, each in a fresh process (bench/heic-peak.ts), and the least-squares
 * line through them: a fixed part (Node, sharp, libheif's wasm) and megabytes per megapixel.
 */
const heicMemory = async (sizes: number[]): Promise<Record<string, unknown>> => {
  const dir = mkdtempSync(join(tmpdir(), 'pet-detector-heic-memory-'));
  try {
    const points: Array<{ megapixels: number; peakRssMb: number; rssBeforeMb: number; ms: number }> = [];
    for (const megapixels of sizes) {
      const [width, height] = sidesOf(megapixels);
      await grainyJpeg(width, height, join(dir, 'in.jpg'));
      try {
        // ultrafast: decoding costs the same whatever the encoder's effort, and a 48 MP encode at the default takes minutes.
        execFileSync('heif-enc', ['-q', '70', '-p', 'preset=ultrafast', '-o', join(dir, 'in.heic'), join(dir, 'in.jpg')], { stdio: 'ignore' });
      } catch {
        return { skipped: 'heif-enc not found (apt-get install -y libheif-examples)' };
      }
      const out = execFileSync(process.execPath, ['--import', 'tsx', join(__dirname, 'heic-peak.ts'), join(dir, 'in.heic')], { encoding: 'utf8' });
      points.push(JSON.parse(out.trim().split('\n').at(-1) as string));
    }
    const n = points.length;
    const mean = (f: (p: (typeof points)[number]) => number) => points.reduce((sum, p) => sum + f(p), 0) / n;
    const mx = mean((p) => p.megapixels);
    const my = mean((p) => p.peakRssMb);
    const slope = points.reduce((sum, p) => sum + (p.megapixels - mx) * (p.peakRssMb - my), 0) / points.reduce((sum, p) => sum + (p.megapixels - mx) ** 2, 0);
    const fixed = my - slope * mx;
    return {
      runtime: `node ${process.versions.node}`,
      points: points.map((p) => ({ megapixels: Number(p.megapixels.toFixed(1)), peakRssMb: Math.round(p.peakRssMb), beforeMb: Math.round(p.rssBeforeMb), ms: p.ms })),
      mbPerMegapixel: Number(slope.toFixed(1)),
      fixedMb: Math.round(fixed),
      predictedPeakMb: {
        [`heif cap ${MAX_HEIF_PIXELS / 1e6} MP`]: Math.round(fixed + (slope * MAX_HEIF_PIXELS) / 1e6),
        [`pixel cap ${MAX_IMAGE_PIXELS / 1e6} MP`]: Math.round(fixed + (slope * MAX_IMAGE_PIXELS) / 1e6),
      },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

const main = async (): Promise<void> => {
  const { values } = parseArgs({ options: { 'heic-sizes': { type: 'string', default: '3,12,24,48' } } });
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
        heicMemory: await heicMemory(values['heic-sizes'].split(',').map(Number)),
        loadAverage: (await import('node:os')).loadavg().map((l) => Number(l.toFixed(1))),
      },
      null,
      2,
    ),
  );
};

void main();
