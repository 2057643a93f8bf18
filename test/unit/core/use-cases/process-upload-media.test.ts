/**
 * processUpload with the real media adapter (sharp, exifr, libheif) on the committed fixtures: every
 * accepted format completes with a thumbnail and its metadata, and every kind of bad file ends FAILED by name.
 */
import sharp from 'sharp';
import { SharpImageMedia } from '../../../../functions/adapters/media/sharp-media';
import { DEFAULT_THRESHOLDS } from '../../../../functions/core/settings';
import type { AcceptedContentType, ImageFormat } from '../../../../functions/core/domain';
import type { LabelDetection } from '../../../../functions/core/ports';
import { processUpload, type ProcessUploadDeps } from '../../../../functions/core/use-cases/process-upload';
import { fixedClock, InMemoryDetectionLog, InMemoryObjectStore, pendingRecord, ScriptedClassifier } from '../support/in-memory-ports';
import { jpeg } from '../support/images';
import { animatedWebp, mediaFixture, pngWithMakerNote, withDeclaredSize, withPrimaryItem } from '../support/media-fixtures';

const ID = '0b7d3a52-3f7e-4f0c-8d5b-51a1f2a9c6e4';
const THUMBNAIL = `thumbnails/${ID}.webp`;
const CAT: LabelDetection = { Labels: [{ Name: 'Cat', Confidence: 97 }] };
const CONTENT_TYPES: Record<ImageFormat, AcceptedContentType> = {
  jpg: 'image/jpeg',
  png: 'image/png',
  heic: 'image/heic',
  heif: 'image/heif',
  webp: 'image/webp',
};

const run = async (bytes: Uint8Array, format: ImageFormat, media = new SharpImageMedia()) => {
  const log = new InMemoryDetectionLog();
  const store = new InMemoryObjectStore('test-bucket');
  const classifier = new ScriptedClassifier([CAT]);
  const deps: ProcessUploadDeps = { log, store, classifier, media, clock: fixedClock(), thresholds: DEFAULT_THRESHOLDS };
  const input = `input/${ID}.${format}`;
  await log.createPending(
    pendingRecord(ID, { imageFormat: format, contentType: CONTENT_TYPES[format], objectKey: input, s3Location: `s3://test-bucket/${input}` }),
  );
  store.objects.set(input, bytes);
  const outcome = await processUpload(deps, { bucket: 'test-bucket', key: input });
  return { outcome, record: await log.get(ID), store, classifier };
};

const thumbnailOf = async (store: InMemoryObjectStore) => {
  const bytes = store.objects.get(THUMBNAIL);
  if (!bytes) throw new Error('no thumbnail');
  return sharp(bytes).metadata();
};

describe('processUpload: formats, thumbnails and metadata', () => {
  it.each([
    ['a HEIC', 'dog.heic', 'heic' as const, 320, 320],
    ['a WebP', 'cat.webp', 'webp' as const, 320, 320],
  ])('converts %s to a JPEG for the classifier, sends it as bytes, and files the original untouched', async (_name, file, format, w, h) => {
    const original = mediaFixture(file);
    const { outcome, record, store, classifier } = await run(original, format);

    expect(outcome).toMatchObject({ kind: 'completed', objectKey: `cats/${ID}.${format}` });
    const sent = classifier.calls[0];
    expect(sent?.converted).toBe(true);
    expect([...(sent?.bytes.subarray(0, 3) ?? [])]).toEqual([0xff, 0xd8, 0xff]);
    expect(sent?.bytes.length).toBeLessThanOrEqual(5 * 1024 * 1024);
    expect(Buffer.from(store.objects.get(`cats/${ID}.${format}`)!).equals(original)).toBe(true);
    expect(await thumbnailOf(store)).toMatchObject({ format: 'webp', width: w, height: h });
    expect(record).toMatchObject({ status: 'COMPLETED', thumbnailKey: THUMBNAIL, metadata: { width: 512 + (format === 'webp' ? 128 : 0) } });
  });

  it('makes the thumbnail upright from the EXIF orientation, strips all metadata, and never keeps GPS coordinates', async () => {
    const original = mediaFixture('camera-rotated.jpg');
    const { record, store, classifier } = await run(original, 'jpg');

    const thumbnail = await thumbnailOf(store);
    // Stored 640 x 400 with orientation 6: displayed 400 x 640, so the thumbnail is portrait.
    expect(thumbnail).toMatchObject({ format: 'webp', width: 200, height: 320 });
    expect(thumbnail.exif).toBeUndefined();
    expect(thumbnail.icc).toBeUndefined();
    expect(thumbnail.xmp).toBeUndefined();
    expect(record?.metadata).toEqual({
      width: 400,
      height: 640,
      takenAt: '2024-05-01T10:30:00+02:00',
      cameraMake: 'Apple',
      cameraModel: 'iPhone 13',
      orientation: 6,
      hasLocation: true,
    });
    expect(JSON.stringify(record)).not.toMatch(/48\.85|2\.294|latitude|longitude/i);
    // A JPEG is classified from S3 as uploaded, and filed byte for byte.
    expect(classifier.calls[0]?.converted).toBeUndefined();
    expect(Buffer.from(store.objects.get(`cats/${ID}.jpg`)!).equals(original)).toBe(true);
  });

  it('uses the primary image of a multi-image HEIF file, wherever it is', async () => {
    const file = mediaFixture('dog-and-cat.heic');
    // heif-enc made the dog (512 x 512) primary; the copy names the cat (640 x 400) instead.
    const dogFirst = await run(file, 'heif');
    expect(await thumbnailOf(dogFirst.store)).toMatchObject({ width: 320, height: 320 });
    const catPrimary = await run(withPrimaryItem(file, 2), 'heif');
    expect(await thumbnailOf(catPrimary.store)).toMatchObject({ width: 320, height: 200 });
    expect((await sharp(catPrimary.classifier.calls[0]!.bytes).metadata())).toMatchObject({ width: 640, height: 400 });
  });

  it('does not enlarge a small image for its thumbnail', async () => {
    const { store } = await run(await jpeg(160, 120), 'jpg');
    expect(await thumbnailOf(store)).toMatchObject({ width: 160, height: 120 });
  });
});

