/**
 * In-memory implementations of the core's ports, with the same contracts as the AWS adapters
 * (conditional status changes, ObjectNotFound on a missing object, idempotent delete), so use cases
 * can be specified without any AWS client.
 */
import { createHash } from 'node:crypto';
import type { ImageRecord } from '../../../../functions/core/domain';
import { DuplicateImageError, ObjectNotFoundError, ObjectReplacedError } from '../../../../functions/core/errors';
import type { ImageQueryPage, ImageQueryPlan } from '../../../../functions/core/image-query';
import { indexKeys } from '../../../../functions/core/index-keys';
import type {
  AlertLedger,
  Classifier,
  Clock,
  CompletedOutcome,
  DetectionLog,
  ImageSource,
  LabelDetection,
  Notifier,
  ObjectInfo,
  ObjectStore,
  ObjectVersion,
  ProcessingClaim,
  Publisher,
  UncertainAlert,
  StoredObject,
  UploadSigner,
} from '../../../../functions/core/ports';
import { animalToItem, recordToItem, statusToItem } from '../../../../functions/core/record-mapping';
import { type IndexEntry, ShardMerge } from '../../../../functions/core/shard-merge';
import { INDEXES } from '../../../../functions/core/table-design';

const OPEN = new Set(['PENDING', 'PROCESSING']);

export class InMemoryDetectionLog implements DetectionLog {
  constructor(readonly indexShards = 1) {}

  readonly records = new Map<string, ImageRecord>();
  /** Every status change that happened, in order: what a DynamoDB stream would carry. */
  readonly transitions: Array<{ id: string; from: string; to: string }> = [];
  /** Set to make the next write fail as DynamoDB would under throttling. */
  failNextWrite?: Error;

  async createPending(record: ImageRecord): Promise<void> {
    if (this.records.has(record.id)) throw new DuplicateImageError(record.id);
    this.records.set(record.id, structuredClone(record));
  }

  async get(id: string): Promise<ImageRecord | undefined> {
    const record = this.records.get(id);
    return record ? structuredClone(record) : undefined;
  }

  async getMany(ids: readonly string[]): Promise<ImageRecord[]> {
    return ids.flatMap((id) => (this.records.has(id) ? [structuredClone(this.records.get(id)!)] : []));
  }

  async claimForProcessing(id: string, at: string): Promise<ProcessingClaim> {
    if (!this.records.has(id)) return { kind: 'missing' };
    const claimed = this.transition(id, 'PROCESSING', (r) => ({ ...r, updatedAt: at }));
    return { kind: claimed ? 'claimed' : 'final', record: structuredClone(this.records.get(id)!) };
  }

  async complete(id: string, outcome: CompletedOutcome): Promise<boolean> {
    return this.transition(id, 'COMPLETED', (r) => ({
      ...r,
      fileSize: outcome.fileSize ?? r.fileSize,
      updatedAt: outcome.classifiedAt,
      classifiedAt: outcome.classifiedAt,
      detectedAnimal: outcome.animal,
      confidence: outcome.confidence,
      uncertain: outcome.uncertain,
      labels: outcome.labels,
      objectKey: outcome.objectKey,
      s3Location: outcome.s3Location,
      ...(outcome.metadata ? { metadata: outcome.metadata } : {}),
      ...(outcome.thumbnailKey ? { thumbnailKey: outcome.thumbnailKey } : {}),
    }));
  }

  async fail(id: string, reason: string, at: string): Promise<boolean> {
    return this.transition(id, 'FAILED', (r) => ({ ...r, updatedAt: at, failureReason: reason }));
  }

  async failIfUnchanged(record: Pick<ImageRecord, 'id' | 'status' | 'updatedAt'>, reason: string, at: string): Promise<boolean> {
    const current = this.records.get(record.id);
    if (!current || current.status !== record.status || current.updatedAt !== record.updatedAt) return false;
    return this.fail(record.id, reason, at);
  }

