/** Builds requestUpload's dependencies from its configuration; nothing happens at import. */
import { randomUUID } from 'node:crypto';
import { documentClient } from '../../adapters/clients/dynamodb';
import { s3Client } from '../../adapters/clients/s3';
import { DynamoDbDetectionLog } from '../../adapters/dynamodb-detection-log';
import { S3UploadSigner } from '../../adapters/s3-upload-signer';
import { systemClock } from '../../core/ports';
import type { RequestUploadDeps } from '../../core/use-cases/request-upload';
import { loadRequestUploadConfig, type Env, type RequestUploadConfig } from '../config';
import { telemetryFromEnvironment, traceClients, type Telemetry } from '../telemetry';
import { clientTarget, type AwsConnection } from './connection';

export interface RequestUploadHandlerDeps {
  requestUpload: RequestUploadDeps;
  telemetry: Telemetry;
}

export const requestUploadDeps = (config: RequestUploadConfig, telemetry: Telemetry, connection: AwsConnection = {}): RequestUploadHandlerDeps => {
  const instrument = traceClients(telemetry);
  return {
    requestUpload: {
      log: new DynamoDbDetectionLog(documentClient(clientTarget(config.region, 'dynamodb', connection), instrument), config.tableName, {
        indexShards: config.indexShards,
      }),
      signer: new S3UploadSigner(s3Client(clientTarget(config.region, 's3', connection), config.forcePathStyle, instrument), config.bucketName),
      clock: systemClock,
      newId: randomUUID,
      bucket: config.bucketName,
      uploadUrlTtlSeconds: config.uploadUrlTtlSeconds,
      retentionDays: config.retentionDays,
    },
    telemetry,
  };
};

/** What a deployed function runs on: its configuration and Powertools from the environment, AWS's endpoints. */
export const fromEnvironment = (env: Env): RequestUploadHandlerDeps =>
  requestUploadDeps(loadRequestUploadConfig(env), telemetryFromEnvironment(env));
