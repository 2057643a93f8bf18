/**
 * image-processor's use case: one S3 object under input/ in, one final record (COMPLETED or FAILED) out.
 *
 * At-least-once delivery is the norm, so every step may run twice: status changes are conditional, the
 * thumbnail and the filed copy go to keys derived from the id, and the order thumbnail -> copy -> COMPLETE
 * -> delete input means a crash at any point leaves either the input (and a redelivery finishes the job)
 * or a completed record whose thumbnail exists (and a redelivery only tidies the input). Nothing is ever
 * written under input/.
 *
 * The thumbnail is made before the classifier is paid: decoding it is what proves the pixels readable,
 * and its PUT overlaps the classifier's call.
 */
import { applyClassificationPolicy, type PolicyThresholds } from '../classification-policy';
import type { Classification, ImageMetadata, ImageRecord } from '../domain';
import { CLASSIFIER_NATIVE_FORMATS, FINAL_STATUSES } from '../domain';
import { describeFailure, isRetryable, ObjectNotFoundError, ObjectReplacedError, PetDetectorError } from '../errors';
import { toImageMetadata } from '../image-metadata';
import { validateImageBytes } from '../image-validation';
import { filedKey, parseInputKey, s3Uri, thumbnailKey } from '../object-keys';
import type { Classifier, Clock, DetectionLog, ImageMedia, LabelDetection, ObjectStore, ObjectVersion, StoredImage } from '../ports';

export interface ProcessUploadDeps {
  log: DetectionLog;
  store: ObjectStore;
  classifier: Classifier;
  media: ImageMedia;
  clock: Clock;
  thresholds: PolicyThresholds;
}

/** Rekognition's limit for image bytes sent in the request (an S3 object may have 15 MB). */
export const MAX_CLASSIFIER_BYTES = 5 * 1024 * 1024;

export interface UploadedObject {
  bucket: string;
  /** Already URL-decoded. */
  key: string;
  /** True on the queue's last delivery: a transient fault then also records FAILED before the DLQ. */
  finalAttempt?: boolean;
}

export type ProcessOutcome =
  | { kind: 'completed'; imageId: string; classification: Classification; objectKey: string; classifierMs: number }
  | { kind: 'failed'; imageId: string; reason: string }
  /** strayCopy: this delivery's copy, left where a concurrent delivery that won did not file the image. */
  | { kind: 'duplicate'; imageId: string; strayCopy?: string; superseded?: boolean }
  | { kind: 'ignored'; key: string; reason: string };

const isFinal = (record: ImageRecord): boolean => FINAL_STATUSES.includes(record.status);

export const processUpload = async (deps: ProcessUploadDeps, object: UploadedObject): Promise<ProcessOutcome> => {
  if (object.bucket !== deps.store.bucket) {
    return { kind: 'ignored', key: object.key, reason: `event for another bucket (${object.bucket})` };
  }
  let imageId: string;
  try {
    imageId = parseInputKey(object.key).imageId;
  } catch (error) {
    return { kind: 'ignored', key: object.key, reason: describeFailure(error) };
  }
  try {
    return await processKnownUpload(deps, object.key, imageId);
  } catch (error) {
    if (isRetryable(error) && object.finalAttempt) {
      // The queue will not deliver again: leave a record that says why instead of one stuck in PROCESSING.
      await deps.log
        .fail(imageId, `${describeFailure(error)} (gave up after the last retry)`, deps.clock.now().toISOString())
        .catch(() => undefined);
    }
    throw error;
  }
};

