/**
 * The record sweeper on the real local stack, on its timer: an upload ticket never used, and an image whose
 * delivery hangs after claiming it, both end FAILED by name, are published once to subscribers, counted once
 * in imageStats, and the stuck image's input/ object is tidied at the next start. The sweeper's windows are
 * the real ones (sweepWindows); its clock is moved on instead of waiting an hour.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import type { Classifier } from '../../../functions/core/ports';
import { GET_IMAGE, graphql, type Image } from '../../../local/client/graphql';
import { requestUpload } from '../../../local/client/upload';
import { LOCAL_NAMES } from '../../../local/common/naming';
import { sleep, startTestStack, subscribe, upload, waitFor, type TestStack } from './helpers';

jest.setTimeout(180_000);

const IMAGE_STATS = `query Stats($from: AWSDateTime!, $to: AWSDateTime!) {
  imageStats(from: $from, to: $to, granularity: DAY) { total cats dogs others uncertain failed }
}`;
type Counts = { total: number; cats: number; dogs: number; others: number; uncertain: number; failed: number };

/** A delivery that claims the image and then never returns from the classifier, until released. */
let release: () => void = () => undefined;
const released = new Promise<void>((resolve) => (release = resolve));
let classifierCalls = 0;
const hangingClassifier: Classifier = {
  detectLabels: async () => {
    classifierCalls += 1;
    await released;
    return { Labels: [{ Name: 'Cat', Confidence: 99 }] };
  },
};

const stateDir = mkdtempSync(join(tmpdir(), 'pet-detector-sweeper-'));
let shiftMs = 0;
let stuckInputKey = '';
let t: TestStack | undefined;
afterAll(async () => {
  release();
  await t?.stop();
  rmSync(stateDir, { recursive: true, force: true });
});

const image = async (id: string) => (await graphql<{ image: Image | null }>(t!.api, GET_IMAGE, { id })).image ?? undefined;
const totals = async (): Promise<Counts> => {
  const day = 86_400_000;
  const buckets = (
    await graphql<{ imageStats: Counts[] }>(t!.api, IMAGE_STATS, { from: new Date(Date.now() - day).toISOString(), to: new Date(Date.now() + day).toISOString() })
  ).imageStats;
  return buckets.reduce((sum, b) => ({
    total: sum.total + b.total, cats: sum.cats + b.cats, dogs: sum.dogs + b.dogs, others: sum.others + b.others, uncertain: sum.uncertain + b.uncertain, failed: sum.failed + b.failed,
  }));
};

it('settles an unused ticket as UploadNeverArrived and a stuck delivery as ProcessingTimedOut, published and counted once', async () => {
  t = await startTestStack({
    persist: true,
    stateDir,
    classifier: { inject: hangingClassifier },
    sweepIntervalMs: 200,
    sweeperClock: () => new Date(Date.now() + shiftMs),
  });
  const subscriber = await subscribe(t.realtime, {});

  const unused = await requestUpload(t.api, { fileName: 'never-sent.jpg', contentType: 'image/jpeg', fileSize: 1000 });
  const { ticket: stuck } = await upload(t.api, 'cat/emayili-cats-1.jpg');
  stuckInputKey = (JSON.parse(stuck.uploadFields) as { key: string }).key;
  await waitFor(async () => classifierCalls > 0 && (await image(stuck.imageId))?.status === 'PROCESSING', 'the delivery to claim the image and hang');

  // Inside their windows, a few sweeps change nothing.
  await sleep(1_000);
  expect((await image(unused.imageId))?.status).toBe('PENDING');
  expect((await image(stuck.imageId))?.status).toBe('PROCESSING');
  expect(await t.stack.health()).toMatchObject({ components: { recordSweeper: { up: true, detail: expect.stringContaining('"timedOut":0') } } });

  // Two hours on: the ticket expired long ago, and every delivery the queue could make is over.
  shiftMs = 2 * 3600_000;
  const neverArrived = await waitFor(async () => {
    const record = await image(unused.imageId);
    return record?.status === 'FAILED' ? record : undefined;
  }, 'the unused ticket to be settled');
  const timedOut = await waitFor(async () => {
    const record = await image(stuck.imageId);
    return record?.status === 'FAILED' ? record : undefined;
  }, 'the stuck image to be settled');
  expect(neverArrived.failureReason).toMatch(/^UploadNeverArrived: /);
  expect(timedOut.failureReason).toMatch(/^ProcessingTimedOut: /);

  // Published like any final status, once each, however many sweeps ran since.
  await waitFor(() => subscriber.events.length >= 2 || undefined, 'both FAILED events');
  await sleep(1_000);
  expect(subscriber.events.map((e) => [e.id, e.status, e.failureReason?.split(':')[0]]).sort()).toEqual(
    [
      [unused.imageId, 'FAILED', 'UploadNeverArrived'],
      [stuck.imageId, 'FAILED', 'ProcessingTimedOut'],
    ].sort(),
  );
  expect(await totals()).toEqual({ total: 2, cats: 0, dogs: 0, others: 0, uncertain: 0, failed: 2 });

  // The hung delivery wakes up late: it finds the record FAILED and changes nothing, publishes nothing.
  release();
  await sleep(2_000);
  expect((await image(stuck.imageId))?.status).toBe('FAILED');
  expect(subscriber.events).toHaveLength(2);
  expect(await totals()).toMatchObject({ total: 2, failed: 2 });
  await subscriber.stop();
});

it("tidies a swept image's input/ object at the next start, as every FAILED record's: nothing will read it again", async () => {
  const head = (key: string) => t!.s3.send(new HeadObjectCommand({ Bucket: LOCAL_NAMES.bucket, Key: key }));
  await expect(head(stuckInputKey)).resolves.toBeDefined();
  await t!.stop();
  t = await startTestStack({ persist: true, stateDir });
  await expect(head(stuckInputKey)).rejects.toMatchObject({ $metadata: { httpStatusCode: 404 } });
});
