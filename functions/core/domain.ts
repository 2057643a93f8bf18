/**
 * Domain types of pet-detector. Pure TypeScript: no AWS imports anywhere in core/.
 * GraphQL enums are the domain's vocabulary; DynamoDB's lowercase strings exist only in record-mapping.
 */
export type Animal = 'CAT' | 'DOG' | 'OTHER';
export type ProcessingStatus = 'PENDING' | 'PROCESSING' | 'COMPLETED' | 'FAILED';
export type ImageFormat = 'jpg' | 'png';
export type AcceptedContentType = 'image/jpeg' | 'image/png';

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
  /** 0-100: the best label's confidence for `animal` (for OTHER: the best pet label's, or 0). */
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
  /** TTL, epoch seconds. */
  expiresAt: number;
}

export const FINAL_STATUSES: readonly ProcessingStatus[] = ['COMPLETED', 'FAILED'];

export const ANIMAL_PREFIX: Record<Animal, string> = { CAT: 'cats/', DOG: 'dogs/', OTHER: 'others/' };
export const INPUT_PREFIX = 'input/';

export const FORMAT_BY_CONTENT_TYPE: Record<AcceptedContentType, ImageFormat> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
};
