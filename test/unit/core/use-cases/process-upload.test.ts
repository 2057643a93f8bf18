import { DEFAULT_THRESHOLDS } from '../../../../functions/core/settings';
import { PetDetectorError, TransientError } from '../../../../functions/core/errors';
import type { LabelDetection } from '../../../../functions/core/ports';
import { SharpImageMedia } from '../../../../functions/adapters/media/sharp-media';
import { processUpload, type ProcessUploadDeps } from '../../../../functions/core/use-cases/process-upload';
import {
  fixedClock,
  InMemoryDetectionLog,
  InMemoryObjectStore,
  pendingRecord,
  ScriptedClassifier,
} from '../support/in-memory-ports';
import { jpeg, pngBomb } from '../support/images';

const ID = '5f0c1c9e-8a43-4c41-9b55-0d1c6f8f3a11';
const INPUT = `input/${ID}.jpg`;
const THUMBNAIL = `thumbnails/${ID}.webp`;
const CAT: LabelDetection = { Labels: [{ Name: 'Cat', Confidence: 96.5 }, { Name: 'Pet', Confidence: 96.5 }] };
const UNSURE: LabelDetection = { Labels: [{ Name: 'Dog', Confidence: 70 }] };

const setup = async (script: Array<LabelDetection | Error> = [CAT]) => {
  const log = new InMemoryDetectionLog();
  const store = new InMemoryObjectStore('test-bucket');
  const classifier = new ScriptedClassifier(script);
  const deps: ProcessUploadDeps = {
    log,
    store,
    classifier,
    media: new SharpImageMedia(),
    clock: fixedClock(),
    thresholds: DEFAULT_THRESHOLDS,
  };
  await log.createPending(pendingRecord(ID));
  store.objects.set(INPUT, await jpeg(160, 120));
  return { log, store, classifier, deps, upload: { bucket: 'test-bucket', key: INPUT } };
};

