/**
 * Seeding for benchmarks: image records written straight into DetectionLogs through the product's own
 * adapter (so every index key is the real one), not through the upload pipeline, which would take hours.
 */
import { randomUUID } from 'node:crypto';
import type { ImageRecord } from '../functions/core/domain';
import type { DetectionLog } from '../functions/core/ports';

/** When seeded record 0 was created; record i is i minutes later (10,000 records span about a week). */
export const SEED_EPOCH_MS = Date.UTC(2026, 10, 1);

/** A COMPLETED cat of `owner`, created `i` minutes after SEED_EPOCH_MS; `overrides` vary it. */
export const seededRecord = (owner: string, i: number, overrides: Partial<ImageRecord> = {}): ImageRecord => {
  const id = overrides.id ?? randomUUID();
  const at = new Date(SEED_EPOCH_MS + i * 60_000).toISOString();
  return {
    id,
    owner,
    status: 'COMPLETED',
    fileName: `photo-${i}.jpg`,
    fileSize: 250_000,
    imageFormat: 'jpg',
    contentType: 'image/jpeg',
    objectKey: `cats/${id}.jpg`,
    s3Location: `s3://bench/cats/${id}.jpg`,
    createdAt: at,
    updatedAt: at,
    detectedAnimal: 'CAT',
    confidence: 90,
    uncertain: false,
    labels: [{ name: 'Cat', confidence: 90 }],
    classifiedAt: at,
    expiresAt: 1_900_000_000,
    ...overrides,
  };
};

/** Writes records 0..count-1 (`recordAt(i)`), `concurrency` at a time; resolves to the milliseconds it took. */
export const seedRecords = async (
  log: Pick<DetectionLog, 'createPending'>,
  count: number,
  recordAt: (i: number) => ImageRecord,
  concurrency = 16,
): Promise<number> => {
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await log.createPending(recordAt(next++));
    }),
  );
  return performance.now() - started;
};
