/** Builds the image-reader use cases' dependencies from its configuration; nothing happens at import. */
import { documentClient } from '../../adapters/clients/dynamodb';
import { s3Client } from '../../adapters/clients/s3';
import { DynamoDbDetectionLog } from '../../adapters/dynamodb-detection-log';
import { DynamoDbStatsStore } from '../../adapters/dynamodb-stats-store';
import { S3UploadSigner } from '../../adapters/s3-upload-signer';
import { type StatsStore, systemClock } from '../../core/ports';
import type { ImageUrlsDeps } from '../../core/use-cases/read-images';
import { loadImageReaderConfig, type Env, type ImageReaderConfig } from '../config';
import { telemetryFromEnvironment, traceClients, type Telemetry } from '../telemetry';
import { clientTarget, type AwsConnection } from './connection';

export interface ImageReaderHandlerDeps {
  reader: ImageUrlsDeps & { stats: StatsStore };
  telemetry: Telemetry;
}

export const imageReaderDeps = (config: ImageReaderConfig, telemetry: Telemetry, connection: AwsConnection = {}): ImageReaderHandlerDeps => {
  const instrument = traceClients(telemetry);
  const doc = documentClient(clientTarget(config.region, 'dynamodb', connection), instrument);
  return {
    reader: {
      log: new DynamoDbDetectionLog(doc, config.tableName, { indexShards: config.indexShards }),
      stats: new DynamoDbStatsStore(doc, config.statsTableName),
      signer: new S3UploadSigner(s3Client(clientTarget(config.region, 's3', connection), config.forcePathStyle, instrument), config.bucketName),
      clock: systemClock,
    },
    telemetry,
  };
};

export const fromEnvironment = (env: Env): ImageReaderHandlerDeps => imageReaderDeps(loadImageReaderConfig(env), telemetryFromEnvironment(env));