const processKnownUpload = async (deps: ProcessUploadDeps, key: string, imageId: string): Promise<ProcessOutcome> => {
  const { log, store, clock } = deps;
  const claim = await log.claimForProcessing(imageId, clock.now().toISOString());
  if (claim.kind === 'missing') return { kind: 'ignored', key, reason: 'no record for this image (ticket never issued or expired)' };
  if (claim.kind === 'final') {
    // A crash between COMPLETE and the delete leaves the input behind; a redelivery tidies it.
    if (claim.record.status === 'COMPLETED' && claim.record.objectKey !== key) await store.delete(key);
    return { kind: 'duplicate', imageId };
  }
  const { record } = claim;

  const failWith = async (error: unknown): Promise<ProcessOutcome> => {
    const reason = describeFailure(error);
    const changed = await log.fail(imageId, reason, clock.now().toISOString());
    return changed ? { kind: 'failed', imageId, reason } : { kind: 'duplicate', imageId };
  };

  /** The input vanished under us: another delivery may have filed it; only an open record means it is really gone. */
  const whenInputGone = async (error: unknown): Promise<ProcessOutcome> => {
    if (!(error instanceof ObjectNotFoundError)) throw error;
    const current = await log.get(imageId);
    if (!current || isFinal(current)) return { kind: 'duplicate', imageId };
    return failWith(new PetDetectorError('UploadMissing', 'The uploaded object no longer exists'));
  };

  // An upload ticket stays valid until it expires, so the key may be written again while this delivery works:
  // everything below (validation, classification, the copy) is about exactly the version read here.
  let bytes: Uint8Array;
  let version: ObjectVersion;
  try {
    ({ bytes, version } = await store.read(key));
  } catch (error) {
    return whenInputGone(error);
  }

  let image: StoredImage;
  let metadata: ImageMetadata;
  let thumbnail: Uint8Array;
  let classifierBytes: Uint8Array | undefined;
  try {
    image = { bytes, format: validateImageBytes(bytes, record.contentType).format };
    metadata = toImageMetadata(await deps.media.readHeaders(image));
    thumbnail = await deps.media.thumbnail(image);
    if (!CLASSIFIER_NATIVE_FORMATS.includes(image.format)) classifierBytes = await deps.media.toJpeg(image, MAX_CLASSIFIER_BYTES);
  } catch (error) {
    if (isRetryable(error)) throw error;
    return failWith(error);
  }
  const { format } = image;

  const started = clock.now().getTime();
  const thumbnailTarget = thumbnailKey(imageId);
  // Both settle before anything is decided, so a failed PUT never leaves a classifier call in flight.
  const [stored, classified] = await Promise.allSettled([
    store.put(thumbnailTarget, thumbnail, 'image/webp'),
    deps.classifier.detectLabels(
      classifierBytes
        ? { bucket: store.bucket, key, bytes: classifierBytes, converted: true }
        : { bucket: store.bucket, key, bytes, ...(version.versionId ? { versionId: version.versionId } : {}) },
    ),
  ]);
  if (classified.status === 'rejected' && !isRetryable(classified.reason)) return failWith(classified.reason);
  if (stored.status === 'rejected') throw stored.reason;
  if (classified.status === 'rejected') throw classified.reason;
  const detection: LabelDetection = classified.value;
  const classifierMs = clock.now().getTime() - started;
  const classification = applyClassificationPolicy(detection, deps.thresholds);

  const target = filedKey(classification.animal, imageId, format);
  try {
    await store.copy(key, target, version);
  } catch (error) {
    // Replaced since it was read (where the bucket keeps no versions): the newer upload's own event files
    // that one, and this delivery, whose classification is of bytes no longer there, records nothing.
    if (error instanceof ObjectReplacedError) return { kind: 'duplicate', imageId, superseded: true };
    return whenInputGone(error);
  }
  const completed = await log.complete(imageId, {
    ...classification,
    objectKey: target,
    s3Location: s3Uri(store.bucket, target),
    classifiedAt: clock.now().toISOString(),
    fileSize: bytes.length,
    metadata,
    thumbnailKey: thumbnailTarget,
  });
  if (!completed) {
    // Another delivery finished first: keep what its record points at, drop what only this one made.
    const winner = await log.get(imageId);
    if (winner?.status === 'COMPLETED' && winner.objectKey !== key) await store.delete(key);
    // The processor may delete only under input/ (least privilege: infra/stack.ts), so a copy this delivery
    // filed where the winner did not is reported for the operator, not deleted: that delete would be refused,
    // fail the message as if S3 were down, and still leave the copy behind.
    if (winner?.objectKey !== target) return { kind: 'duplicate', imageId, strayCopy: target };
    return { kind: 'duplicate', imageId };
  }
  await store.delete(key);
  return { kind: 'completed', imageId, classification, objectKey: target, classifierMs };
};
