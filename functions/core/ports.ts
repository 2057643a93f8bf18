/**
 * Ports: the only ways the core reaches the outside world. Adapters (functions/adapters, classifier/)
 * implement them for AWS and for the local stack; unit tests implement them in memory.
 */
import type { Classification, DetectedLabel, ImageFormat, ImageMetadata, ImageRecord } from './domain';
import type { PhotoHeaders } from './image-metadata';
import type { ImageQueryPage, ImageQueryPlan } from './image-query';
import type { CounterKey, StatsCounts, StatsRange, StoredBucket } from './image-stats';

export interface ObjectInfo {
  size: number;
  contentType?: string;
}

/** Which stored version of an object: its ETag always, its VersionId where the bucket keeps versions. */
export interface ObjectVersion {
  etag: string;
  versionId?: string;
}

export interface StoredObject {
  bytes: Uint8Array;
  version: ObjectVersion;
}

export interface ObjectStore {
  readonly bucket: string;
  /** undefined when the object does not exist. */
  head(key: string): Promise<ObjectInfo | undefined>;
  /** The object's bytes and which version they are; throws ObjectNotFoundError when it does not exist. */
  read(key: string): Promise<StoredObject>;
  /**
   * Copies exactly this version of fromKey within the bucket (the source stays). Throws ObjectReplacedError
   * when the key no longer holds it (an upload ticket used again), ObjectNotFoundError when it is gone.
   */
  copy(fromKey: string, toKey: string, version: ObjectVersion): Promise<void>;
  /** Writes (or overwrites) an object the processor made itself, such as a thumbnail. */
  put(key: string, bytes: Uint8Array, contentType: string): Promise<void>;
  /** Succeeds when the object is already gone. */
  delete(key: string): Promise<void>;
}

/** Rekognition DetectLabels' response shape, restated here so the core needs no AWS import. */
export interface LabelDetection {
  Labels?: Array<{
    Name?: string;
    Confidence?: number;
    Instances?: Array<{
      BoundingBox?: { Width?: number; Height?: number; Left?: number; Top?: number };
      Confidence?: number;
    }>;
    Parents?: Array<{ Name?: string }>;
    Aliases?: Array<{ Name?: string }>;
    Categories?: Array<{ Name?: string }>;
  }>;
  LabelModelVersion?: string;
}

/** The image handed to a classifier: Rekognition reads the S3 object, a local model reads the bytes. */
export interface ImageSource {
  bucket: string;
  key: string;
  bytes: Uint8Array;
  /**
   * The bytes are a JPEG converted from an object the classifier cannot read itself (HEIC, WebP):
   * Rekognition must be sent them instead of reading the S3 object.
   */
  converted?: boolean;
  /** The S3 version the bytes were read from: a classifier reading the object reads this one. */
  versionId?: string;
}

export interface Classifier {
  detectLabels(image: ImageSource): Promise<LabelDetection>;
}

/** An uploaded image's bytes and the format they were validated as. */
export interface StoredImage {
  bytes: Uint8Array;
  format: ImageFormat;
}

/**
 * What the processor needs from an image besides its labels: headers, a thumbnail and, for formats
 * Rekognition cannot read, a JPEG. Every method throws a named ValidationError for a file that cannot be
 * read (UndecodableImage, ImageTooManyPixels) and nothing retryable: decoding the same bytes again fails again.
 */
export interface ImageMedia {
  readHeaders(image: StoredImage): Promise<PhotoHeaders>;
  /** WebP, longest side THUMBNAIL_SIDE, upright, without any metadata. */
  thumbnail(image: StoredImage): Promise<Uint8Array>;
  /** An upright JPEG of at most maxBytes, scaled down as needed. */
  toJpeg(image: StoredImage, maxBytes: number): Promise<Uint8Array>;
}

/** What a completed classification records. */
export type CompletedOutcome = Classification & {
  objectKey: string;
  s3Location: string;
  classifiedAt: string;
  /** The stored object's real size; the ticket only capped it at the declared size. */
  fileSize?: number;
  metadata?: ImageMetadata;
  thumbnailKey?: string;
};

export type ProcessingClaim =
  | { kind: 'claimed'; record: ImageRecord }
  | { kind: 'final'; record: ImageRecord }
  | { kind: 'missing' };

export interface DetectionLog {
  /** How many write shards each list index has: a query plan holds one position per shard. */
  readonly indexShards: number;
  /** Conditional put: fails with DuplicateImageError when the id exists. */
  createPending(record: ImageRecord): Promise<void>;
  get(id: string): Promise<ImageRecord | undefined>;
  /**
   * The records that exist among these ids, in the order of the ids: an id with no record is left out, a repeated
   * id is repeated. Any number of ids (the DynamoDB adapter reads them 100 at a time).
   */
  getMany(ids: readonly string[]): Promise<ImageRecord[]>;
  /**
   * PENDING|PROCESSING -> PROCESSING, in one conditional write that also tells what a read would have:
   * the claimed record, the record that was already final, or that there is none.
   */
  claimForProcessing(id: string, at: string): Promise<ProcessingClaim>;
  /** PENDING|PROCESSING -> COMPLETED. false when another delivery finished first. */
  complete(id: string, outcome: CompletedOutcome): Promise<boolean>;
  /** PENDING|PROCESSING -> FAILED. false when another delivery finished first. */
  fail(id: string, reason: string, at: string): Promise<boolean>;
  /**
   * An open record -> FAILED, only while it is exactly as read (same status, same last change): a delivery
   * that claimed or finished it since wins. false when it changed.
   */
  failIfUnchanged(record: Pick<ImageRecord, 'id' | 'status' | 'updatedAt'>, reason: string, at: string): Promise<boolean>;
  query(plan: ImageQueryPlan): Promise<ImageQueryPage>;
}

/**
 * Which uncertain images have had their alert sent, so a stream record delivered again (a replay after a
 * crash between the publish and its checkpoint, a retried batch) alerts once.
 */
export interface AlertLedger {
  /** true when this call claims the alert (none was sent before); false when it was already claimed. */
  claim(imageId: string, at: string): Promise<boolean>;
  /** Gives the claim back after the alert could not be sent, so the retry sends it. */
  release(imageId: string): Promise<void>;
}

/** An image that reached its final status, with the counters it adds to (image-stats.ts). */
export interface CountedImage {
  id: string;
  counters: CounterKey[];
  counts: StatsCounts;
}

export interface StatsStore {
  /**
   * Adds each image's counts to its counters exactly once per image id, however often the same image is
   * handed over again (a redelivered stream batch); returns how many images were counted by this call.
   */
  countOnce(images: readonly CountedImage[]): Promise<number>;
  /** The stored buckets of one scope and granularity, at least those from range.firstStart to range.lastStart: one Query. */
  read(range: StatsRange): Promise<StoredBucket[]>;
}

export interface Publisher {
  /** Calls publishImageClassified; throws PublishError on an HTTP or GraphQL error. */
  publishImageClassified(image: ImageRecord): Promise<void>;
}

export interface UncertainAlert {
  imageId: string;
  animal: string;
  confidence: number;
  s3Location: string;
  labels: DetectedLabel[];
}

export interface Notifier {
  notifyUncertain(alert: UncertainAlert): Promise<void>;
}

export interface UploadSigner {
  /** A presigned POST bound to exactly this key, content type and size range. */
  presignPost(input: {
    key: string;
    contentType: string;
    maxBytes: number;
    expiresInSeconds: number;
  }): Promise<{ url: string; fields: Record<string, string> }>;
  /** A presigned GET for a filed object. */
  presignGet(key: string, expiresInSeconds: number): Promise<string>;
}

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
