/**
 * Domain types of pet-detector. Pure TypeScript: no AWS imports anywhere in core/.
 * GraphQL enums are the domain's vocabulary; DynamoDB's lowercase strings exist only in record-mapping.
 */
export type Animal = 'CAT' | 'DOG' | 'OTHER';
export type ProcessingStatus = 'PENDING' | 'PROCESSING' | 'COMPLETED' | 'FAILED';
export type ImageFormat = 'jpg' | 'png' | 'heic' | 'heif' | 'webp';
export type AcceptedContentType = 'image/jpeg' | 'image/png' | 'image/heic' | 'image/heif' | 'image/webp';

/** Fractions (0-1) of the image's width and height, as Rekognition reports them. */
export interface BoundingBox {
  left: number;
  top: number;
  width: number;
  height: number;
}

export interface DetectedLabel {
  name: string;
  /** 0-100 */
  confidence: number;
  boundingBoxes?: BoundingBox[];
}

/** The outcome of the classification policy for one image. */
export interface Classification {
  animal: Animal;
  /**
   * 0-100. CAT or DOG: the best label's confidence for `animal`. OTHER: 100 minus the best pet label's confidence
   * (100 when there is none), i.e. how sure the policy is that no pet is there.
   */
  confidence: number;
  uncertain: boolean;
  labels: DetectedLabel[];
}

/** One image's lifecycle, as stored in DetectionLogs (camelCase here; record-mapping owns the item shape). */
export interface ImageRecord {
  id: string;
  /**
   * Who uploaded it (functions/core/caller-scope.ts), from the verified identity at requestUpload, never from
   * input. Absent only on records written before owners existed: those are visible to analysts alone.
   */
  owner?: string;
  status: ProcessingStatus;
  fileName: string;
  fileSize: number;
  imageFormat: ImageFormat;
  contentType: AcceptedContentType;
  /** S3 key of the object as it is now: input/<id>.<ext> until filed. */
  objectKey: string;
  /** s3://<bucket>/<objectKey> */
  s3Location: string;
  createdAt: string;
  /** Time of the last status change (the specification's `Timestamp`). */
  updatedAt: string;
  detectedAnimal?: Animal;
  confidence?: number;
  uncertain?: boolean;
  labels?: DetectedLabel[];
  classifiedAt?: string;
  failureReason?: string;
  /** What the photo's headers say, read when it is processed (image-metadata.ts). */
  metadata?: ImageMetadata;
  /** S3 key of the WebP thumbnail, written before the record completes. */
  thumbnailKey?: string;
  /** TTL, epoch seconds. */
  expiresAt: number;
}

/**
 * A photo's own description of itself. GPS coordinates are never part of it (privacy first): only
 * whether the photo carried any.
 */
export interface ImageMetadata {
  /** Pixels as displayed, after the EXIF orientation. */
  width: number;
  height: number;
  /** EXIF DateTimeOriginal as ISO 8601 local time, with OffsetTimeOriginal's offset when the photo has one. */
  takenAt?: string;
  cameraMake?: string;
  cameraModel?: string;
  /** EXIF orientation, 1-8. */
  orientation?: number;
  /** Whether the photo carried GPS position tags. */
  hasLocation: boolean;
}

export const FINAL_STATUSES: readonly ProcessingStatus[] = ['COMPLETED', 'FAILED'];

export const ANIMAL_PREFIX: Record<Animal, string> = { CAT: 'cats/', DOG: 'dogs/', OTHER: 'others/' };
export const INPUT_PREFIX = 'input/';
export const THUMBNAIL_PREFIX = 'thumbnails/';

export const FORMAT_BY_CONTENT_TYPE: Record<AcceptedContentType, ImageFormat> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/heic': 'heic',
  'image/heif': 'heif',
  'image/webp': 'webp',
};

/** File extensions (lower case, no dot) clients may name an accepted upload with. */
export const CONTENT_TYPE_BY_EXTENSION: Readonly<Record<string, AcceptedContentType>> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  heic: 'image/heic',
  heif: 'image/heif',
  webp: 'image/webp',
};

/** What Rekognition reads itself; every other accepted format reaches the classifier converted to JPEG. */
export const CLASSIFIER_NATIVE_FORMATS: readonly ImageFormat[] = ['jpg', 'png'];
