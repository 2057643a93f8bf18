/**
 * fauxqs keeps its queues in memory, so messages waiting when the stack stopped are gone at the next
 * start, while SQS would have kept them. To stay as durable as SQS, each start re-announces the uploads
 * that are still waiting: objects under input/ whose record is PENDING or PROCESSING. The processor is
 * idempotent, so a re-announced upload that was in fact finished is only a duplicate.
 */
import { BatchGetItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import type { S3EventRecord } from 'aws-lambda';
import { INPUT_PREFIX } from '../../functions/core/domain';
import { statusToItem } from '../../functions/core/record-mapping';
import { TABLE_PARTITION_KEY } from '../../functions/core/table-design';

const WAITING = new Set<string>([statusToItem('PENDING'), statusToItem('PROCESSING')]);

export const findWaitingUploads = async (clients: { s3: S3Client; ddb: DynamoDBClient }, bucket: string, table: string) => {
  const objects: Array<{ key: string; size: number; eTag?: string }> = [];
  let token: string | undefined;
  do {
    const page = await clients.s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: INPUT_PREFIX, ContinuationToken: token }));
    for (const o of page.Contents ?? []) if (o.Key) objects.push({ key: o.Key, size: o.Size ?? 0, eTag: o.ETag });
    token = page.NextContinuationToken;
  } while (token);

  const waiting: typeof objects = [];
  for (let i = 0; i < objects.length; i += 100) {
    const chunk = objects.slice(i, i + 100);
    const ids = chunk.map((o) => ({ object: o, id: o.key.slice(INPUT_PREFIX.length).replace(/\.[^.]+$/, '') }));
    const { Responses } = await clients.ddb.send(
      new BatchGetItemCommand({
        RequestItems: {
          [table]: {
            Keys: [...new Set(ids.map((x) => x.id))].map((id) => ({ [TABLE_PARTITION_KEY]: { S: id } })),
            ProjectionExpression: '#id, ProcessingStatus',
            ExpressionAttributeNames: { '#id': TABLE_PARTITION_KEY },
          },
        },
      }),
    );
    const status = new Map((Responses?.[table] ?? []).map((item) => [item[TABLE_PARTITION_KEY]?.S, item.ProcessingStatus?.S]));
    waiting.push(...ids.filter((x) => WAITING.has(status.get(x.id) ?? '')).map((x) => x.object));
  }
  return waiting;
};

/** The notification S3 would have sent for an object POSTed to the bucket. */
export const objectCreatedRecord = (bucket: string, region: string, object: { key: string; size: number; eTag?: string }): S3EventRecord =>
  ({
    eventVersion: '2.1',
    eventSource: 'aws:s3',
    awsRegion: region,
    eventTime: new Date().toISOString(),
    eventName: 'ObjectCreated:Post',
    userIdentity: { principalId: 'local' },
    requestParameters: { sourceIPAddress: '127.0.0.1' },
    responseElements: { 'x-amz-request-id': 'local-recovery', 'x-amz-id-2': 'local-recovery' },
    s3: {
      s3SchemaVersion: '1.0',
      configurationId: 'uploads-to-queue',
      bucket: { name: bucket, ownerIdentity: { principalId: 'local' }, arn: `arn:aws:s3:::${bucket}` },
      object: { key: object.key, size: object.size, eTag: (object.eTag ?? '').replace(/"/g, ''), sequencer: Date.now().toString(16).toUpperCase() },
    },
  }) as S3EventRecord;
