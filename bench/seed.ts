/**
 * Seeding for benchmarks: image records written straight into DetectionLogs, not through the upload
 * pipeline, which would take hours.
 * - seededRecord/seedRecords: simple COMPLETED cats written through the product's own adapter (createPending),
 *   so every index key is the real one.
 * - syntheticRecords + batchWriteAll: a realistic history for the read benches (bench/queries.ts), generated from
 *   a seeded random sequence (the same options give the same records) and written with BatchWriteItem, many
 *   requests in flight, UnprocessedItems asked again, with the adapter's item mapping and index keys
 *   (detectionLogItems):
 *   - createdAt spreads over `days` days before `end`: busier lately (the product grows), at weekends and in the
 *     afternoon (UTC); uploads still open (PENDING, PROCESSING) are recent, as the sweeper would fail old ones.
 *   - Final records: 3% FAILED; completed ones 45% cat, 35% dog, 20% other, a tenth of them uncertain (the
 *     cost model's 10%), with Rekognition-like labels and photo metadata, so items weigh what real ones weigh.
 *   - Owners: `owners` in the given spread, the rest ('public') from the API key.
 *   The ImageStats counters (imageStatsItems) are derived from the same records with the stream publisher's own
 *   counting (image-stats.ts counterKeysOf/countsOf, the stats store's packing), so imageStats agrees with images().
 */
import { randomUUID } from 'node:crypto';
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { counterItem, sumCounterItems } from '../functions/adapters/stats-counter-items';
import { PUBLIC_OWNER } from '../functions/core/caller-scope';
import type { AcceptedContentType, Animal, DetectedLabel, ImageFormat, ImageRecord, ProcessingStatus } from '../functions/core/domain';
import { ANIMAL_PREFIX, FINAL_STATUSES, INPUT_PREFIX } from '../functions/core/domain';
import { counterKeysOf, countsOf } from '../functions/core/image-stats';
import { indexKeys } from '../functions/core/index-keys';
import type { DetectionLog } from '../functions/core/ports';
import { recordToItem } from '../functions/core/record-mapping';
import { writeInBatches } from '../local/provision/batch-write';

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

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

export interface SeedOptions {
  count: number;
  /** Owners of the images that are not the public tenant's. */
  owners: readonly string[];
  /** 'zipf': the first owner uploads most, the n-th 1/n of that (a few heavy users, a long tail). Default uniform. */
  ownerSpread?: 'uniform' | 'zipf';
  /** Share of images uploaded with the API key (owner 'public'). Default 0. */
  publicShare?: number;
  /** createdAt falls in [end - days, end). */
  days: number;
  end: Date;
  /** Seed of the random sequence. */
  seed?: number;
  /** TTL of every record: beyond the bench, so nothing expires under it. */
  expiresAt: number;
}

/** mulberry32: a small seeded generator; the bench needs repeatable spreads, not cryptographic randomness. */
const random = (seed: number): (() => number) => {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
};

/** Index i drawn with probability weights[i] / sum: binary search over the running sums. */
const weightedPicker = (weights: readonly number[]): ((r: number) => number) => {
  const cumulative: number[] = [];
  let total = 0;
  for (const w of weights) cumulative.push((total += w));
  return (r) => {
    const target = r * total;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cumulative[mid] as number) > target) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
};

const uuidFrom = (next: () => number): string => {
  const hex = Array.from({ length: 32 }, () => Math.floor(next() * 16).toString(16)).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${'89ab'[Math.floor(next() * 4)]}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
};

