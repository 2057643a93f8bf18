/** Turns a DynamoDB stream record (NEW_AND_OLD_IMAGES) into the domain's before/after records. */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import type { RecordChange } from '../core/use-cases/publish-classified';
import { type DetectionLogItem, itemToRecord } from '../core/record-mapping';

type StreamImage = NonNullable<NonNullable<DynamoDBRecord['dynamodb']>['NewImage']>;

const toRecord = (image: StreamImage | undefined) =>
  // aws-lambda's AttributeValue type and the SDK's describe the same wire shape.
  image ? itemToRecord(unmarshall(image as Record<string, AttributeValue>) as DetectionLogItem) : undefined;

export const decodeStreamRecord = (record: DynamoDBRecord): RecordChange => {
  const change: RecordChange = {};
  const oldRecord = toRecord(record.dynamodb?.OldImage);
  const newRecord = toRecord(record.dynamodb?.NewImage);
  if (oldRecord) change.oldRecord = oldRecord;
  if (newRecord) change.newRecord = newRecord;
  return change;
};
