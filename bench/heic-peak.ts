/**
 * Child process of `npm run bench:media`: runs the image processor's media step (headers, thumbnail, the
 * JPEG for the classifier) on one HEIC in a fresh process, as a fresh Lambda sandbox would, and prints as
 * JSON the process's resident memory before the step and its peak (VmHWM) after. A fresh process per file,
 * because a process never gives back the wasm memory libheif grew to: the peak is per largest decode.
 * Usage: node --import tsx bench/heic-peak.ts FILE
 */
import { readFileSync } from 'node:fs';
import { SharpImageMedia } from '../functions/adapters/media/sharp-media';
import { MAX_IMAGE_PIXELS } from '../functions/core/image-validation';
import { MAX_CLASSIFIER_BYTES } from '../functions/core/use-cases/process-upload';

const statusKb = (field: 'VmRSS' | 'VmHWM'): number => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0);

const main = async (): Promise<void> => {
  const file = process.argv[2];
  if (!file) throw new Error('usage: heic-peak.ts FILE');
  const image = { bytes: new Uint8Array(readFileSync(file)), format: 'heic' as const };
  // Past the HEIC cap, so that the bench can measure what a HEIC over it would cost.
  const media = new SharpImageMedia(MAX_IMAGE_PIXELS, MAX_IMAGE_PIXELS);
  const before = statusKb('VmHWM');
  const started = performance.now();
  const headers = await media.readHeaders(image);
  await media.thumbnail(image);
  await media.toJpeg(image, MAX_CLASSIFIER_BYTES);
  console.log(
    JSON.stringify({
      width: headers.width,
      height: headers.height,
      megapixels: (headers.width * headers.height) / 1e6,
      rssBeforeMb: before / 1024,
      peakRssMb: statusKb('VmHWM') / 1024,
      ms: Math.round(performance.now() - started),
    }),
  );
};

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