const FORMATS: ReadonlyArray<{ format: ImageFormat; contentType: AcceptedContentType; weight: number }> = [
  { format: 'jpg', contentType: 'image/jpeg', weight: 60 },
  { format: 'heic', contentType: 'image/heic', weight: 30 },
  { format: 'png', contentType: 'image/png', weight: 5 },
  { format: 'webp', contentType: 'image/webp', weight: 5 },
];
const CAMERAS = [
  ['Apple', 'iPhone 15'],
  ['Apple', 'iPhone 13'],
  ['samsung', 'SM-S918B'],
  ['Google', 'Pixel 8'],
] as const;
const SIDES = [
  [4032, 3024],
  [3024, 4032],
  [4000, 3000],
  [1920, 1080],
] as const;
const SCENE_LABELS = ['Indoors', 'Furniture', 'Couch', 'Plant', 'Grass', 'Outdoors', 'Floor', 'Blanket', 'Window', 'Person'];
const PET_LABELS: Record<Animal, string[]> = {
  CAT: ['Cat', 'Pet', 'Animal', 'Mammal', 'Kitten'],
  DOG: ['Dog', 'Pet', 'Animal', 'Mammal', 'Canine', 'Puppy'],
  OTHER: ['Bird', 'Animal', 'Nature', 'Food', 'Car'],
};
const FAILURES = ['UndecodableImage: The image cannot be decoded', 'ImageTooSmall: The image is 64x64 px', 'ContentTypeMismatch: The file is a PNG'];

const round2 = (n: number): number => Math.round(n * 100) / 100;

/** Rekognition-like labels: the animal's with one box, then a few scene labels. */
const labelsFor = (animal: Animal, confidence: number, next: () => number): DetectedLabel[] => {
  const petScore = animal === 'OTHER' ? 100 - confidence : confidence;
  const labels: DetectedLabel[] = PET_LABELS[animal].map((name, i) => ({
    name,
    confidence: round2(Math.max(50, (i === 0 ? petScore : 99) - next() * 5)),
    ...(i === 0 ? { boundingBoxes: [{ left: round2(next() * 0.4), top: round2(next() * 0.4), width: round2(0.3 + next() * 0.3), height: round2(0.3 + next() * 0.3) }] } : {}),
  }));
  const scenes = 3 + Math.floor(next() * 6);
  for (let i = 0; i < scenes; i += 1) labels.push({ name: SCENE_LABELS[(i * 3 + Math.floor(next() * 3)) % SCENE_LABELS.length] as string, confidence: round2(55 + next() * 44) });
  return labels;
};

