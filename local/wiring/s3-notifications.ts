/**
 * The bucket's event notification: ObjectCreated:* under input/ -> the uploads queue, with the message body
 * S3 itself would send ({ Records: [one record] }). s3rver's records are AWS-shaped but leave the key raw and
 * pin the region; S3 URL-encodes keys (a space becomes '+'), and the processor must cope with that.
 *
 * S3 does not drop an event because its queue is briefly unavailable, so neither do we: a failed send is
 * retried with a capped back-off until it is delivered or the stack stops (an upload still waiting then
 * is re-announced at the next start, see upload-recovery.ts).
 */
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { S3EventRecord } from 'aws-lambda';
import { INPUT_PREFIX } from '../../functions/core/domain';

export interface S3NotificationTarget {
  sqs: SQSClient;
  queueUrl: string;
  region: string;
  bucket: string;
  /** Told about each failed attempt (the event is retried). */
  onError?: (error: unknown, record: S3EventRecord) => void;
  /** First retry delay; doubles up to RETRY_CAP_MS. */
  retryDelayMs?: number;
}

const RETRY_CAP_MS = 5_000;

/** S3's encoding of keys in notifications: form-style, slashes kept. */
export const encodeS3EventKey = (key: string): string =>
  key
    .split('/')
    .map((segment) => encodeURIComponent(segment).replace(/%20/g, '+'))
    .join('/');

export const createS3NotificationForwarder = (target: S3NotificationTarget) => {
  const pending = new Set<Promise<unknown>>();
  let stopped = false;
  const sleepers = new Set<() => void>();
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      sleepers.add(wake);
    });
  const deliver = async (body: string, record: S3EventRecord): Promise<void> => {
    let delay = target.retryDelayMs ?? 200;
    while (!stopped) {
      try {
        await target.sqs.send(new SendMessageCommand({ QueueUrl: target.queueUrl, MessageBody: body }));
        return;
      } catch (error) {
        target.onError?.(error, record);
        await pause(delay);
        delay = Math.min(delay * 2, RETRY_CAP_MS);
      }
    }
  };
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
      const sent = deliver(JSON.stringify({ Records: [shaped] }), record).finally(() => pending.delete(sent));
      pending.add(sent);
    }
  };
  return {
    forward,
    /** Events not yet delivered (being sent or waiting to be retried). */
    get backlog() {
      return pending.size;
    },
    /** Stops retrying and waits for sends in flight, so a shutdown does not cut them off mid-request. */
    drain: async () => {
      stopped = true;
      for (const wake of [...sleepers]) wake();
      await Promise.allSettled([...pending]);
    },
  };
};
