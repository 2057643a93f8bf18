/**
 * BatchWriteItem over any number of requests: batches of 25 (the API's limit), `concurrency` in flight, and
 * the requests DynamoDB leaves unprocessed (throttling, or a busy DynamoDB Local) sent again after a doubling
 * pause. The SDK retries a failed request, but an unprocessed item comes back in a successful response, so
 * the loop is ours. Used by the ImageStats layout migration and the benches' seeding.
 */
import { setTimeout as sleep } from 'node:timers/promises';

export const BATCH_WRITE_MAX_ITEMS = 25;

/** One BatchWriteItem of `batch` on one table; resolves to the requests it left unprocessed. */
export type WriteBatch<R> = (batch: R[]) => Promise<R[]>;

export interface BatchWriteOptions {
  /** Batches in flight at once. */
  concurrency?: number;
  /** Sends of one batch before giving up (the first included). */
  maxRounds?: number;
  /** The error to throw when a batch still has `left` requests unprocessed after maxRounds sends. */
  onGiveUp: (left: number) => Error;
}

export interface BatchWriteReport {
  /** BatchWriteItem requests made. */
  requests: number;
  /** Of those, sends of unprocessed items. */
  retries: number;
}

export const writeInBatches = async <R>(
  write: WriteBatch<R>,
  all: readonly R[],
  { concurrency = 1, maxRounds = 10, onGiveUp }: BatchWriteOptions,
): Promise<BatchWriteReport> => {
  const report: BatchWriteReport = { requests: 0, retries: 0 };
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < all.length) {
      let pending = all.slice(next, (next += BATCH_WRITE_MAX_ITEMS));
      for (let round = 0; pending.length > 0; round += 1) {
        if (round === maxRounds) throw onGiveUp(pending.length);
        if (round > 0) {
          report.retries += 1;
          await sleep(Math.min(1000, 20 * 2 ** round));
        }
        report.requests += 1;
        pending = await write(pending);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return report;
};
