/**
 * Every failure the product names. `code` is what clients see as GraphQL `errorType` and what
 * FailureReason records start with; `retryable` decides between "retry through the queue" and "FAILED now".
 */
export type ErrorCode =
  // requestUpload input
  | 'UnsupportedContentType'
  | 'InvalidFileSize'
  | 'FileTooLarge'
  | 'InvalidFileName'
  // image bytes
  | 'EmptyFile'
  | 'NotAnImage'
  | 'UnsupportedImageFormat'
  | 'ContentTypeMismatch'
  | 'TruncatedImage'
  | 'ImageTooSmall'
  | 'ImageDimensionsTooLarge'
  | 'AnimatedImage'
  | 'InvalidImageMetadata'
  | 'UndecodableImage'
  | 'ImageTooManyPixels'
  | 'ClassifierRejectedImage'
  | 'ModelUnavailable'
  | 'UploadMissing'
  | 'UploadReplaced'
  | 'InvalidObjectKey'
  // queries
  | 'InvalidLimit'
  | 'InvalidNextToken'
  | 'InvalidFilter'
  | 'InvalidArgument'
  | 'InvalidStatsRange'
  | 'StatsRangeTooLarge'
  // who may do what (functions/core/caller-scope.ts)
  | 'Unauthorized'
  // infrastructure
  | 'DuplicateImage'
  | 'ObjectNotFound'
  | 'ClassifierThrottled'
  | 'DependencyUnavailable'
  | 'PublishFailed'
  | 'ConfigurationError';

export class PetDetectorError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly retryable = false,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = code;
  }
}

/** The caller's input is wrong: never retried, always shown to the caller in words. */
export class ValidationError extends PetDetectorError {
  constructor(code: ErrorCode, message: string) {
    super(code, message, false);
  }
}

/** A dependency failed in a way that may pass: the message goes back to the queue. */
export class TransientError extends PetDetectorError {
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, true, options);
  }
}

export class ObjectNotFoundError extends PetDetectorError {
  constructor(key: string) {
    super('ObjectNotFound', `No object at ${key}`);
  }
}

/** The key holds other bytes than the ones read: the upload ticket was used again meanwhile. */
export class ObjectReplacedError extends PetDetectorError {
  constructor(key: string) {
    super('UploadReplaced', `${key} was replaced after it was read`);
  }
}

export class DuplicateImageError extends PetDetectorError {
  constructor(id: string) {
    super('DuplicateImage', `Image ${id} already exists`);
  }
}

export class PublishError extends TransientError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('PublishFailed', message, options);
  }
}

/** The caller's scope does not allow this field: AppSync's util.unauthorized() shape, for the same refusal. */
export class UnauthorizedError extends PetDetectorError {
  constructor(fieldName: string, typeName: string) {
    super('Unauthorized', `Not Authorized to access ${fieldName} on type ${typeName}`);
  }
}

export class ConfigurationError extends PetDetectorError {
  constructor(message: string) {
    super('ConfigurationError', message);
  }
}

export const isRetryable = (error: unknown): boolean =>
  !(error instanceof PetDetectorError) || error.retryable;

/** "Code: message", as stored in FailureReason and logged. */
export const describeFailure = (error: unknown): string =>
  error instanceof PetDetectorError ? `${error.code}: ${error.message}` : 'InternalError: unexpected failure';
