/**
 * fauxqs keeps its queues in memory, so messages waiting when the stack stopped are gone at the next
 * start, while SQS would have kept them. To stay as durable as SQS, each start re-announces the uploads
 * that are still waiting: objects under input/ whose record is PENDING or PROCESSING. The processor is
 * idempotent, so a re-announced upload that was in fact finished is only a duplicate.
 *
 * Two guards keep that from going wrong:
 * - an image re-announced MAX_REANNOUNCEMENTS times without ever finishing (one that crashes the whole
 *   process, say) is not announced again: its record is made FAILED (`RecoveryAbandoned`), published like
 *   any other final status, so the stack cannot crash-loop on it;
 * - the input/ object of a FAILED record is deleted: nothing will ever read it again.
 *
 * Records are read through the product's DetectionLog adapter, which asks again for the keys DynamoDB
 * leaves unprocessed.
 */
import { DeleteObjectsCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import type { S3EventRecord } from 'aws-lambda';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { INPUT_PREFIX } from '../../functions/core/domain';
import type { DetectionLog } from '../../functions/core/ports';

export interface WaitingObject {
  key: string;
  size: number;
  eTag?: string;
}

export interface RecoveryPlan {
  /** To re-announce. */
  waiting: WaitingObject[];
  /** Ids given up on this time (made FAILED). */
  abandoned: string[];
  /** input/ keys deleted because their record is FAILED. */
  tidied: string[];
}

/** After this many starts that re-announced an image without it ever finishing, it is given up on. */
export const MAX_REANNOUNCEMENTS = 3;
export const RECOVERY_ABANDONED = 'RecoveryAbandoned';

const idOfKey = (key: string): string => key.slice(INPUT_PREFIX.length).replace(/\.[^.]+$/, '');

/** How many times each image was re-announced, kept in the state folder across starts. */
const readCounts = async (file: string): Promise<Record<string, number>> => {
  try {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as unknown;
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, number>) : {};
  } catch {
    // Missing or unreadable: counting starts again, which at worst allows a few more announcements.
    return {};
  }
};

const writeCounts = async (file: string, counts: Record<string, number>): Promise<void> => {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(`${file}.tmp`, JSON.stringify(counts));
  await rename(`${file}.tmp`, file);
};

export const planUploadRecovery = async (
  deps: { s3: S3Client; log: DetectionLog; bucket: string; countsFile: string; now?: () => Date },
): Promise<RecoveryPlan> => {
  const objects: WaitingObject[] = [];
  let token: string | undefined;
  do {
    const page = await deps.s3.send(new ListObjectsV2Command({ Bucket: deps.bucket, Prefix: INPUT_PREFIX, ContinuationToken: token }));
    for (const o of page.Contents ?? []) if (o.Key) objects.push({ key: o.Key, size: o.Size ?? 0, eTag: o.ETag });
    token = page.NextContinuationToken;
  } while (token);

  const counts = await readCounts(deps.countsFile);
  const plan: RecoveryPlan = { waiting: [], abandoned: [], tidied: [] };
  const at = (deps.now?.() ?? new Date()).toISOString();
  for (let i = 0; i < objects.length; i += 100) {
    const chunk = objects.slice(i, i + 100);
    const records = new Map((await deps.log.getMany(chunk.map((o) => idOfKey(o.key)))).map((r) => [r.id, r]));
    for (const object of chunk) {
      const id = idOfKey(object.key);
      const status = records.get(id)?.status;
      if (status === 'FAILED') plan.tidied.push(object.key);
      if (status !== 'PENDING' && status !== 'PROCESSING') continue;
      const announced = counts[id] ?? 0;
      if (announced >= MAX_REANNOUNCEMENTS) {
        await deps.log.fail(id, `${RECOVERY_ABANDONED}: re-announced ${announced} times at start-up without finishing`, at);
        plan.abandoned.push(id);
        plan.tidied.push(object.key);
        delete counts[id];
        continue;
      }
      counts[id] = announced + 1;
      plan.waiting.push(object);
    }
  }
  // Only images still waiting keep a count; finished ones drop out of the file.
  const waitingIds = new Set(plan.waiting.map((o) => idOfKey(o.key)));
  for (const id of Object.keys(counts)) if (!waitingIds.has(id)) delete counts[id];
  await writeCounts(deps.countsFile, counts);

  for (let i = 0; i < plan.tidied.length; i += 1000) {
    const keys = plan.tidied.slice(i, i + 1000);
    await deps.s3.send(new DeleteObjectsCommand({ Bucket: deps.bucket, Delete: { Objects: keys.map((Key) => ({ Key })), Quiet: true } }));
  }
  return plan;
};

/** The notification S3 would have sent for an object POSTed to the bucket. */
export const objectCreatedRecord = (bucket: string, region: string, object: WaitingObject): S3EventRecord =>
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
