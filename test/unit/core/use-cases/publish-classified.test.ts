import type { ImageRecord } from '../../../../functions/core/domain';
import { PublishError } from '../../../../functions/core/errors';
import { publishClassified } from '../../../../functions/core/use-cases/publish-classified';
import { InMemoryAlertLedger, pendingRecord, RecordingNotifier, RecordingPublisher } from '../support/in-memory-ports';

const pending = pendingRecord('img-1');
const processing: ImageRecord = { ...pending, status: 'PROCESSING' };
const completed: ImageRecord = {
  ...processing,
  status: 'COMPLETED',
  detectedAnimal: 'DOG',
  confidence: 91,
  uncertain: false,
  labels: [{ name: 'Dog', confidence: 91 }],
  objectKey: 'dogs/img-1.jpg',
  s3Location: 's3://test-bucket/dogs/img-1.jpg',
  classifiedAt: '2026-11-22T03:00:01.000Z',
};
const uncertain: ImageRecord = { ...completed, confidence: 66, uncertain: true, labels: [{ name: 'Dog', confidence: 66 }] };
const failed: ImageRecord = { ...processing, status: 'FAILED', failureReason: 'NotAnImage: nope' };

const setup = () => {
  const publisher = new RecordingPublisher();
  const notifier = new RecordingNotifier();
  const alerts = new InMemoryAlertLedger();
  return { publisher, notifier, alerts, deps: { publisher, notifier, alerts } };
};

describe('publishClassified', () => {
  it.each([
    ['the PENDING insert', { newRecord: pending }],
    ['PENDING -> PROCESSING', { oldRecord: pending, newRecord: processing }],
    ['a rewrite of a COMPLETED record', { oldRecord: completed, newRecord: { ...completed, fileName: 'renamed.jpg' } }],
    ['a TTL removal', { oldRecord: completed }],
  ])('ignores %s, which is not a transition into a final status', async (_case, change) => {
    const { publisher, notifier, deps } = setup();
    expect(await publishClassified(deps, change)).toEqual({ kind: 'ignored' });
    expect(publisher.published).toHaveLength(0);
    expect(notifier.alerts).toHaveLength(0);
  });

  it('publishes a transition into COMPLETED, without an alert when certain', async () => {
    const { publisher, notifier, deps } = setup();
    expect(await publishClassified(deps, { oldRecord: processing, newRecord: completed })).toMatchObject({
      kind: 'published',
      alerted: false,
    });
    expect(publisher.published).toEqual([completed]);
    expect(notifier.alerts).toHaveLength(0);
  });

  it('publishes a transition into FAILED', async () => {
    const { publisher, deps } = setup();
    await publishClassified(deps, { oldRecord: processing, newRecord: failed });
    expect(publisher.published).toEqual([failed]);
  });

  it('alerts once for an uncertain result, with id, animal, confidence, location and labels', async () => {
    const { publisher, notifier, deps } = setup();
    await publishClassified(deps, { oldRecord: processing, newRecord: uncertain });
    expect(publisher.published).toHaveLength(1);
    expect(notifier.alerts).toEqual([
      { imageId: 'img-1', animal: 'DOG', confidence: 66, s3Location: 's3://test-bucket/dogs/img-1.jpg', labels: [{ name: 'Dog', confidence: 66 }] },
    ]);
  });

  it('sends no alert when publishing failed, so a retry cannot alert twice', async () => {
    const { publisher, notifier, deps } = setup();
    publisher.failWith = new PublishError('AppSync said no');
    await expect(publishClassified(deps, { oldRecord: processing, newRecord: uncertain })).rejects.toBeInstanceOf(PublishError);
    expect(notifier.alerts).toHaveLength(0);
  });

  it('a replayed record (delivered again after a crash) publishes again but alerts once', async () => {
    const { publisher, notifier, deps } = setup();
    const change = { oldRecord: processing, newRecord: uncertain };
    expect(await publishClassified(deps, change)).toMatchObject({ alerted: true });
    expect(await publishClassified(deps, change)).toMatchObject({ kind: 'published', alerted: false });
    expect(publisher.published).toHaveLength(2);
    expect(notifier.alerts).toHaveLength(1);
  });

  it('an alert that could not be sent gives its claim back, so the retry sends it', async () => {
    const { notifier, alerts, deps } = setup();
    const change = { oldRecord: processing, newRecord: uncertain };
    notifier.failWith = new Error('SNS is down');
    await expect(publishClassified(deps, change)).rejects.toThrow('SNS is down');
    expect(alerts.claimed.size).toBe(0);
    notifier.failWith = undefined;
    expect(await publishClassified(deps, change)).toMatchObject({ alerted: true });
    expect(notifier.alerts).toHaveLength(1);
  });
});