  /** The sharded indexes as DynamoDB holds them, read through the same merge as the DynamoDB adapter. */
  async query(plan: ImageQueryPlan): Promise<ImageQueryPage> {
    const index = INDEXES[plan.index];
    const { residual } = plan;
    const field = (entry: IndexEntry, name: string) => entry[name] as string;
    const newestFirst = (a: IndexEntry, b: IndexEntry) =>
      field(b, 'CreatedAt').localeCompare(field(a, 'CreatedAt')) || field(b, 'ImageID').localeCompare(field(a, 'ImageID'));
    const entries: IndexEntry[] = [...this.records.values()]
      .map((r) => ({ ...recordToItem(r), ...indexKeys(r, this.indexShards) }) as unknown as IndexEntry)
      .filter((e) => !plan.createdAfter || field(e, 'CreatedAt') >= plan.createdAfter)
      .filter((e) => !plan.createdBefore || field(e, 'CreatedAt') <= plan.createdBefore)
      .sort(newestFirst);
    const matches = (e: IndexEntry) =>
      (!residual.detectedAnimal || e.DetectedAnimal === animalToItem(residual.detectedAnimal)) &&
      (!residual.status || e.ProcessingStatus === statusToItem(residual.status)) &&
      (residual.uncertain === undefined || e.Uncertain === residual.uncertain) &&
      (residual.minConfidence === undefined || ((e.ConfidenceScore as number | undefined) ?? -1) >= residual.minConfidence);
    // Like a Query: `wanted` entries (at most `cap`) evaluated strictly after startKey, the filter applied to those.
    const readShard = async (partition: string, startKey: Record<string, unknown> | undefined, wanted: number, cap: number) => {
      const rows = entries.filter(
        (e) =>
          e[index.partitionKey] === partition &&
          (!index.ownerKey || (plan.owner !== undefined && e[index.ownerKey] === plan.owner)) &&
          (!startKey || newestFirst(startKey, e) < 0),
      );
      const limit = Math.min(wanted, cap);
      const evaluated = rows.slice(0, limit);
      const last = evaluated[evaluated.length - 1];
      return { entries: evaluated.filter(matches), evaluated: evaluated.length, ...(rows.length > limit && last ? { lastKey: last } : {}) };
    };
    const filtered = Object.keys(residual).length > 0;
    const merge = new ShardMerge(plan, plan.positions, readShard, plan.limit + 1, {
      budget: plan.readBudget,
      filtered,
      ...(plan.priorMatchRate ? { prior: plan.priorMatchRate } : {}),
    });
    const page: ImageRecord[] = [];
    while (page.length < plan.limit) {
      const entry = await merge.next();
      if (!entry) break;
      page.push(structuredClone(this.records.get(field(entry, 'ImageID'))!));
    }
    const result: ImageQueryPage = { items: page };
    if ((page.length > 0 && (await merge.peek())) || merge.budgetSpent) {
      result.positions = merge.positions();
      const rate = merge.matchRate();
      if (rate) result.matchRate = rate;
    }
    return result;
  }

  private transition(id: string, to: ImageRecord['status'], change: (r: ImageRecord) => ImageRecord): boolean {
    if (this.failNextWrite) {
      const error = this.failNextWrite;
      this.failNextWrite = undefined;
      throw error;
    }
    const current = this.records.get(id);
    if (!current || !OPEN.has(current.status)) return false;
    this.records.set(id, { ...change(current), status: to });
    if (current.status !== to) this.transitions.push({ id, from: current.status, to });
    return true;
  }
}

/** S3's ETag of a single-part upload: the quoted MD5 of its bytes. */
const etagOf = (bytes: Uint8Array): string => `"${createHash('md5').update(bytes).digest('hex')}"`;

export class InMemoryObjectStore implements ObjectStore {
  readonly objects = new Map<string, Uint8Array>();
  /** Keys written by copy or put, in order: the processor must never write under input/. */
  readonly written: string[] = [];
  readonly contentTypes = new Map<string, string>();
  /** Runs before each read, e.g. to delete the object as a concurrent delivery would. */
  beforeRead?: (key: string) => void;
  /** Errors the next puts throw, in order (e.g. a TransientError as S3 would cause). */
  readonly putFailures: Error[] = [];

  constructor(readonly bucket = 'test-bucket') {}

  async head(key: string): Promise<ObjectInfo | undefined> {
    const bytes = this.objects.get(key);
    return bytes ? { size: bytes.length } : undefined;
  }