describe('processUpload', () => {
  it('classifies, files the object under its animal prefix, writes its thumbnail, completes the record and empties input/', async () => {
    const { log, store, deps, upload, classifier } = await setup();
    const outcome = await processUpload(deps, upload);

    expect(outcome).toMatchObject({ kind: 'completed', imageId: ID, objectKey: `cats/${ID}.jpg` });
    // A JPEG goes to the classifier as the S3 object itself, not converted.
    expect(classifier.calls).toEqual([expect.objectContaining({ bucket: 'test-bucket', key: INPUT })]);
    expect(classifier.calls[0]?.converted).toBeUndefined();
    expect(store.keys()).toEqual([`cats/${ID}.jpg`, THUMBNAIL]);
    expect(store.contentTypes.get(THUMBNAIL)).toBe('image/webp');
    expect(await log.get(ID)).toMatchObject({
      status: 'COMPLETED',
      detectedAnimal: 'CAT',
      confidence: 96.5,
      uncertain: false,
      objectKey: `cats/${ID}.jpg`,
      s3Location: `s3://test-bucket/cats/${ID}.jpg`,
      classifiedAt: '2026-11-22T03:00:00.000Z',
      // The real size replaces the declared one (the ticket only capped it).
      fileSize: store.objects.get(`cats/${ID}.jpg`)!.length,
      thumbnailKey: THUMBNAIL,
      metadata: { width: 160, height: 120, hasLocation: false },
    });
    expect(log.transitions.map((t) => t.to)).toEqual(['PROCESSING', 'COMPLETED']);
  });

  it('records an uncertain result as COMPLETED with the flag set', async () => {
    const { log, deps, upload } = await setup([UNSURE]);
    await processUpload(deps, upload);
    expect(await log.get(ID)).toMatchObject({ status: 'COMPLETED', detectedAnimal: 'DOG', uncertain: true, objectKey: `dogs/${ID}.jpg` });
  });

  it('changes nothing and classifies nothing on a duplicate event', async () => {
    const { log, store, deps, upload, classifier } = await setup();
    await processUpload(deps, upload);
    const before = structuredClone(await log.get(ID));

    expect(await processUpload(deps, upload)).toEqual({ kind: 'duplicate', imageId: ID });
    expect(classifier.calls).toHaveLength(1);
    expect(await log.get(ID)).toEqual(before);
    expect(log.transitions.filter((t) => t.to === 'COMPLETED')).toHaveLength(1);
    expect(store.keys()).toEqual([`cats/${ID}.jpg`, THUMBNAIL]);
  });

  it('completes exactly once when two deliveries of the same event race', async () => {
    const { log, store, deps, upload } = await setup();
    const outcomes = await Promise.all([processUpload(deps, upload), processUpload(deps, upload)]);
    expect(outcomes.map((o) => o.kind).sort()).toEqual(['completed', 'duplicate']);
    expect(log.transitions.filter((t) => t.to === 'COMPLETED')).toHaveLength(1);
    expect(store.keys()).toEqual([`cats/${ID}.jpg`, THUMBNAIL]);
  });

  it('reports, and does not delete, its own copy when a racing delivery filed the image elsewhere', async () => {
    const DOG: LabelDetection = { Labels: [{ Name: 'Dog', Confidence: 96.5 }] };
    const { log, store, deps, upload, classifier } = await setup([CAT, DOG]);
    // Both deliveries reach the classifier before either files the image.
    const detect = classifier.detectLabels.bind(classifier);
    let arrived = 0;
    let bothArrived!: () => void;
    const barrier = new Promise<void>((resolve) => (bothArrived = resolve));
    classifier.detectLabels = async (image) => {
      arrived += 1;
      if (arrived === 2) bothArrived();
      await barrier;
      return detect(image);
    };
    const outcomes = await Promise.all([processUpload(deps, upload), processUpload(deps, upload)]);
    const won = outcomes.find((o) => o.kind === 'completed');
    const filed = won?.kind === 'completed' ? won.objectKey : 'none';
    const other = filed === `cats/${ID}.jpg` ? `dogs/${ID}.jpg` : `cats/${ID}.jpg`;
    // The processor may delete only under input/ in AWS, so the loser's copy stays and is named.
    expect(outcomes.find((o) => o.kind === 'duplicate')).toEqual({ kind: 'duplicate', imageId: ID, strayCopy: other });
    expect((await log.get(ID))?.objectKey).toBe(filed);
    expect(store.keys().sort()).toEqual([`cats/${ID}.jpg`, `dogs/${ID}.jpg`, THUMBNAIL]);
  });

  it('treats an object already moved by another delivery as a duplicate', async () => {
    const { log, store, deps, upload } = await setup();
    // The other delivery finishes while this one is between its status check and its read.
    store.beforeRead = () => {
      store.objects.set(`cats/${ID}.jpg`, store.objects.get(INPUT)!);
      store.objects.delete(INPUT);
      void log.complete(ID, {
        animal: 'CAT', confidence: 96.5, uncertain: false, labels: [],
        objectKey: `cats/${ID}.jpg`, s3Location: `s3://test-bucket/cats/${ID}.jpg`, classifiedAt: '2026-11-22T03:00:00.000Z',
      });
    };
    expect(await processUpload(deps, upload)).toEqual({ kind: 'duplicate', imageId: ID });
    expect((await log.get(ID))?.status).toBe('COMPLETED');
  });

  it('treats an input deleted by a finishing delivery during the copy as a duplicate', async () => {
    const { log, store, deps, upload } = await setup();
    const copy = store.copy.bind(store);
    store.copy = async (from, to, version) => {
      // The other delivery completes and deletes the input just before this copy.
      await log.complete(ID, {
        animal: 'CAT', confidence: 96.5, uncertain: false, labels: [],
        objectKey: `cats/${ID}.jpg`, s3Location: `s3://test-bucket/cats/${ID}.jpg`, classifiedAt: '2026-11-22T03:00:00.000Z',
      });
      store.objects.set(`cats/${ID}.jpg`, store.objects.get(INPUT)!);
      store.objects.delete(INPUT);
      return copy(from, to, version);
    };
    expect(await processUpload(deps, upload)).toEqual({ kind: 'duplicate', imageId: ID });
    expect(log.transitions.filter((t) => t.to === 'COMPLETED')).toHaveLength(1);
    expect(store.keys()).toEqual([`cats/${ID}.jpg`, THUMBNAIL]);
  });

  it('files exactly the version it classified: a ticket used again mid-classification leaves this delivery with nothing to record', async () => {
    const DOG: LabelDetection = { Labels: [{ Name: 'Dog', Confidence: 96.5 }] };
    const { log, store, deps, upload, classifier } = await setup([CAT, DOG]);
    const first = store.objects.get(INPUT)!;
    const second = await jpeg(200, 150);
    // The ticket is used a second time while the first upload is being classified.
    const detect = classifier.detectLabels.bind(classifier);
    classifier.detectLabels = async (image) => {
      if (image.bytes === first) store.objects.set(INPUT, second);
      return detect(image);
    };

    // The first delivery classified the cat photo; the key now holds the second one: it files nothing.
    expect(await processUpload(deps, upload)).toEqual({ kind: 'duplicate', imageId: ID, superseded: true });
    expect(store.keys()).not.toContain(`cats/${ID}.jpg`);
    expect((await log.get(ID))?.status).toBe('PROCESSING');

    // The second upload's own event classifies and files the bytes that are there.
    expect(await processUpload(deps, upload)).toMatchObject({ kind: 'completed', objectKey: `dogs/${ID}.jpg` });
    expect(Buffer.compare(store.objects.get(`dogs/${ID}.jpg`)!, second)).toBe(0);
    expect(await log.get(ID)).toMatchObject({ status: 'COMPLETED', detectedAnimal: 'DOG', fileSize: second.length });
  });

  it('fails the record, by name, when the uploaded object is missing', async () => {
    const { log, store, deps, upload, classifier } = await setup();
    store.objects.delete(INPUT);
    expect(await processUpload(deps, upload)).toMatchObject({ kind: 'failed', reason: expect.stringMatching(/^UploadMissing: /) });
    expect(classifier.calls).toHaveLength(0);
    expect((await log.get(ID))?.status).toBe('FAILED');
  });

  it('fails bytes that are not an image without calling the classifier', async () => {
    const { log, store, deps, upload, classifier } = await setup();
    store.objects.set(INPUT, Buffer.from('definitely not a photo'));
    const outcome = await processUpload(deps, upload);
    expect(outcome).toMatchObject({ kind: 'failed' });
    expect(classifier.calls).toHaveLength(0);
    expect(await log.get(ID)).toMatchObject({
      status: 'FAILED',
      failureReason: expect.stringMatching(/^NotAnImage: The file is not a JPEG, PNG, HEIC\/HEIF or WebP/),
    });
    // A failed upload stays where it landed (for diagnosis; the bucket's lifecycle expires input/).
    expect(store.keys()).toEqual([INPUT]);
  });

  it('fails a 10,000 x 10,000 PNG decompression bomb by name, without calling the classifier', async () => {
    const { log, store, deps, classifier } = await setup();
    const bombId = '7d4a6f21-0c7e-4d7b-9f59-3c2b8e1a9d40';
    await log.createPending(pendingRecord(bombId, { contentType: 'image/png', imageFormat: 'png', objectKey: `input/${bombId}.png` }));
    store.objects.set(`input/${bombId}.png`, pngBomb(10_000, 10_000));
    expect(await processUpload(deps, { bucket: 'test-bucket', key: `input/${bombId}.png` })).toMatchObject({ kind: 'failed' });
    expect(classifier.calls).toHaveLength(0);
    expect((await log.get(bombId))?.failureReason).toMatch(/^ImageTooManyPixels: The image is 10000x10000 px/);
  });

  it('fails at once when the classifier rejects the image for good', async () => {
    const rejected = new PetDetectorError('ClassifierRejectedImage', 'Rekognition could not read the image (InvalidImageFormatException)');
    const { log, deps, upload } = await setup([rejected]);
    expect(await processUpload(deps, upload)).toMatchObject({ kind: 'failed' });
    expect((await log.get(ID))?.failureReason).toBe('ClassifierRejectedImage: Rekognition could not read the image (InvalidImageFormatException)');
  });

  it('rethrows a transient classifier fault for the queue to retry, leaving everything in place', async () => {
    const throttled = new TransientError('ClassifierThrottled', 'Rekognition is busy');
    const { log, store, deps, upload } = await setup([throttled, CAT]);
    await expect(processUpload(deps, upload)).rejects.toBe(throttled);
    expect((await log.get(ID))?.status).toBe('PROCESSING');
    // The thumbnail may already be there: the retry rewrites the same key.
    expect(store.keys()).toEqual([INPUT, THUMBNAIL]);

    expect(await processUpload(deps, upload)).toMatchObject({ kind: 'completed' });
  });

  it('records FAILED on the last delivery of a transient fault, and still throws so the message reaches the DLQ', async () => {
    const throttled = new TransientError('ClassifierThrottled', 'Rekognition is busy');
    const { log, deps, upload } = await setup([throttled]);
    await expect(processUpload(deps, { ...upload, finalAttempt: true })).rejects.toBe(throttled);
    expect(await log.get(ID)).toMatchObject({
      status: 'FAILED',
      failureReason: 'ClassifierThrottled: Rekognition is busy (gave up after the last retry)',
    });
  });

  it('recovers from a crash between COMPLETE and deleting the input: the redelivery only tidies up', async () => {
    const { store, deps, upload, classifier } = await setup();
    await processUpload(deps, upload);
    store.objects.set(INPUT, await jpeg(160, 120)); // as if the delete never happened
    expect(await processUpload(deps, upload)).toEqual({ kind: 'duplicate', imageId: ID });
    expect(store.keys()).toEqual([`cats/${ID}.jpg`, THUMBNAIL]);
    expect(classifier.calls).toHaveLength(1);
  });

  it('recovers from a DynamoDB fault after the copy: the redelivery completes once', async () => {
    const { log, store, deps, upload } = await setup();
    const original = log.complete.bind(log);
    let first = true;
    log.complete = async (...args) => {
      if (first) {
        first = false;
        throw new TransientError('DependencyUnavailable', 'DetectionLogs is unavailable, try again');
      }
      return original(...args);
    };
    await expect(processUpload(deps, upload)).rejects.toThrow('DetectionLogs is unavailable');
    expect(store.keys()).toEqual([`cats/${ID}.jpg`, INPUT, THUMBNAIL]);

    expect(await processUpload(deps, upload)).toMatchObject({ kind: 'completed' });
    expect(store.keys()).toEqual([`cats/${ID}.jpg`, THUMBNAIL]);
    expect(log.transitions.filter((t) => t.to === 'COMPLETED')).toHaveLength(1);
  });

  it('retries a failed thumbnail PUT like any transient step, and the redelivery rewrites the same key', async () => {
    const { log, store, deps, upload } = await setup();
    store.putFailures.push(new TransientError('DependencyUnavailable', 'The image bucket is unavailable, try again'));
    await expect(processUpload(deps, upload)).rejects.toThrow('The image bucket is unavailable');
    expect((await log.get(ID))?.status).toBe('PROCESSING');
    expect(store.keys()).toEqual([INPUT]);

    expect(await processUpload(deps, upload)).toMatchObject({ kind: 'completed' });
    expect(store.written.filter((k) => k === THUMBNAIL)).toHaveLength(1);
    expect(store.keys()).toEqual([`cats/${ID}.jpg`, THUMBNAIL]);
  });

  it('never writes under input/', async () => {
    const { store, deps, upload } = await setup([UNSURE]);
    await processUpload(deps, upload);
    expect(store.written.length).toBeGreaterThan(0);
    expect(store.written.every((k) => !k.startsWith('input/'))).toBe(true);
  });

  it.each([
    ['a key outside input/', { key: `cats/${ID}.jpg` }],
    ['a key that is not <id>.<ext>', { key: 'input/notes.txt' }],
    ['another bucket', { bucket: 'someone-elses-bucket' }],
    ['an object without a record', { key: 'input/00000000-0000-0000-0000-000000000000.jpg' }],
  ])('ignores %s', async (_case, override) => {
    const { log, deps, upload, classifier } = await setup();
    expect(await processUpload(deps, { ...upload, ...override })).toMatchObject({ kind: 'ignored' });
    expect(classifier.calls).toHaveLength(0);
    expect((await log.get(ID))?.status).toBe('PENDING');
  });
});
