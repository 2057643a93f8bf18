/** Builds requestUpload from real adapters, once per container. */
import { randomUUID } from 'node:crypto';
import { documentClient } from '../../adapters/clients/dynamodb';
import { s3Client } from '../../adapters/clients/s3';
import { DynamoDbDetectionLog } from '../../adapters/dynamodb-detection-log';
import { S3UploadSigner } from '../../adapters/s3-upload-signer';
import { systemClock } from '../../core/ports';
import type { RequestUploadDeps } from '../../core/use-cases/request-upload';
import { loadRequestUploadConfig } from '../config';
import { traceClient } from '../powertools';

const config = loadRequestUploadConfig();

export const requestUploadDeps: RequestUploadDeps = {
  log: new DynamoDbDetectionLog(documentClient(config.region, traceClient), config.tableName, { indexShards: config.indexShards }),
  signer: new S3UploadSigner(s3Client(config.region, config.forcePathStyle, traceClient), config.bucketName),
  clock: systemClock,
  newId: randomUUID,
  bucket: config.bucketName,
  uploadUrlTtlSeconds: config.uploadUrlTtlSeconds,
  retentionDays: config.retentionDays,
};