describe('processUpload: bad media ends FAILED by name, without a classifier call', () => {
  const heic = mediaFixture('dog.heic');
  const withBrand = (brand: string): Buffer => {
    const bytes = Buffer.from(heic);
    bytes.write(brand, 8, 'latin1');
    return bytes;
  };
  /** A JPEG whose header and end marker are fine but whose entropy-coded data is garbage. */
  const corruptPastHeader = async (): Promise<Buffer> => {
    const bytes = Buffer.from(await sharp({ create: { width: 400, height: 300, channels: 3, background: '#468' } }).jpeg().toBuffer());
    const scan = bytes.indexOf(Buffer.from([0xff, 0xda]));
    // Even bytes, so never 0xff: no marker appears, only Huffman codes that decode to nothing.
    for (let i = scan + 40; i < bytes.length - 2; i += 1) bytes[i] = (i * 73) & 0xfe;
    return bytes;
  };

  it.each([
    ['a HEIC whose brand is a video', async () => withBrand('mp42'), 'heic' as const, /^NotAnImage: /],
    ['a HEIF image sequence', async () => withBrand('msf1'), 'heic' as const, /^AnimatedImage: /],
    ['a truncated HEIC', async () => heic.subarray(0, heic.length / 2), 'heic' as const, /^TruncatedImage: /],
    ['a HEIC whose primary item does not exist', async () => withPrimaryItem(mediaFixture('dog-and-cat.heic'), 9), 'heif' as const, /^UndecodableImage: /],
    ['an animated WebP', animatedWebp, 'webp' as const, /^AnimatedImage: /],
    ['a WebP declared as HEIC', async () => mediaFixture('cat.webp'), 'heic' as const, /^ContentTypeMismatch: /],
    ['EXIF with the year 0', async () => mediaFixture('exif-year-zero.jpg'), 'jpg' as const, /^InvalidImageMetadata: EXIF DateTimeOriginal has the year 0/],
    ['EXIF with sides of 0', async () => mediaFixture('exif-zero-width.jpg'), 'jpg' as const, /^InvalidImageMetadata: EXIF ExifImageWidth is 0/],
    ['a 1 MB maker note', () => pngWithMakerNote(1024 * 1024), 'png' as const, /^InvalidImageMetadata: The EXIF block holds 1048620 bytes/],
    ['a JPEG corrupt past its header', corruptPastHeader, 'jpg' as const, /^UndecodableImage: /],
  ])('%s', async (_name, make, format, reason) => {
    const { outcome, record, classifier, store } = await run(await make(), format);
    expect(outcome).toMatchObject({ kind: 'failed' });
    expect(record?.status).toBe('FAILED');
    expect(record?.failureReason).toMatch(reason);
    expect(classifier.calls).toHaveLength(0);
    expect(store.keys()).toEqual([`input/${ID}.${format}`]);
  });

  it('ends FAILED with ImageTooManyPixels, before any decoding, for a HEIC whose header declares more than the HEIC cap', async () => {
    const declared = withDeclaredSize(heic, 6_000, 5_000);
    const { record, classifier, store } = await run(declared, 'heic');
    expect(record?.status).toBe('FAILED');
    expect(record?.failureReason).toMatch(/^ImageTooManyPixels: The HEIC\/HEIF image is 6000x5000 px/);
    expect(classifier.calls).toHaveLength(0);
    expect(store.keys()).toEqual([`input/${ID}.heic`]);
  });

  it('has the HEIC decoder itself refuse a header over the HEIC cap, without decoding: the check does not rest on validation alone', async () => {
    const declared = withDeclaredSize(heic, 6_000, 5_000);
    // Decoding would fail as UndecodableImage (the coded image is 512 x 512): the refusal comes first.
    await expect(new SharpImageMedia().thumbnail({ bytes: declared, format: 'heic' })).rejects.toMatchObject({ code: 'ImageTooManyPixels' });
  });

  it.each([
    ['a JPEG', () => jpeg(400, 300), 'jpg' as const],
    ['a HEIC', async () => heic, 'heic' as const],
  ])('refuses to decode %s over the pixel cap', async (_name, make, format) => {
    const { record, classifier } = await run(await make(), format, new SharpImageMedia(100_000));
    expect(record?.failureReason).toMatch(/^ImageTooManyPixels: /);
    expect(classifier.calls).toHaveLength(0);
  });
});