export const syntheticRecords = (options: SeedOptions): ImageRecord[] => {
  const next = random(options.seed ?? 1);
  const endMs = options.end.getTime();
  const firstDay = endMs - options.days * DAY_MS;
  // Twice as busy at the end as at the start, a third more at weekends; afternoons (UTC) peak.
  const pickDay = weightedPicker(
    Array.from({ length: options.days }, (_, d) => (0.66 + (1.33 * d) / options.days) * ([0, 6].includes(new Date(firstDay + d * DAY_MS).getUTCDay()) ? 1.33 : 1)),
  );
  const pickHour = weightedPicker(Array.from({ length: 24 }, (_, h) => 1.2 + Math.sin(((h - 9) / 24) * 2 * Math.PI)));
  const ownerWeights = options.owners.map((_, i) => (options.ownerSpread === 'zipf' ? 1 / (i + 1) : 1));
  const pickOwner = weightedPicker(ownerWeights);
  const pickFormat = weightedPicker(FORMATS.map((f) => f.weight));
  const publicShare = options.publicShare ?? 0;

  return Array.from({ length: options.count }, (_, i): ImageRecord => {
    const id = uuidFrom(next);
    const createdMs = Math.min(endMs - 1, firstDay + pickDay(next()) * DAY_MS + pickHour(next()) * HOUR_MS + Math.floor(next() * HOUR_MS));
    const createdAt = new Date(createdMs).toISOString();
    const owner = options.owners.length === 0 || next() < publicShare ? PUBLIC_OWNER : (options.owners[pickOwner(next())] as string);
    const { format, contentType } = FORMATS[pickFormat(next())] as (typeof FORMATS)[number];
    const age = endMs - createdMs;
    const r = next();
    const status: ProcessingStatus =
      age < HOUR_MS && r < 0.4 ? (r < 0.3 ? 'PENDING' : 'PROCESSING') : age < DAY_MS && r < 0.02 ? 'PENDING' : r < 0.03 ? 'FAILED' : 'COMPLETED';
    const base: ImageRecord = {
      id,
      owner,
      status,
      fileName: `IMG_${String(1000 + (i % 9000))}.${format === 'jpg' ? 'JPG' : format.toUpperCase()}`,
      fileSize: Math.floor(400_000 + next() * 4_000_000),
      imageFormat: format,
      contentType,
      objectKey: `${INPUT_PREFIX}${id}.${format}`,
      s3Location: `s3://pet-detector-images/${INPUT_PREFIX}${id}.${format}`,
      createdAt,
      updatedAt: createdAt,
      expiresAt: options.expiresAt,
    };
    if (!FINAL_STATUSES.includes(status)) return base;
    const finishedAt = new Date(createdMs + 800 + Math.floor(next() * 2500)).toISOString();
    if (status === 'FAILED') return { ...base, updatedAt: finishedAt, failureReason: FAILURES[Math.floor(next() * FAILURES.length)] as string };

    const a = next();
    const animal: Animal = a < 0.45 ? 'CAT' : a < 0.8 ? 'DOG' : 'OTHER';
    const uncertain = animal !== 'OTHER' && next() < 0.125;
    const c = next();
    // Sure answers crowd near 100; uncertain ones lie in [50, 80); OTHER is 100 minus the best pet score.
    const confidence = round2(uncertain ? 50 + 30 * c : animal === 'OTHER' ? 100 - 50 * c * c : 99.9 - 19.9 * c * c);
    const [width, height] = SIDES[Math.floor(next() * SIDES.length)] as readonly [number, number];
    const [cameraMake, cameraModel] = CAMERAS[Math.floor(next() * CAMERAS.length)] as readonly [string, string];
    const objectKey = `${ANIMAL_PREFIX[animal]}${id}.${format}`;
    return {
      ...base,
      updatedAt: finishedAt,
      classifiedAt: finishedAt,
      objectKey,
      s3Location: `s3://pet-detector-images/${objectKey}`,
      detectedAnimal: animal,
      confidence,
      uncertain,
      labels: labelsFor(animal, confidence, next),
      thumbnailKey: `thumbnails/${id}.webp`,
      metadata: {
        width,
        height,
        takenAt: new Date(createdMs - Math.floor(next() * DAY_MS)).toISOString().slice(0, 19),
        cameraMake,
        cameraModel,
        orientation: next() < 0.7 ? 1 : 6,
        hasLocation: next() < 0.4,
      },
    };
  });
};

export interface WriteReport {
  items: number;
  requests: number;
  /** BatchWriteItem requests repeated for the items a previous one left unprocessed. */
  retries: number;
  seconds: number;
}

/** Puts every item with BatchWriteItem, `concurrency` requests in flight (local/provision/batch-write.ts). */
export const batchWriteAll = async (
  doc: DynamoDBDocumentClient,
  tableName: string,
  items: readonly Record<string, unknown>[],
  concurrency = 16,
): Promise<WriteReport> => {
  const started = performance.now();
  const { requests, retries } = await writeInBatches(
    async (batch) => ((await doc.send(new BatchWriteCommand({ RequestItems: { [tableName]: batch } }))).UnprocessedItems?.[tableName] ?? []) as typeof batch,
    items.map((Item) => ({ PutRequest: { Item } })),
    { concurrency, onGiveUp: (left) => new Error(`BatchWriteItem on ${tableName} left ${left} items unprocessed 10 times`) },
  );
  return { items: items.length, requests, retries, seconds: (performance.now() - started) / 1000 };
};

/** The records as DetectionLogs items, with the index keys of `indexShards` write shards, as the adapter writes them. */
export const detectionLogItems = (records: readonly ImageRecord[], indexShards: number): Record<string, unknown>[] =>
  records.map((record) => ({ ...recordToItem(record), ...indexKeys(record, indexShards) }));

/** The ImageStats counter items these records' final statuses add up to, as the stats store packs them. */
export const imageStatsItems = (records: readonly ImageRecord[]): Record<string, unknown>[] =>
  sumCounterItems(
    records.filter((r) => FINAL_STATUSES.includes(r.status)).map((r) => ({ id: r.id, counters: counterKeysOf(r), counts: countsOf(r) })),
  ).map(counterItem);
