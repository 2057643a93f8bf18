import { sweepStaleRecords, sweepWindows, type SweepSettings } from '../../../../functions/core/use-cases/sweep-stale-records';
import { fixedClock, InMemoryDetectionLog, InMemoryObjectStore, pendingRecord } from '../support/in-memory-ports';

const NOW = '2026-11-22T03:00:00.000Z';
const SETTINGS: SweepSettings = { processingTimeoutSeconds: 3600, pendingTimeoutSeconds: 1800, maxRecordsPerRun: 500 };
const ago = (seconds: number) => new Date(Date.parse(NOW) - seconds * 1000).toISOString();

const setup = async (records: Array<Parameters<typeof pendingRecord>[1] & { id: string }>) => {
  const log = new InMemoryDetectionLog();
  const store = new InMemoryObjectStore('test-bucket');
  for (const { id, ...overrides } of records) log.records.set(id, pendingRecord(id, overrides));
  return { log, store, deps: { log, store, clock: fixedClock(NOW), indexShards: log.indexShards } };
};

describe('sweepStaleRecords: records that never finish are settled as FAILED, by name', () => {
  it('fails a record left PROCESSING longer than any delivery can take as ProcessingTimedOut', async () => {
    const { log, deps } = await setup([
      { id: 'stuck', status: 'PROCESSING', createdAt: ago(7200), updatedAt: ago(7000) },
      { id: 'busy', status: 'PROCESSING', createdAt: ago(7200), updatedAt: ago(60) },
      { id: 'young', status: 'PROCESSING', createdAt: ago(120), updatedAt: ago(100) },
    ]);
    const report = await sweepStaleRecords(deps, SETTINGS);
    expect(report.timedOut).toEqual(['stuck']);
    expect(await log.get('stuck')).toMatchObject({ status: 'FAILED', updatedAt: NOW, failureReason: expect.stringMatching(/^ProcessingTimedOut: /) });
    expect((await log.get('busy'))?.status).toBe('PROCESSING');
    expect((await log.get('young'))?.status).toBe('PROCESSING');
  });

  it('fails a PENDING record whose ticket expired unused as UploadNeverArrived, and leaves one whose upload is there', async () => {
    const { log, store, deps } = await setup([
      { id: 'unused', createdAt: ago(3600), updatedAt: ago(3600), objectKey: 'input/unused.jpg' },
      { id: 'arrived', createdAt: ago(3600), updatedAt: ago(3600), objectKey: 'input/arrived.jpg' },
      { id: 'fresh', createdAt: ago(60), updatedAt: ago(60), objectKey: 'input/fresh.jpg' },
    ]);
    store.objects.set('input/arrived.jpg', new Uint8Array([1]));
    const report = await sweepStaleRecords(deps, SETTINGS);
    expect(report.neverArrived).toEqual(['unused']);
    expect(await log.get('unused')).toMatchObject({ status: 'FAILED', failureReason: expect.stringMatching(/^UploadNeverArrived: /) });
    expect((await log.get('arrived'))?.status).toBe('PENDING');
    expect((await log.get('fresh'))?.status).toBe('PENDING');
    // A transition into FAILED is what the stream publisher publishes, as for any final status.
    expect(log.transitions).toEqual([{ id: 'unused', from: 'PENDING', to: 'FAILED' }]);
  });

  it('cannot race a real completion: a record that changed after it was read is left to the delivery', async () => {
    const { log, deps } = await setup([{ id: 'late', status: 'PROCESSING', createdAt: ago(7200), updatedAt: ago(7000) }]);
    const failIfUnchanged = log.failIfUnchanged.bind(log);
    log.failIfUnchanged = async (record, reason, at) => {
      // The last delivery completes between the sweeper's read and its write.
      await log.complete('late', {
        animal: 'CAT', confidence: 99, uncertain: false, labels: [],
        objectKey: 'cats/late.jpg', s3Location: 's3://test-bucket/cats/late.jpg', classifiedAt: NOW,
      });
      return failIfUnchanged(record, reason, at);
    };
    const report = await sweepStaleRecords(deps, SETTINGS);
    expect(report).toEqual({ timedOut: [], neverArrived: [], skipped: 1 });
    expect((await log.get('late'))?.status).toBe('COMPLETED');
  });

  it('leaves final records alone', async () => {
    const { log, deps } = await setup([{ id: 'done', status: 'COMPLETED', createdAt: ago(9000), updatedAt: ago(9000) }]);
    expect(await sweepStaleRecords(deps, SETTINGS)).toEqual({ timedOut: [], neverArrived: [], skipped: 0 });
    expect((await log.get('done'))?.status).toBe('COMPLETED');
  });
});

describe('sweepWindows: when a record can no longer settle by itself', () => {
  it('waits every delivery the queue can still make, and the ticket plus an upload begun just in time', () => {
    // prod with Rekognition: a 30 s processor, a 182 s visibility timeout (6 x 30 + the 2 s batching window), 3 deliveries.
    expect(sweepWindows({ visibilityTimeoutSeconds: 182, maxReceiveCount: 3, uploadUrlTtlSeconds: 600, uploadGraceSeconds: 1800 })).toEqual({
      processingTimeoutSeconds: 546,
      pendingTimeoutSeconds: 2400,
    });
  });
});

describe('sweepStaleRecords: bounded work per run', () => {
  it('examines at most maxRecordsPerRun records per status (rounded up to a page), and the next run continues', async () => {
    const records = Array.from({ length: 250 }, (_, i) => ({ id: `p${String(i).padStart(3, '0')}`, createdAt: ago(7200 + i), updatedAt: ago(7200 + i) }));
    const { log, deps } = await setup(records);
    const first = await sweepStaleRecords(deps, { ...SETTINGS, maxRecordsPerRun: 100 });
    expect(first.neverArrived).toHaveLength(100);
    const second = await sweepStaleRecords(deps, { ...SETTINGS, maxRecordsPerRun: 100 });
    expect(second.neverArrived).toHaveLength(100);
    expect(new Set([...first.neverArrived, ...second.neverArrived]).size).toBe(200);
    await sweepStaleRecords(deps, { ...SETTINGS, maxRecordsPerRun: 100 });
    expect([...log.records.values()].every((r) => r.status === 'FAILED')).toBe(true);
  });
});
