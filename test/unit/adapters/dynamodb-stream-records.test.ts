import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { decodeStreamRecord } from '../../../functions/adapters/dynamodb-stream-records';
import { recordToItem } from '../../../functions/core/record-mapping';
import { pendingRecord } from '../core/support/in-memory-ports';

const image = (record: ReturnType<typeof pendingRecord>) =>
  marshall(recordToItem(record), { removeUndefinedValues: true }) as NonNullable<DynamoDBRecord['dynamodb']>['NewImage'];

describe('decodeStreamRecord', () => {
  it('decodes both images of a MODIFY record into domain records', () => {
    const before = { ...pendingRecord('img-1'), status: 'PROCESSING' as const };
    const after = {
      ...before,
      status: 'COMPLETED' as const,
      detectedAnimal: 'CAT' as const,
      confidence: 97.5,
      uncertain: false,
      labels: [{ name: 'Cat', confidence: 97.5 }],
      classifiedAt: '2026-11-22T03:00:00.000Z',
    };
    const change = decodeStreamRecord({
      eventName: 'MODIFY',
      dynamodb: { OldImage: image(before), NewImage: image(after), SequenceNumber: '1' },
    });
    expect(change).toEqual({ oldRecord: before, newRecord: after });
  });

  it('has no old record for an INSERT and no new record for a REMOVE', () => {
    expect(decodeStreamRecord({ eventName: 'INSERT', dynamodb: { NewImage: image(pendingRecord('a')) } })).toEqual({
      newRecord: pendingRecord('a'),
    });
    expect(decodeStreamRecord({ eventName: 'REMOVE', dynamodb: { OldImage: image(pendingRecord('a')) } })).toEqual({
      oldRecord: pendingRecord('a'),
    });
  });
});
