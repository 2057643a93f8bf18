/**
 * The DetectionLogs item <-> domain record <-> GraphQL Image mappings: the one place that knows all three.
 *
 * APPSYNC_JS-safe on purpose: the `image` resolver bundles itemToImage, so this file keeps to what
 * AppSync's JavaScript runtime runs (no classes, no try/catch, no async, no while loops, no regex).
 */
import type { Image, PublishImageClassifiedInput } from '../../graphql/types';
import type { AcceptedContentType, Animal, DetectedLabel, ImageFormat, ImageMetadata, ImageRecord, ProcessingStatus } from './domain';

export type ItemAnimal = 'cat' | 'dog' | 'other';
export type ItemStatus = 'pending' | 'processing' | 'completed' | 'failed';

export interface ItemBoundingBox {
  Left: number;
  Top: number;
  Width: number;
  Height: number;
}

export interface ItemLabel {
  Name: string;
  Confidence: number;
  BoundingBoxes?: ItemBoundingBox[];
}

/** A DetectionLogs item, attribute names exactly as the specification gives them. */
export interface DetectionLogItem {
  ImageID: string;
  ProcessingStatus: ItemStatus;
  /** ISO-8601 time of the last status change. */
  Timestamp: string;
  S3Location: string;
  ObjectKey: string;
  FileName: string;
  FileSize: number;
  ImageFormat: ImageFormat;
  ContentType: string;
  CreatedAt: string;
  ExpiresAt: number;
  /** The sharded index keys (index-keys.ts), written by the adapter next to the mapped attributes. */
  ListPK?: string;
  StatusPK?: string;
  AnimalPK?: string;
  UncertainKey?: string;
  /** Who uploaded the image (table-design.ts OWNER_ATTRIBUTE); ByOwner is keyed on its sharded OwnerPK. */
  Owner?: string;
  OwnerPK?: string;
  DetectedAnimal?: ItemAnimal;
  ConfidenceScore?: number;
  Uncertain?: boolean;
  Labels?: ItemLabel[];
  ClassifiedAt?: string;
  FailureReason?: string;
  /** Photo metadata (image-metadata.ts); never GPS coordinates. */
  Width?: number;
  Height?: number;
  TakenAt?: string;
  CameraMake?: string;
  CameraModel?: string;
  Orientation?: number;
  HasLocation?: boolean;
  ThumbnailKey?: string;
}

/** The item attributes of ImageMetadata, for adapters that write them without a whole record. */
export const metadataToItem = (metadata: ImageMetadata): Partial<DetectionLogItem> => {
  const item: Partial<DetectionLogItem> = { Width: metadata.width, Height: metadata.height, HasLocation: metadata.hasLocation };
  if (metadata.takenAt) item.TakenAt = metadata.takenAt;
  if (metadata.cameraMake) item.CameraMake = metadata.cameraMake;
  if (metadata.cameraModel) item.CameraModel = metadata.cameraModel;
  if (metadata.orientation !== undefined) item.Orientation = metadata.orientation;
  return item;
};

const metadataFromItem = (item: DetectionLogItem): ImageMetadata | undefined => {
  if (item.Width === undefined || item.Width === null || item.Height === undefined || item.Height === null) return undefined;
  const metadata: ImageMetadata = { width: item.Width, height: item.Height, hasLocation: item.HasLocation === true };
  if (item.TakenAt) metadata.takenAt = item.TakenAt;
  if (item.CameraMake) metadata.cameraMake = item.CameraMake;
  if (item.CameraModel) metadata.cameraModel = item.CameraModel;
  if (item.Orientation !== undefined && item.Orientation !== null) metadata.orientation = item.Orientation;
  return metadata;
};

const CONTENT_TYPES: AcceptedContentType[] = ['image/jpeg', 'image/png', 'image/heic', 'image/heif', 'image/webp'];

export const animalToItem = (animal: Animal): ItemAnimal =>
  animal === 'CAT' ? 'cat' : animal === 'DOG' ? 'dog' : 'other';

export const animalFromItem = (animal: ItemAnimal): Animal =>
  animal === 'cat' ? 'CAT' : animal === 'dog' ? 'DOG' : 'OTHER';

export const statusToItem = (status: ProcessingStatus): ItemStatus =>
  status === 'PENDING'
    ? 'pending'
    : status === 'PROCESSING'
      ? 'processing'
      : status === 'COMPLETED'
        ? 'completed'
        : 'failed';

export const statusFromItem = (status: ItemStatus): ProcessingStatus =>
  status === 'pending'
    ? 'PENDING'
    : status === 'processing'
      ? 'PROCESSING'
      : status === 'completed'
        ? 'COMPLETED'
        : 'FAILED';

const labelToItem = (label: DetectedLabel): ItemLabel => {
  const item: ItemLabel = { Name: label.name, Confidence: label.confidence };
  if (label.boundingBoxes && label.boundingBoxes.length > 0) {
    item.BoundingBoxes = label.boundingBoxes.map((b) => ({ Left: b.left, Top: b.top, Width: b.width, Height: b.height }));
  }
  return item;
};

const labelFromItem = (label: ItemLabel): DetectedLabel => {
  const out: DetectedLabel = { name: label.Name, confidence: label.Confidence };
  if (label.BoundingBoxes && label.BoundingBoxes.length > 0) {
    out.boundingBoxes = label.BoundingBoxes.map((b) => ({ left: b.Left, top: b.Top, width: b.Width, height: b.Height }));
  }
  return out;
};

/** Labels as stored, for adapters that write them without a whole record. */
export const labelsToItem = (labels: DetectedLabel[]): ItemLabel[] => labels.map(labelToItem);

