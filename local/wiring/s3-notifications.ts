/**
 * The bucket's event notification: ObjectCreated:* under input/ -> the uploads queue, with the message body
 * S3 itself would send ({ Records: [one record] }). s3rver's records are AWS-shaped but leave the key raw and
 * pin the region; S3 URL-encodes keys (a space becomes '+'), and the processor must cope with that.
 */
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { S3EventRecord } from 'aws-lambda';
import { INPUT_PREFIX } from '../../functions/core/domain';

export interface S3NotificationTarget {
  sqs: SQSClient;
  queueUrl: string;
  region: string;
  bucket: string;
  onError?: (error: unknown, record: S3EventRecord) => void;
}

/** S3's encoding of keys in notifications: form-style, slashes kept. */
export const encodeS3EventKey = (key: string): string =>
  key
    .split('/')
    .map((segment) => encodeURIComponent(segment).replace(/%20/g, '+'))
    .join('/');

export const createS3NotificationForwarder = (target: S3NotificationTarget) => {
  const pending = new Set<Promise<unknown>>();
  const forward = (records: S3EventRecord[]): void => {
    for (const record of records) {
      const key = record.s3.object.key;
      const matches =
        record.eventName.startsWith('ObjectCreated:') && record.s3.bucket.name === target.bucket && key.startsWith(INPUT_PREFIX);
      if (!matches) continue;
      const shaped: S3EventRecord = {
        ...record,
        awsRegion: target.region,
        s3: {
          ...record.s3,
          configurationId: 'uploads-to-queue',
          bucket: { ...record.s3.bucket, arn: `arn:aws:s3:::${target.bucket}` },
          object: { ...record.s3.object, key: encodeS3EventKey(key) },
        },
      };
      const sent = target.sqs
        .send(new SendMessageCommand({ QueueUrl: target.queueUrl, MessageBody: JSON.stringify({ Records: [shaped] }) }))
        .catch((error: unknown) => target.onError?.(error, record))
        .finally(() => pending.delete(sent));
      pending.add(sent);
    }
  };
  return {
    forward,
    /** Waits for notifications already handed to SQS, so a shutdown does not drop them mid-flight. */
    drain: async () => {
      await Promise.allSettled([...pending]);
    },
  };
};
