/**
 * What each start re-announces: uploads still waiting, but never one that was re-announced at every start
 * without finishing (it would crash-loop the stack), and the input/ objects of FAILED records are tidied.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteObjectsCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import type { ImageRecord } from '../../../functions/core/domain';
import type { DetectionLog } from '../../../functions/core/ports';
import { MAX_REANNOUNCEMENTS, planUploadRecovery } from '../../../local/wiring/upload-recovery';

const s3 = mockClient(S3Client);
afterEach(() => s3.reset());

/** The records the table holds, as the DetectionLog port returns them. */
const logWith = (statuses: Record<string, ImageRecord['status']>) => {
  const failed: Array<{ id: string; reason: string }> = [];
  const log = {
    getMany: async (ids: readonly string[]) =>
      ids.filter((id) => statuses[id]).map((id) => ({ id, status: statuses[id] }) as ImageRecord),
    fail: async (id: string, reason: string) => {
      failed.push({ id, reason });
      statuses[id] = 'FAILED';
      return true;
    },
  } as unknown as DetectionLog;
  return { log, failed };
};

const listing = (...ids: string[]) => s3.on(ListObjectsV2Command).resolves({ Contents: ids.map((id) => ({ Key: `input/${id}.jpg`, Size: 10 })) });

it('re-announces PENDING and PROCESSING uploads, not finished ones, and deletes the input of FAILED ones', async () => {
  listing('pending', 'processing', 'done', 'failed', 'orphan');
  const { log } = logWith({ pending: 'PENDING', processing: 'PROCESSING', done: 'COMPLETED', failed: 'FAILED' });
  const countsFile = join(mkdtempSync(join(tmpdir(), 'recovery-')), 'counts.json');
  const plan = await planUploadRecovery({ s3: new S3Client({ region: 'us-east-1' }), log, bucket: 'b', countsFile });
  expect(plan.waiting.map((o) => o.key)).toEqual(['input/pending.jpg', 'input/processing.jpg']);
  expect(plan.tidied).toEqual(['input/failed.jpg']);
  expect(s3.commandCalls(DeleteObjectsCommand)[0]?.args[0].input.Delete?.Objects).toEqual([{ Key: 'input/failed.jpg' }]);
});

it(`an upload re-announced at ${MAX_REANNOUNCEMENTS} starts without finishing is made FAILED and announced no more`, async () => {
  listing('crasher');
  const { log, failed } = logWith({ crasher: 'PROCESSING' });
  const countsFile = join(mkdtempSync(join(tmpdir(), 'recovery-')), 'counts.json');
  const start = () => planUploadRecovery({ s3: new S3Client({ region: 'us-east-1' }), log, bucket: 'b', countsFile });
  for (let n = 0; n < MAX_REANNOUNCEMENTS; n += 1) expect((await start()).waiting).toHaveLength(1);
  const last = await start();
  expect(last.waiting).toHaveLength(0);
  expect(last.abandoned).toEqual(['crasher']);
  expect(failed[0]?.reason).toMatch(/^RecoveryAbandoned/);
  expect(last.tidied).toEqual(['input/crasher.jpg']);
});

it('an upload that finishes between starts loses its count', async () => {
  listing('slow');
  const statuses: Record<string, ImageRecord['status']> = { slow: 'PROCESSING' };
  const { log } = logWith(statuses);
  const countsFile = join(mkdtempSync(join(tmpdir(), 'recovery-')), 'counts.json');
  const start = () => planUploadRecovery({ s3: new S3Client({ region: 'us-east-1' }), log, bucket: 'b', countsFile });
  await start();
  await start();
  statuses.slow = 'COMPLETED';
  await start();
  statuses.slow = 'PROCESSING';
  for (let n = 0; n < MAX_REANNOUNCEMENTS; n += 1) expect((await start()).waiting).toHaveLength(1);
});