export const recordToItem = (record: ImageRecord): DetectionLogItem => {
  const item: DetectionLogItem = {
    ImageID: record.id,
    ProcessingStatus: statusToItem(record.status),
    Timestamp: record.updatedAt,
    S3Location: record.s3Location,
    ObjectKey: record.objectKey,
    FileName: record.fileName,
    FileSize: record.fileSize,
    ImageFormat: record.imageFormat,
    ContentType: record.contentType,
    CreatedAt: record.createdAt,
    ExpiresAt: record.expiresAt,
  };
  if (record.owner) item.Owner = record.owner;
  if (record.detectedAnimal) item.DetectedAnimal = animalToItem(record.detectedAnimal);
  if (record.confidence !== undefined) item.ConfidenceScore = record.confidence;
  if (record.uncertain !== undefined) item.Uncertain = record.uncertain;
  if (record.labels) item.Labels = record.labels.map(labelToItem);
  if (record.classifiedAt) item.ClassifiedAt = record.classifiedAt;
  if (record.failureReason) item.FailureReason = record.failureReason;
  if (record.metadata) Object.assign(item, metadataToItem(record.metadata));
  if (record.thumbnailKey) item.ThumbnailKey = record.thumbnailKey;
  return item;
};

export const itemToRecord = (item: DetectionLogItem): ImageRecord => {
  const record: ImageRecord = {
    id: item.ImageID,
    status: statusFromItem(item.ProcessingStatus),
    fileName: item.FileName,
    fileSize: item.FileSize,
    imageFormat: item.ImageFormat,
    contentType: CONTENT_TYPES.find((type) => type === item.ContentType) ?? 'image/jpeg',
    objectKey: item.ObjectKey,
    s3Location: item.S3Location,
    createdAt: item.CreatedAt,
    updatedAt: item.Timestamp,
    expiresAt: item.ExpiresAt,
  };
  if (item.Owner) record.owner = item.Owner;
  if (item.DetectedAnimal) record.detectedAnimal = animalFromItem(item.DetectedAnimal);
  if (item.ConfidenceScore !== undefined && item.ConfidenceScore !== null) record.confidence = item.ConfidenceScore;
  if (item.Uncertain !== undefined && item.Uncertain !== null) record.uncertain = item.Uncertain;
  if (item.Labels) record.labels = item.Labels.map(labelFromItem);
  if (item.ClassifiedAt) record.classifiedAt = item.ClassifiedAt;
  if (item.FailureReason) record.failureReason = item.FailureReason;
  const metadata = metadataFromItem(item);
  if (metadata) record.metadata = metadata;
  if (item.ThumbnailKey) record.thumbnailKey = item.ThumbnailKey;
  return record;
};

/** The GraphQL Image for an item; every field is present (null when unknown) so subscribers can select any. */
export const itemToImage = (item: DetectionLogItem): Image => ({
  id: item.ImageID,
  owner: item.Owner ? item.Owner : null,
  status: statusFromItem(item.ProcessingStatus),
  detectedAnimal: item.DetectedAnimal ? animalFromItem(item.DetectedAnimal) : null,
  confidence: item.ConfidenceScore === undefined ? null : item.ConfidenceScore,
  uncertain: item.Uncertain === undefined ? null : item.Uncertain,
  s3Location: item.S3Location,
  fileName: item.FileName,
  fileSize: item.FileSize,
  imageFormat: item.ImageFormat,
  labels: item.Labels
    ? item.Labels.map((l) => ({
        name: l.Name,
        confidence: l.Confidence,
        boundingBoxes: l.BoundingBoxes
          ? l.BoundingBoxes.map((b) => ({ left: b.Left, top: b.Top, width: b.Width, height: b.Height }))
          : null,
      }))
    : null,
  failureReason: item.FailureReason ? item.FailureReason : null,
  createdAt: item.CreatedAt,
  classifiedAt: item.ClassifiedAt ? item.ClassifiedAt : null,
  width: item.Width === undefined ? null : item.Width,
  height: item.Height === undefined ? null : item.Height,
  takenAt: item.TakenAt ? item.TakenAt : null,
  cameraMake: item.CameraMake ? item.CameraMake : null,
  cameraModel: item.CameraModel ? item.CameraModel : null,
  orientation: item.Orientation === undefined ? null : item.Orientation,
  hasLocation: item.HasLocation === undefined ? null : item.HasLocation,
});

export const recordToImage = (record: ImageRecord): Image => itemToImage(recordToItem(record));

/**
 * The publish mutation's input carries every Image field (subscriptions deliver only what was published),
 * the owner included: the subscription's enhanced filter matches on it.
 */
export const recordToPublishInput = (record: ImageRecord): PublishImageClassifiedInput => {
  const image = recordToImage(record);
  return {
    id: image.id,
    owner: image.owner,
    status: image.status,
    detectedAnimal: image.detectedAnimal,
    confidence: image.confidence,
    uncertain: image.uncertain,
    s3Location: image.s3Location,
    fileName: image.fileName,
    fileSize: image.fileSize,
    imageFormat: image.imageFormat,
    labels: image.labels
      ? image.labels.map((l) => ({ name: l.name, confidence: l.confidence, boundingBoxes: l.boundingBoxes }))
      : null,
    failureReason: image.failureReason,
    createdAt: image.createdAt,
    classifiedAt: image.classifiedAt,
    width: image.width,
    height: image.height,
    takenAt: image.takenAt,
    cameraMake: image.cameraMake,
    cameraModel: image.cameraModel,
    orientation: image.orientation,
    hasLocation: image.hasLocation,
  };
};
