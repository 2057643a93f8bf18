/**
 * The stream publisher's filter criteria, judged against DynamoDB stream records built from real
 * DetectionLogs items (record-mapping + the SDK's marshaller): it wakes exactly for transitions into a
 * final status.
 */
import { marshall } from '@aws-sdk/util-dynamodb';
import type { ImageRecord, ProcessingStatus } from '../../functions/core/domain';
import { recordToItem } from '../../functions/core/record-mapping';
import { STREAM_FILTER_PATTERNS } from '../../infra/constructs/stream-publishing';
import { eventFilter, UnsupportedFilterError } from '../../local/wiring/event-filter';

const record = (status: ProcessingStatus): ImageRecord => ({
  id: 'img-1',
  status,
  fileName: 'cat.jpg',
  fileSize: 1234,
  imageFormat: 'jpg',
  contentType: 'image/jpeg',
  objectKey: status === 'COMPLETED' ? 'cats/img-1.jpg' : 'input/img-1.jpg',
  s3Location: 's3://bucket/input/img-1.jpg',
  createdAt: '2026-11-22T02:00:00.000Z',
  updatedAt: '2026-11-22T02:00:01.000Z',
  expiresAt: 1_900_000_000,
  ...(status === 'COMPLETED' ? { detectedAnimal: 'CAT' as const, confidence: 97, uncertain: false, classifiedAt: '2026-11-22T02:00:01.000Z' } : {}),
  ...(status === 'FAILED' ? { failureReason: 'NotAnImage: the bytes are not an image' } : {}),
});

const image = (status: ProcessingStatus) => marshall(recordToItem(record(status)), { removeUndefinedValues: true });

const streamRecord = (eventName: 'INSERT' | 'MODIFY' | 'REMOVE', oldStatus?: ProcessingStatus, newStatus?: ProcessingStatus) => ({
  eventID: '1',
  eventName,
  eventSource: 'aws:dynamodb',
  awsRegion: 'us-east-1',
  dynamodb: {
    Keys: { ImageID: { S: 'img-1' } },
    ...(oldStatus ? { OldImage: image(oldStatus) } : {}),
    ...(newStatus ? { NewImage: image(newStatus) } : {}),
    StreamViewType: 'NEW_AND_OLD_IMAGES',
  },
});

const wakes = eventFilter(STREAM_FILTER_PATTERNS);

describe('stream-publisher filter criteria', () => {
  it.each([
    ['PROCESSING -> COMPLETED', streamRecord('MODIFY', 'PROCESSING', 'COMPLETED')],
    ['PROCESSING -> FAILED', streamRecord('MODIFY', 'PROCESSING', 'FAILED')],
    ['PENDING -> FAILED', streamRecord('MODIFY', 'PENDING', 'FAILED')],
    ['PENDING -> COMPLETED', streamRecord('MODIFY', 'PENDING', 'COMPLETED')],
    ['a record inserted already FAILED', streamRecord('INSERT', undefined, 'FAILED')],
  ])('wakes the function for %s', (_name, event) => {
    expect(wakes(event)).toBe(true);
  });

  it.each([
    ['a new PENDING record', streamRecord('INSERT', undefined, 'PENDING')],
    ['PENDING -> PROCESSING', streamRecord('MODIFY', 'PENDING', 'PROCESSING')],
    ['a COMPLETED record written again', streamRecord('MODIFY', 'COMPLETED', 'COMPLETED')],
    ['a FAILED record written again', streamRecord('MODIFY', 'FAILED', 'FAILED')],
    ['COMPLETED -> FAILED (not a transition out of work in progress)', streamRecord('MODIFY', 'COMPLETED', 'FAILED')],
    ['a TTL deletion of a COMPLETED record', streamRecord('REMOVE', 'COMPLETED', undefined)],
  ])('does not wake it for %s', (_name, event) => {
    expect(wakes(event)).toBe(false);
  });

  it('uses the lowercase statuses items store', () => {
    expect(JSON.stringify(STREAM_FILTER_PATTERNS)).toContain('"completed","failed"');
    expect(image('COMPLETED').ProcessingStatus).toEqual({ S: 'completed' });
  });

  it('is refused, not misjudged, when it uses an operator the local stack cannot evaluate', () => {
    expect(() => eventFilter([{ eventName: [{ prefix: 'MOD' }] }])).toThrow(UnsupportedFilterError);
    expect(() => eventFilter(STREAM_FILTER_PATTERNS)).not.toThrow();
  });
});
