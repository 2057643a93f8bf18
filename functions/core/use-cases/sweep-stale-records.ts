/**
 * The sweeper's use case: settle records that will never settle by themselves, as FAILED, so they are
 * published like any final status (the stream publisher wakes for every transition into FAILED).
 * - PROCESSING for longer than the queue can still deliver its message (a last delivery that timed out):
 *   ProcessingTimedOut.
 * - PENDING past its ticket's expiry with no object under input/ (the ticket was never used):
 *   UploadNeverArrived.
 * Each write is conditional on the record being exactly as read (status and last change), so a delivery
 * that claims or completes it meanwhile wins and the sweeper changes nothing.
 */
import type { ImageRecord, ProcessingStatus } from '../domain';
import { nextTokenFor, planImageQuery } from '../image-query';
import type { Clock, DetectionLog, ObjectStore } from '../ports';

export interface SweepDeps {
  log: DetectionLog;
  store: ObjectStore;
  clock: Clock;
  indexShards: number;
}

export interface SweepSettings {
  /** A PROCESSING record unchanged this long has no delivery left: the queue's retries are spent. */
  processingTimeoutSeconds: number;
  /** A PENDING record this old has an expired ticket (plus the time a slow upload may take). */
  pendingTimeoutSeconds: number;
  /** Records examined per status per run: a run stays short; the next one continues. */
  maxRecordsPerRun: number;
}

export interface SweepReport {
  timedOut: string[];
  neverArrived: string[];
  /** Candidates left alone: changed since they were read, or (PENDING) their upload is there after all. */
  skipped: number;
}

/** What the sweeper's FailureReason starts with (and the Reason dimension of its metric). */
export const SWEEP_REASON = { processingTimedOut: 'ProcessingTimedOut', uploadNeverArrived: 'UploadNeverArrived' } as const;

export interface SweepTiming {
  /** The uploads queue's visibility timeout: the longest a message stays with a delivery that died. */
  visibilityTimeoutSeconds: number;
  /** Deliveries of one message before the queue gives up on it. */
  maxReceiveCount: number;
  uploadUrlTtlSeconds: number;
  /** After the ticket expired, how long an upload that began in time may still take (SWEEPER.uploadGraceSeconds). */
  uploadGraceSeconds: number;
}

/**
 * When a record can no longer settle by itself; the CDK stack and the local stack both derive the sweeper's
 * windows here, from their own queue and ticket settings.
 * - Every delivery claims the record, which rewrites its last change. A delivery that dies keeps its message
 *   hidden for one visibility timeout (at least six times the processor's timeout); then the next delivery
 *   claims it again. So a record unchanged for one visibility timeout has no delivery left, unless a backlog
 *   delays the next one: maxReceiveCount timeouts leave that much more room. (A redelivery later still finds
 *   the record FAILED and stops: the image is lost to a backlog that long, and the alarms have said so.)
 * - A ticket cannot be used after it expires; the grace covers an upload that began just before.
 */
export const sweepWindows = (t: SweepTiming): Pick<SweepSettings, 'processingTimeoutSeconds' | 'pendingTimeoutSeconds'> => ({
  processingTimeoutSeconds: t.maxReceiveCount * t.visibilityTimeoutSeconds,
  pendingTimeoutSeconds: t.uploadUrlTtlSeconds + t.uploadGraceSeconds,
});

const PAGE = 100;

export const sweepStaleRecords = async (deps: SweepDeps, settings: SweepSettings): Promise<SweepReport> => {
  const now = deps.clock.now();
  const report: SweepReport = { timedOut: [], neverArrived: [], skipped: 0 };
  const sweep = async (status: ProcessingStatus, afterSeconds: number, settle: (record: ImageRecord) => Promise<boolean>) => {
    const cutoff = new Date(now.getTime() - afterSeconds * 1000).toISOString();
    let nextToken: string | null = null;
    let examined = 0;
    do {
      const plan = planImageQuery({ kind: 'everyone' }, { status, createdBefore: cutoff }, PAGE, nextToken, deps.indexShards);
      const page = await deps.log.query(plan);
      for (const record of page.items) {
        examined += 1;
        if (record.updatedAt > cutoff || !(await settle(record))) report.skipped += 1;
      }
      nextToken = nextTokenFor(page, plan);
    } while (nextToken !== null && examined < settings.maxRecordsPerRun);
  };

  await sweep('PROCESSING', settings.processingTimeoutSeconds, async (record) => {
    const reason = `${SWEEP_REASON.processingTimedOut}: no delivery finished the image within ${settings.processingTimeoutSeconds} s`;
    const settled = await deps.log.failIfUnchanged(record, reason, now.toISOString());
    if (settled) report.timedOut.push(record.id);
    return settled;
  });
  await sweep('PENDING', settings.pendingTimeoutSeconds, async (record) => {
    // The upload arrived after all: its event claims it (or, if that is lost, it times out as PROCESSING).
    // head() answers undefined only for a 404; anything else (a 403 above all, which S3 answers for a missing
    // key when the role may not list input/) throws and ends the run: a refusal is not proof of absence.
    if (await deps.store.head(record.objectKey)) return false;
    const reason = `${SWEEP_REASON.uploadNeverArrived}: the upload ticket expired unused`;
    const settled = await deps.log.failIfUnchanged(record, reason, now.toISOString());
    if (settled) report.neverArrived.push(record.id);
    return settled;
  });
  return report;
};
