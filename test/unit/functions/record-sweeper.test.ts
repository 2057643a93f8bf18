import { HeadObjectCommand, NotFound, S3Client } from '@aws-sdk/client-s3';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { captureConsole, lambdaContext, LAMBDA_ENV, TEST_CONNECTION } from './support/lambda-env';
import { createHandler } from '../../../functions/record-sweeper/handler';
import { loadRecordSweeperConfig } from '../../../functions/runtime/config';
import { telemetryFromEnvironment } from '../../../functions/runtime/telemetry';
import { recordSweeperDeps } from '../../../functions/runtime/wiring/record-sweeper';
import type { ImageRecord } from '../../../functions/core/domain';
import { indexKeys } from '../../../functions/core/index-keys';
import { recordToItem } from '../../../functions/core/record-mapping';
import { pendingRecord } from '../core/support/in-memory-ports';

const NOW = '2026-11-22T03:00:00.000Z';
const ago = (seconds: number) => new Date(Date.parse(NOW) - seconds * 1000).toISOString();
const ENV = { ...LAMBDA_ENV, SWEEP_PROCESSING_AFTER_SECONDS: '546', SWEEP_PENDING_AFTER_SECONDS: '2400' };
const handler = createHandler(
  recordSweeperDeps(loadRecordSweeperConfig(ENV), telemetryFromEnvironment(ENV), TEST_CONNECTION, { now: () => new Date(NOW) }),
);
const ddb = mockClient(DynamoDBDocumentClient);
const s3 = mockClient(S3Client);
const context = lambdaContext('serverlessapp-test-record-sweeper');
const scheduledEvent = {};

/** A table of items behind the mocked client: Query answers each ByStatus shard in key order, with whole items (ALL projection). */
const table = (records: ImageRecord[]) => {
  const items = records.map((record) => ({ ...recordToItem(record), StatusPK: indexKeys(record, Number(LAMBDA_ENV.INDEX_SHARDS)).StatusPK }));
  ddb.on(QueryCommand).callsFake((input: { ExpressionAttributeValues: Record<string, string>; IndexName: string }) => {
    const values = input.ExpressionAttributeValues;
    expect(input.IndexName).toBe('ByStatus');
    const matching = items
      .filter((item) => item.StatusPK === values[':pk'] && (!values[':before'] || item.CreatedAt <= values[':before']))
      .sort((a, b) => b.CreatedAt.localeCompare(a.CreatedAt));
    return { Items: matching, ScannedCount: matching.length };
  });
};

let output: ReturnType<typeof captureConsole>;
beforeEach(() => {
  ddb.reset();
  s3.reset();
  output = captureConsole();
});
afterEach(() => output.restore());

describe('record-sweeper handler', () => {
  it('settles a stuck PROCESSING record and an unused ticket as FAILED, by name, and counts them per reason', async () => {
    table([
      pendingRecord('stuck', { status: 'PROCESSING', createdAt: ago(7200), updatedAt: ago(3600) }),
      pendingRecord('busy', { status: 'PROCESSING', createdAt: ago(7200), updatedAt: ago(60) }),
      pendingRecord('unused', { createdAt: ago(3600), updatedAt: ago(3600), objectKey: 'input/unused.jpg' }),
      pendingRecord('fresh', { createdAt: ago(60), updatedAt: ago(60), objectKey: 'input/fresh.jpg' }),
    ]);
    ddb.on(UpdateCommand).resolves({});
    s3.on(HeadObjectCommand).rejects(new NotFound({ $metadata: { httpStatusCode: 404 }, message: 'Not Found' }));

    expect(await handler(scheduledEvent as never, context)).toEqual({ timedOut: 1, neverArrived: 1, skipped: 1 });

    const updates = ddb.commandCalls(UpdateCommand).map((call) => call.args[0].input);
    expect(updates.map((u) => [u.Key?.ImageID, u.ExpressionAttributeValues?.[':next'], String(u.ExpressionAttributeValues?.[':reason']).split(':')[0]])).toEqual([
      ['stuck', 'failed', 'ProcessingTimedOut'],
      ['unused', 'failed', 'UploadNeverArrived'],
    ]);
    // Only the unused ticket's key was asked for: the fresh one is inside its window.
    expect(s3).toHaveReceivedCommandTimes(HeadObjectCommand, 1);
    expect(s3).toHaveReceivedCommandWith(HeadObjectCommand, { Bucket: LAMBDA_ENV.BUCKET_NAME, Key: 'input/unused.jpg' });

    const settled = output.metrics().filter((d) => 'StaleRecordsSettled' in d);
    expect(settled.map((d) => [d.Reason, d.StaleRecordsSettled])).toEqual([
      ['ProcessingTimedOut', 1],
      ['UploadNeverArrived', 1],
    ]);
    expect(output.lines.filter((l) => l.includes('Stale record settled')).map((l) => (JSON.parse(l) as { correlation_id: string }).correlation_id)).toEqual([
      'stuck',
      'unused',
    ]);
  });

  it('fails the run on a 403 from S3 instead of taking it for a missing upload, and writes nothing for that record', async () => {
    table([pendingRecord('unused', { createdAt: ago(3600), updatedAt: ago(3600), objectKey: 'input/unused.jpg' })]);
    s3.on(HeadObjectCommand).rejects(Object.assign(new Error('Forbidden'), { name: 'Forbidden', $metadata: { httpStatusCode: 403 } }));
    await expect(handler(scheduledEvent as never, context)).rejects.toMatchObject({ code: 'DependencyUnavailable', message: expect.stringContaining('(403)') });
    expect(ddb).not.toHaveReceivedCommand(UpdateCommand);
  });

  it('leaves a record a delivery changed since it was read, so two sweepers at once settle it once', async () => {
    table([pendingRecord('stuck', { status: 'PROCESSING', createdAt: ago(7200), updatedAt: ago(3600) })]);
    ddb.on(UpdateCommand).rejects(new ConditionalCheckFailedException({ $metadata: {}, message: 'changed' }));
    expect(await handler(scheduledEvent as never, context)).toEqual({ timedOut: 0, neverArrived: 0, skipped: 1 });
  });

  it('reports a run with nothing to do as zeros, not as silence', async () => {
    table([]);
    expect(await handler(scheduledEvent as never, context)).toEqual({ timedOut: 0, neverArrived: 0, skipped: 0 });
    expect(output.metrics().filter((d) => 'StaleRecordsSettled' in d).map((d) => d.StaleRecordsSettled)).toEqual([0, 0]);
  });
});
