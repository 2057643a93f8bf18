import type { ImageRecord } from '../../../../functions/core/domain';
import { PublishError } from '../../../../functions/core/errors';
import { publishClassified } from '../../../../functions/core/use-cases/publish-classified';
import { pendingRecord, RecordingNotifier, RecordingPublisher } from '../support/in-memory-ports';

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
  return { publisher, notifier, deps: { publisher, notifier } };
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
});
