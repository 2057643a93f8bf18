/**
 * The product end to end on the local stack: real emulators, the real handlers, resolvers and local
 * model, driven only through the public API (requestUpload, the presigned POST, queries, subscriptions).
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { HeadObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { GET_IMAGE, graphql, graphqlRaw, LIST_IMAGES, listImages, type Image } from '../../../local/client/graphql';
import { RealtimeClient } from '../../../local/client/realtime';
import { postToTicket, requestUpload } from '../../../local/client/upload';
import { main as listCli } from '../../../local/cli/list';
import { main as uploadCli } from '../../../local/cli/upload';
import { encodeS3EventKey } from '../../../local/wiring/s3-notifications';
import { photoPath } from '../../fixtures/photos';
import { contentTypeOf, isFinal, photo, sleep, startTestStack, subscribe, upload, waitFor, type TestStack } from './helpers';
import { objectCreatedRecord } from '../../../local/wiring/upload-recovery';

jest.setTimeout(120_000);

const CAT = 'cat/gdkpixbuf-cat.jpg';
const DOG = 'dog/plasma-dog.png';
const UNCERTAIN_DOG = 'dog/gnomefaces-puppy.jpg';
const OTHER = 'other/opencv-apple.jpg';

let t: TestStack;

beforeAll(async () => {
  t = await startTestStack({ writeOutputs: true });
});

afterAll(async () => {
  await t?.stop();
});

afterEach(() => {
  // A failed expectation is easier to read next to what the stack itself complained about.
  if (t?.log.length) console.warn(t.log.join('\n'));
  t?.log.splice(0);
});

const getImage = async (id: string) => (await graphql<{ image: Image | null }>(t.api, GET_IMAGE, { id })).image;

const waitForFinal = (events: Image[], what: string) => waitFor(() => events.find((e) => isFinal(e)), what);

const objectExists = async (key: string) =>
  t.s3
    .send(new HeadObjectCommand({ Bucket: t.stack.outputs.BucketName, Key: key }))
    .then(() => true)
    .catch(() => false);

const inputKeys = async () =>
  (await t.s3.send(new ListObjectsV2Command({ Bucket: t.stack.outputs.BucketName, Prefix: 'input/' }))).Contents?.map((o) => o.Key) ?? [];

describe('an uploaded cat and dog', () => {
  const uploaded: Record<string, { id: string; events: Image[] }> = {};
  let otherAnimalSubscriber: Awaited<ReturnType<typeof subscribe>>;
  let otherIdSubscriber: Awaited<ReturnType<typeof subscribe>>;

  beforeAll(async () => {
    otherAnimalSubscriber = await subscribe(t.realtime, { detectedAnimal: 'OTHER' });
    otherIdSubscriber = await subscribe(t.realtime, { id: randomUUID() });
    for (const file of [CAT, DOG]) {
      const bytes = photo(file);
      const ticket = await requestUpload(t.api, { fileName: file.split('/')[1] as string, contentType: contentTypeOf(file), fileSize: bytes.length });
      // Subscribe before the POST, as a client must, so the result cannot slip past.
      const subscriber = await subscribe(t.realtime, { id: ticket.imageId });
      const posted = await postToTicket(ticket, bytes, { contentType: contentTypeOf(file) });
      expect(posted.status).toBe(204);
      uploaded[file] = { id: ticket.imageId, events: subscriber.events };
    }
    await Promise.all(Object.entries(uploaded).map(([file, u]) => waitForFinal(u.events, `${file} classified`)));
  });

  afterAll(() => {
    otherAnimalSubscriber?.stop();
    otherIdSubscriber?.stop();
  });

  it('are classified as CAT and DOG, and each id subscriber receives every Image field', async () => {
    const cat = uploaded[CAT]?.events.find(isFinal);
    const dog = uploaded[DOG]?.events.find(isFinal);
    expect(cat).toMatchObject({ id: uploaded[CAT]?.id, status: 'COMPLETED', detectedAnimal: 'CAT', uncertain: false, fileName: 'gdkpixbuf-cat.jpg', imageFormat: 'jpg' });
    expect(dog).toMatchObject({ id: uploaded[DOG]?.id, status: 'COMPLETED', detectedAnimal: 'DOG', fileName: 'plasma-dog.png', imageFormat: 'png' });
    for (const image of [cat, dog] as Image[]) {
      expect(image.confidence).toBeGreaterThanOrEqual(80);
      expect(image.fileSize).toBeGreaterThan(0);
      expect(image.labels?.length).toBeGreaterThan(0);
      expect(image.s3Location).toMatch(/^s3:\/\/serverlessapp-local-images\/(cats|dogs)\//);
      expect(Date.parse(image.createdAt)).not.toBeNaN();
      expect(Date.parse(image.classifiedAt ?? '')).not.toBeNaN();
      expect(image.failureReason).toBeNull();
    }
  });

  it('reach no subscriber filtered to another id or another animal', async () => {
    await sleep(500);
    expect(otherAnimalSubscriber.events).toEqual([]);
    expect(otherIdSubscriber.events).toEqual([]);
  });

  it('can be read back with image(id), filed under their animal prefix, with nothing left in input/', async () => {
    const cat = await getImage(uploaded[CAT]?.id as string);
    expect(cat).toMatchObject({ status: 'COMPLETED', detectedAnimal: 'CAT' });
    const catKey = `cats/${cat?.id}.jpg`;
    expect(cat?.s3Location).toBe(`s3://serverlessapp-local-images/${catKey}`);
    expect(await objectExists(catKey)).toBe(true);
    expect(await objectExists(`dogs/${uploaded[DOG]?.id}.png`)).toBe(true);
    expect(await objectExists(`input/${cat?.id}.jpg`)).toBe(false);
    expect(await inputKeys()).toEqual([]);
  });
});

describe('images(filter)', () => {
  it('pages through a filter newest first until nextToken is null; the client and the CLI page on for them', async () => {
    const files = ['cat/emayili-cats-1.jpg', 'cat/labelme-0001.jpg', 'cat/pkgdown-kitten.jpg', OTHER, 'other/opencv-board.jpg'];
    const ids = await Promise.all(files.map(async (file) => (await upload(t.api, file)).ticket.imageId));
    await waitFor(async () => {
      const images = await Promise.all(ids.map(getImage));
      return images.every((i) => i?.status === 'COMPLETED');
    }, 'five more images classified');

    const pages: Image[][] = [];
    let nextToken: string | null | undefined;
    do {
      const { images } = await graphql<{ images: { items: Image[]; nextToken: string | null } }>(t.api, LIST_IMAGES, {
        filter: { detectedAnimal: 'CAT', status: 'COMPLETED' },
        limit: 2,
        nextToken,
      });
      pages.push(images.items);
      // A page holds at most limit items; it may be short while nextToken is set (the read budget).
      expect(images.items.length).toBeLessThanOrEqual(2);
      nextToken = images.nextToken;
    } while (nextToken);

    const listed = pages.flat();
    expect(listed.every((i) => i.detectedAnimal === 'CAT' && i.status === 'COMPLETED')).toBe(true);
    expect(new Set(listed.map((i) => i.id)).size).toBe(listed.length);
    // The three new cats plus the first test's cat; newest first.
    expect(listed).toHaveLength(4);
    expect(listed.map((i) => i.createdAt)).toEqual([...listed.map((i) => i.createdAt)].sort().reverse());
    const others = await graphql<{ images: { items: Image[] } }>(t.api, LIST_IMAGES, { filter: { detectedAnimal: 'OTHER' }, limit: 10 });
    expect(others.images.items.map((i) => i.id).sort()).toEqual([ids[3], ids[4]].sort());

    const collected = await listImages(t.api, { detectedAnimal: 'CAT', status: 'COMPLETED' }, 10);
    expect(collected.items.map((i) => i.id)).toEqual(listed.map((i) => i.id));
    expect(collected.nextToken).toBeNull();

    const printed: string[] = [];
    const log = jest.spyOn(console, 'log').mockImplementation((line: string) => void printed.push(line));
    let code: number;
    try {
      code = await listCli(['--json', '--animal', 'cat', '--status', 'COMPLETED', '--limit', '3', '--outputs', join(t.stateDir, 'outputs.json')]);
    } finally {
      log.mockRestore();
    }
    expect(code).toBe(0);
    const cli = JSON.parse(printed.join('\n')) as { items: Image[]; nextToken: string | null };
    expect(cli.items.map((i) => i.id)).toEqual(listed.slice(0, 3).map((i) => i.id));
    expect(cli.nextToken).toEqual(expect.any(String));
  });
});

describe('an uncertain classification', () => {
  it('produces exactly one SNS message on the topic', async () => {
    const bytes = photo(UNCERTAIN_DOG);
    const ticket = await requestUpload(t.api, { fileName: 'gnomefaces-puppy.jpg', contentType: 'image/jpeg', fileSize: bytes.length });
    const subscriber = await subscribe(t.realtime, { id: ticket.imageId });
    await postToTicket(ticket, bytes, { contentType: 'image/jpeg' });
    const image = await waitForFinal(subscriber.events, 'the puppy classified');
    subscriber.stop();
    expect(image).toMatchObject({ status: 'COMPLETED', detectedAnimal: 'DOG', uncertain: true });

    const alertsFor = () => t.stack.alerts.list().filter((a) => (a.message as { imageId?: string }).imageId === ticket.imageId);
    await waitFor(() => alertsFor().length > 0 || undefined, 'the SNS alert');
    await sleep(1_000);
    expect(alertsFor()).toHaveLength(1);
    expect(alertsFor()[0]).toMatchObject({
      topicArn: t.stack.outputs.TopicArn,
      message: { imageId: ticket.imageId, animal: 'DOG', s3Location: image.s3Location },
    });
    // The console reads the same alerts over HTTP.
    const response = await fetch(t.stack.endpoints.graphqlUrl.replace(/\/graphql$/, '/local/alerts'));
    const body = (await response.json()) as { alerts: Array<{ message: { imageId?: string } }> };
    expect(body.alerts.filter((a) => a.message.imageId === ticket.imageId)).toHaveLength(1);
  });

  it('confident ones produce none', () => {
    const confidentIds = t.stack.alerts.list().map((a) => (a.message as { animal?: string }).animal);
    expect(confidentIds).toEqual(['DOG']);
  });
});

describe('a duplicate S3 event', () => {
  it('gives one record, one publish and one filed object', async () => {
    const sqs = new SQSClient({ region: t.stack.region, endpoint: t.stack.endpoints.sqs, credentials: t.stack.credentials });
    const bytes = photo('cat/gnomefaces-cat.jpg');
    const ticket = await requestUpload(t.api, { fileName: 'gnomefaces-cat.jpg', contentType: 'image/jpeg', fileSize: bytes.length });
    const subscriber = await subscribe(t.realtime, { id: ticket.imageId });
    const key = `input/${ticket.imageId}.jpg`;
    await postToTicket(ticket, bytes, { contentType: 'image/jpeg' });
    // S3 delivers at least once: the same notification again, while the first is still being processed.
    const duplicate = { Records: [objectCreatedRecord(t.stack.outputs.BucketName, t.stack.region, { key: encodeS3EventKey(key), size: bytes.length })] };
    await sqs.send(new SendMessageCommand({ QueueUrl: t.stack.queues.uploads.url, MessageBody: JSON.stringify(duplicate) }));
    await waitForFinal(subscriber.events, 'the cat classified');
    await sleep(1_500);
    subscriber.stop();
    sqs.destroy();

    expect(subscriber.events.filter(isFinal)).toHaveLength(1);
    expect(subscriber.events[0]).toMatchObject({ status: 'COMPLETED', detectedAnimal: 'CAT' });
    const listed = await graphql<{ images: { items: Image[] } }>(t.api, LIST_IMAGES, { limit: 100 });
    expect(listed.images.items.filter((i) => i.id === ticket.imageId)).toHaveLength(1);
    expect(await objectExists(`cats/${ticket.imageId}.jpg`)).toBe(true);
    expect(await inputKeys()).toEqual([]);
  });
});

describe('what the stack rejects', () => {
  it('bytes that are not an image, declared as image/jpeg: the image ends FAILED with NotAnImage', async () => {
    const bytes = Buffer.from('this is a text file pretending to be a JPEG\n'.repeat(20));
    const ticket = await requestUpload(t.api, { fileName: 'fake.jpg', contentType: 'image/jpeg', fileSize: bytes.length });
    const subscriber = await subscribe(t.realtime, { id: ticket.imageId });
    expect((await postToTicket(ticket, bytes, { contentType: 'image/jpeg' })).status).toBe(204);
    const image = await waitForFinal(subscriber.events, 'the fake jpeg judged');
    subscriber.stop();
    expect(image.status).toBe('FAILED');
    expect(image.failureReason).toMatch(/^NotAnImage/);
    expect(image.detectedAnimal).toBeNull();
    expect(await objectExists(`cats/${ticket.imageId}.jpg`)).toBe(false);
  });

  it('a content type the API does not accept', async () => {
    const { body } = await graphqlRaw(t.api, `mutation { requestUpload(input: { fileName: "a.gif", contentType: "image/gif", fileSize: 100 }) { imageId } }`);
    expect(body.data).toBeNull();
    expect(body.errors?.[0]).toMatchObject({ errorType: 'UnsupportedContentType' });
  });

  it('a request without an API key, or with a wrong one', async () => {
    for (const apiKey of [undefined, 'da2-not-the-key']) {
      const { status, body } = await graphqlRaw({ graphqlUrl: t.api.graphqlUrl, apiKey }, GET_IMAGE, { id: randomUUID() });
      expect(status).toBe(401);
      expect(body.errors?.[0]?.errorType).toBe('UnauthorizedException');
      expect(body.data).toBeUndefined();
    }
  });

  it('publishImageClassified called with the API key (it is IAM only)', async () => {
    const { body } = await graphqlRaw<{ publishImageClassified: Image | null }>(
      t.api,
      `mutation { publishImageClassified(input: { id: "${randomUUID()}", status: COMPLETED, createdAt: "2026-01-01T00:00:00Z" }) { id } }`,
    );
    expect(body.data?.publishImageClassified ?? null).toBeNull();
    expect(body.errors?.[0]?.errorType).toMatch(/Unauthorized/);
  });
});

describe('npx pet-detector upload', () => {
  it('uploads through the public API, waits for each result and prints them as JSON', async () => {
    const printed: string[] = [];
    const log = jest.spyOn(console, 'log').mockImplementation((line: string) => void printed.push(line));
    const files = [photoPath('cat/skimage-chelsea.png'), photoPath('dog/dlib-dogs-4.jpg')];
    let code: number;
    try {
      code = await uploadCli(['--json', '--outputs', join(t.stateDir, 'outputs.json'), ...files]);
    } finally {
      log.mockRestore();
    }
    expect(code).toBe(0);
    const results = JSON.parse(printed.join('\n')) as Array<Record<string, unknown>>;
    expect(results).toEqual([
      expect.objectContaining({ file: files[0], status: 'COMPLETED', animal: 'CAT', uncertain: false, error: null }),
      expect.objectContaining({ file: files[1], status: 'COMPLETED', animal: 'DOG', error: null }),
    ]);
    for (const result of results) {
      expect(result.latencyMs).toEqual(expect.any(Number));
      expect((await getImage(result.imageId as string))?.status).toBe('COMPLETED');
    }
  });

  it('exits 2 with usage when given nothing to upload', async () => {
    const error = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      expect(await uploadCli([])).toBe(2);
      expect(error.mock.calls[0]?.[0]).toMatch(/^usage: pet-detector upload/);
    } finally {
      error.mockRestore();
    }
  });
});

describe('HTTPS and WSS with the local CA', () => {
  it('serve the same API: a query over HTTPS, and a subscription over WSS that sees a classification', async () => {
    const ca = readFileSync(t.stack.outputs.CaCertificatePath as string);
    const httpsUrl = new URL(t.stack.endpoints.graphqlUrlHttps as string);
    const body = JSON.stringify({ query: GET_IMAGE, variables: { id: randomUUID() } });
    const answer = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = httpsRequest(
        httpsUrl,
        { method: 'POST', ca, headers: { 'content-type': 'application/json', 'x-api-key': t.stack.apiKey } },
        (res) => {
          let text = '';
          res.on('data', (chunk: Buffer) => (text += chunk.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toEqual({ data: { image: null } });

    const secure = new RealtimeClient({
      realtimeUrl: t.stack.endpoints.realtimeUrlHttps as string,
      graphqlUrl: httpsUrl.toString(),
      apiKey: t.stack.apiKey,
      ca,
    });
    await secure.connect();
    try {
      const bytes = photo('dog/dlib-dogs-2.jpg');
      const ticket = await requestUpload(t.api, { fileName: 'dogs.jpg', contentType: 'image/jpeg', fileSize: bytes.length });
      const subscriber = await subscribe(secure, { id: ticket.imageId });
      await postToTicket(ticket, bytes, { contentType: 'image/jpeg' });
      expect(await waitForFinal(subscriber.events, 'the dog over WSS')).toMatchObject({ id: ticket.imageId, status: 'COMPLETED', detectedAnimal: 'DOG' });
    } finally {
      secure.close();
    }
  });
});
