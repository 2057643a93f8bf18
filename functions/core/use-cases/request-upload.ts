/**
 * Mutation.requestUpload: validates what the client means to send, records it as PENDING and returns a
 * presigned POST that S3 will only accept for exactly that key, content type and size.
 */
import { type CallerScope, uploadOwner } from '../caller-scope';
import type { ImageRecord } from '../domain';
import { UnauthorizedError } from '../errors';
import type { RequestUploadInput, UploadTicket } from '../../../graphql/types';
import { inputKey, s3Uri } from '../object-keys';
import type { Clock, DetectionLog, UploadSigner } from '../ports';
import { validateUploadRequest } from '../upload-validation';

export const MIN_UPLOAD_URL_TTL_SECONDS = 300;
export const MAX_UPLOAD_URL_TTL_SECONDS = 900;

export interface RequestUploadDeps {
  log: DetectionLog;
  signer: UploadSigner;
  clock: Clock;
  newId: () => string;
  bucket: string;
  uploadUrlTtlSeconds: number;
  retentionDays: number;
}

/** The record's owner is the caller's, from its verified identity; analysts (who read everyone's) cannot upload. */
export const requestUpload = async (deps: RequestUploadDeps, scope: CallerScope, input: RequestUploadInput): Promise<UploadTicket> => {
  const owner = uploadOwner(scope);
  if (owner === null) throw new UnauthorizedError('requestUpload', 'Mutation');
  const upload = validateUploadRequest(input);
  const id = deps.newId();
  const key = inputKey(id, upload.imageFormat);
  const now = deps.clock.now();
  const createdAt = now.toISOString();
  const record: ImageRecord = {
    id,
    owner,
    status: 'PENDING',
    fileName: upload.fileName,
    fileSize: upload.fileSize,
    imageFormat: upload.imageFormat,
    contentType: upload.contentType,
    objectKey: key,
    s3Location: s3Uri(deps.bucket, key),
    createdAt,
    updatedAt: createdAt,
    expiresAt: Math.floor(now.getTime() / 1000) + deps.retentionDays * 86_400,
  };
  // The record exists before the ticket does, so every object that can land in input/ has a record.
  await deps.log.createPending(record);
  const ttl = Math.min(MAX_UPLOAD_URL_TTL_SECONDS, Math.max(MIN_UPLOAD_URL_TTL_SECONDS, deps.uploadUrlTtlSeconds));
  const post = await deps.signer.presignPost({
    key,
    contentType: upload.contentType,
    // The declared size is the cap: the client told us how big the file is.
    maxBytes: upload.fileSize,
    expiresInSeconds: ttl,
  });
  return {
    imageId: id,
    uploadUrl: post.url,
    uploadFields: JSON.stringify(post.fields),
    expiresAt: new Date(now.getTime() + ttl * 1000).toISOString(),
    maxBytes: upload.fileSize,
  };
};
