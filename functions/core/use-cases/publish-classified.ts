/**
 * stream-publisher's use case: a DetectionLogs change in, at most one publish (and one alert) out.
 * Only a transition INTO a final status counts, so the PENDING insert, the PROCESSING step, TTL
 * deletions and repeated writes of a final record are all ignored.
 */
import type { ImageRecord } from '../domain';
import { FINAL_STATUSES } from '../domain';
import type { AlertLedger, Notifier, Publisher } from '../ports';

export interface RecordChange {
  oldRecord?: ImageRecord;
  newRecord?: ImageRecord;
}

export interface PublishClassifiedDeps {
  publisher: Publisher;
  notifier: Notifier;
  alerts: AlertLedger;
  now?: () => Date;
}

export type PublishOutcome =
  | { kind: 'ignored' }
  | { kind: 'published'; record: ImageRecord; alerted: boolean };

export const isFinalTransition = (change: RecordChange): change is RecordChange & { newRecord: ImageRecord } =>
  change.newRecord !== undefined &&
  FINAL_STATUSES.includes(change.newRecord.status) &&
  change.oldRecord?.status !== change.newRecord.status;

export const publishClassified = async (deps: PublishClassifiedDeps, change: RecordChange): Promise<PublishOutcome> => {
  if (!isFinalTransition(change)) return { kind: 'ignored' };
  const record = change.newRecord;
  // Subscribers first: an SNS failure then retries a publish they may see twice, which a re-read
  // of image(id) absorbs; the other order could send a duplicate email for a publish error.
  await deps.publisher.publishImageClassified(record);
  const uncertain = record.status === 'COMPLETED' && record.uncertain === true;
  // The alert is claimed before it is sent, so a replayed record does not e-mail twice; a failed send
  // gives the claim back for the retry. (A crash between the claim and the send loses that one alert.)
  const alerted = uncertain && (await deps.alerts.claim(record.id, (deps.now?.() ?? new Date()).toISOString()));
  if (alerted) {
    try {
      await deps.notifier.notifyUncertain({
        imageId: record.id,
        animal: record.detectedAnimal ?? 'OTHER',
        confidence: record.confidence ?? 0,
        s3Location: record.s3Location,
        labels: record.labels ?? [],
      });
    } catch (error) {
      await deps.alerts.release(record.id);
      throw error;
    }
  }
  return { kind: 'published', record, alerted };
};
