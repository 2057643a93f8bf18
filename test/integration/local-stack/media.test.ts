/**
 * Every accepted format through the local stack, driven only through the public API: the ticket, the
 * presigned POST, classification by the local model, the thumbnail, the photo metadata and the
 * subscription event. Bad media ends FAILED by name, as a subscriber sees it.
 */
import sharp from 'sharp';
import { graphql, IMAGE_URLS, type Image } from '../../../local/client/graphql';
import { postToTicket, requestUpload } from '../../../local/client/upload';
import { animatedWebp, mediaFixture } from '../../unit/core/support/media-fixtures';
import { contentTypeOf, isFinal, photo, startTestStack, subscribe, waitFor, type TestStack } from './helpers';

jest.setTimeout(180_000);

let t: TestStack;

beforeAll(async () => {
  t = await startTestStack();
});

afterAll(async () => {
  await t?.stop();
});

afterEach(() => {
  if (t?.log.length) console.warn(t.log.join('\n'));
  t?.log.splice(0);
});

/** Ticket, subscription, POST, then the final event as the subscriber received it. */
const uploadAndWait = async (fileName: string, bytes: Buffer, contentType = contentTypeOf(fileName)): Promise<Image> => {
  const ticket = await requestUpload(t.api, { fileName, contentType, fileSize: bytes.length });
  const subscriber = await subscribe(t.realtime, { id: ticket.imageId });
  try {
    expect((await postToTicket(ticket, bytes, { fileName, contentType })).status).toBe(204);
    return await waitFor(() => subscriber.events.find(isFinal), `${fileName} processed`, 90_000);
  } finally {
    subscriber.stop();
  }
};

const download = async (id: string, variant: 'ORIGINAL' | 'THUMBNAIL'): Promise<Buffer> => {
  const { imageUrls } = await graphql<{ imageUrls: Array<{ id: string; url: string }> }>(t.api, IMAGE_URLS, { ids: [id], variant });
  expect(imageUrls.map((u) => u.id)).toEqual([id]);
  const response = await fetch(imageUrls[0]!.url);
  expect(response.status).toBe(200);
  return Buffer.from(await response.arrayBuffer());
};

describe('each accepted format, end to end', () => {
  it.each([
    ['JPEG', 'camera-rotated.jpg', () => mediaFixture('camera-rotated.jpg'), 'jpg', 'CAT', { width: 400, height: 640 }],
    ['PNG', 'plasma-dog.png', () => photo('dog/plasma-dog.png'), 'png', 'DOG', { width: 512, height: 512 }],
    ['HEIC', 'dog.heic', () => mediaFixture('dog.heic'), 'heic', 'DOG', { width: 512, height: 512 }],
    ['WebP', 'cat.webp', () => mediaFixture('cat.webp'), 'webp', 'CAT', { width: 640, height: 640 }],
  ])('%s: classified, thumbnailed, described, and filed as uploaded', async (_format, fileName, bytesOf, imageFormat, animal, sides) => {
    const bytes = bytesOf();
    const event = await uploadAndWait(fileName, bytes);
    expect(event).toMatchObject({ status: 'COMPLETED', detectedAnimal: animal, imageFormat, fileSize: bytes.length, ...sides });
    expect(event.s3Location).toMatch(new RegExp(`/${animal.toLowerCase()}s/${event.id}\\.${imageFormat}$`));

    const thumbnail = await download(event.id, 'THUMBNAIL');
    const meta = await sharp(thumbnail).metadata();
    expect(meta.format).toBe('webp');
    expect(Math.max(meta.width ?? 0, meta.height ?? 0)).toBe(320);
    expect(meta.exif).toBeUndefined();
    // The thumbnail is upright: its shape is the displayed one.
    expect(Math.sign((meta.width ?? 0) - (meta.height ?? 0))).toBe(Math.sign(sides.width - sides.height));
    expect(thumbnail.length).toBeLessThan(bytes.length);

    expect((await download(event.id, 'ORIGINAL')).equals(bytes)).toBe(true);
  });

  it('publishes the camera metadata with the result, and only whether the photo had a location', async () => {
    const event = await uploadAndWait('camera-rotated.jpg', mediaFixture('camera-rotated.jpg'));
    expect(event).toMatchObject({
      takenAt: '2024-05-01T10:30:00+02:00',
      cameraMake: 'Apple',
      cameraModel: 'iPhone 13',
      orientation: 6,
      hasLocation: true,
    });
    expect(JSON.stringify(event)).not.toMatch(/48\.85|2\.294/);
  });
});

describe('bad media ends FAILED by name', () => {
  it.each([
    ['a truncated HEIC', 'cut.heic', () => mediaFixture('dog.heic').subarray(0, 20_000), undefined, /^TruncatedImage: /],
    ['an animated WebP', 'anim.webp', animatedWebp, undefined, /^AnimatedImage: /],
    ['a WebP declared as HEIC', 'cat.heic', async () => mediaFixture('cat.webp'), 'image/heic', /^ContentTypeMismatch: /],
    ['EXIF with the year 0', 'zero.jpg', async () => mediaFixture('exif-year-zero.jpg'), undefined, /^InvalidImageMetadata: /],
  ])('%s', async (_case, fileName, bytesOf, contentType, reason) => {
    const event = await uploadAndWait(fileName, await bytesOf(), contentType);
    expect(event.status).toBe('FAILED');
    expect(event.failureReason).toMatch(reason);
  });
});
