/**
 * In-memory implementations of the core's ports, with the same contracts as the AWS adapters
 * (conditional status changes, ObjectNotFound on a missing object, idempotent delete), so use cases
 * can be specified without any AWS client.
 */
import type { ImageRecord } from '../../../../functions/core/domain';
import { DuplicateImageError, ObjectNotFoundError } from '../../../../functions/core/errors';
import { type ImageQueryPage, type ImageQueryPlan, pageKeyAttributes } from '../../../../functions/core/image-query';
import type {
  Classifier,
  Clock,
  CompletedOutcome,
  DetectionLog,
  ImageSource,
  LabelDetection,
  Notifier,
  ObjectInfo,
  ObjectStore,
  ProcessingClaim,
  Publisher,
  UncertainAlert,
  UploadSigner,
} from '../../../../functions/core/ports';
import { animalToItem, itemToRecord, recordToItem, statusToItem } from '../../../../functions/core/record-mapping';
import { INDEXES } from '../../../../functions/core/table-design';

const OPEN = new Set(['PENDING', 'PROCESSING']);

export class InMemoryDetectionLog implements DetectionLog {
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
    }));
  }

  async fail(id: string, reason: string, at: string): Promise<boolean> {
    return this.transition(id, 'FAILED', (r) => ({ ...r, updatedAt: at, failureReason: reason }));
  }

  async query(plan: ImageQueryPlan): Promise<ImageQueryPage> {
    const index = INDEXES[plan.index];
    const { residual } = plan;
    let items = [...this.records.values()]
      .map(recordToItem)
      .filter((item) => (item as unknown as Record<string, unknown>)[index.partitionKey] === plan.partitionValue)
      .filter((item) => !plan.createdAfter || item.CreatedAt >= plan.createdAfter)
      .filter((item) => !plan.createdBefore || item.CreatedAt <= plan.createdBefore)
      .filter((item) => !residual.detectedAnimal || item.DetectedAnimal === animalToItem(residual.detectedAnimal))
      .filter((item) => !residual.status || item.ProcessingStatus === statusToItem(residual.status))
      .filter((item) => residual.uncertain === undefined || item.Uncertain === residual.uncertain)
      .filter((item) => residual.minConfidence === undefined || (item.ConfidenceScore ?? -1) >= residual.minConfidence)
      .sort((a, b) => b.CreatedAt.localeCompare(a.CreatedAt) || b.ImageID.localeCompare(a.ImageID));
    if (plan.startKey) items = items.slice(items.findIndex((i) => i.ImageID === plan.startKey!.ImageID) + 1);
    const page = items.slice(0, plan.limit);
    const result: ImageQueryPage = { items: page.map(itemToRecord) };
    const last = page[page.length - 1] as unknown as Record<string, unknown> | undefined;
    if (items.length > plan.limit && last) {
      result.lastKey = Object.fromEntries(pageKeyAttributes(plan.index).map((n) => [n, last[n]]));
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

export class InMemoryObjectStore implements ObjectStore {
  readonly objects = new Map<string, Uint8Array>();
  /** Keys written by copy, in order: the processor must never write under input/. */
  readonly written: string[] = [];
  /** Runs before each read, e.g. to delete the object as a concurrent delivery would. */
  beforeRead?: (key: string) => void;

  constructor(readonly bucket = 'test-bucket') {}

  async head(key: string): Promise<ObjectInfo | undefined> {
    const bytes = this.objects.get(key);
    return bytes ? { size: bytes.length } : undefined;
  }

  async read(key: string): Promise<Uint8Array> {
    this.beforeRead?.(key);
    const bytes = this.objects.get(key);
    if (!bytes) throw new ObjectNotFoundError(key);
    return bytes;
  }

  async copy(fromKey: string, toKey: string): Promise<void> {
    const bytes = this.objects.get(fromKey);
    if (!bytes) throw new ObjectNotFoundError(fromKey);
    this.written.push(toKey);
    this.objects.set(toKey, bytes);
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
  async notifyUncertain(alert: UncertainAlert): Promise<void> {
    this.alerts.push(alert);
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