  async read(key: string): Promise<StoredObject> {
    this.beforeRead?.(key);
    const bytes = this.objects.get(key);
    if (!bytes) throw new ObjectNotFoundError(key);
    return { bytes, version: { etag: etagOf(bytes) } };
  }

  /** As S3 without versioning: CopySourceIfMatch on the ETag refuses a key that was overwritten. */
  async copy(fromKey: string, toKey: string, version: ObjectVersion): Promise<void> {
    const bytes = this.objects.get(fromKey);
    if (!bytes) throw new ObjectNotFoundError(fromKey);
    if (etagOf(bytes) !== version.etag) throw new ObjectReplacedError(fromKey);
    this.written.push(toKey);
    this.objects.set(toKey, bytes);
  }

  async put(key: string, bytes: Uint8Array, contentType: string): Promise<void> {
    const failure = this.putFailures.shift();
    if (failure) throw failure;
    this.written.push(key);
    this.objects.set(key, bytes);
    this.contentTypes.set(key, contentType);
  }

  async delete(key: string): Promise<void> {
    this.objects.delete(key);
  }

  keys(): string[] {
    return [...this.objects.keys()].sort();
  }
}

/** Answers each call with the next scripted result (a detection, or an error to throw); repeats the last. */
export class ScriptedClassifier implements Classifier {
  readonly calls: ImageSource[] = [];
  constructor(private readonly script: Array<LabelDetection | Error>) {}

  async detectLabels(image: ImageSource): Promise<LabelDetection> {
    this.calls.push(image);
    const next = this.script[Math.min(this.calls.length, this.script.length) - 1];
    if (next instanceof Error) throw next;
    if (!next) throw new Error('ScriptedClassifier has no script');
    return next;
  }
}

export class RecordingPublisher implements Publisher {
  readonly published: ImageRecord[] = [];
  failWith?: Error;
  async publishImageClassified(image: ImageRecord): Promise<void> {
    if (this.failWith) throw this.failWith;
    this.published.push(image);
  }
}

export class RecordingNotifier implements Notifier {
  readonly alerts: UncertainAlert[] = [];
  failWith?: Error;
  async notifyUncertain(alert: UncertainAlert): Promise<void> {
    if (this.failWith) throw this.failWith;
    this.alerts.push(alert);
  }
}

/** The alert ledger as the table keeps it: one claim per image until released. */
export class InMemoryAlertLedger implements AlertLedger {
  readonly claimed = new Map<string, string>();

  async claim(imageId: string, at: string): Promise<boolean> {
    if (this.claimed.has(imageId)) return false;
    this.claimed.set(imageId, at);
    return true;
  }

  async release(imageId: string): Promise<void> {
    this.claimed.delete(imageId);
  }
}

export class RecordingSigner implements UploadSigner {
  readonly posts: Array<{ key: string; contentType: string; maxBytes: number; expiresInSeconds: number }> = [];
  async presignPost(input: { key: string; contentType: string; maxBytes: number; expiresInSeconds: number }) {
    this.posts.push(input);
    return { url: 'https://bucket.example/', fields: { key: input.key, 'Content-Type': input.contentType, Policy: 'p' } };
  }
  async presignGet(key: string, expiresInSeconds: number): Promise<string> {
    return `https://bucket.example/${key}?expires=${expiresInSeconds}`;
  }
}

export const fixedClock = (iso = '2026-11-22T03:00:00.000Z'): Clock & { advance(ms: number): void } => {
  let now = Date.parse(iso);
  return { now: () => new Date(now), advance: (ms) => (now += ms) };
};

export const pendingRecord = (id: string, overrides: Partial<ImageRecord> = {}): ImageRecord => ({
  id,
  owner: 'owner-a',
  status: 'PENDING',
  fileName: 'whiskers.jpg',
  fileSize: 1000,
  imageFormat: 'jpg',
  contentType: 'image/jpeg',
  objectKey: `input/${id}.jpg`,
  s3Location: `s3://test-bucket/input/${id}.jpg`,
  createdAt: '2026-11-22T02:59:00.000Z',
  updatedAt: '2026-11-22T02:59:00.000Z',
  expiresAt: 1_800_000_000,
  ...overrides,
});
