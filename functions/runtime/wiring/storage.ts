/** The DetectionLog and the ObjectStore over the images bucket, built one way for every function that needs both. */
import { documentClient } from '../../adapters/clients/dynamodb';
import type { Instrument } from '../../adapters/clients/instrument';
import { s3Client } from '../../adapters/clients/s3';
import { DynamoDbDetectionLog } from '../../adapters/dynamodb-detection-log';
import { S3ObjectStore } from '../../adapters/s3-object-store';
import type { StorageConfig } from '../config';
import { clientTarget, type AwsConnection } from './connection';

export const storageAdapters = (config: StorageConfig, connection: AwsConnection, instrument: Instrument) => ({
  log: new DynamoDbDetectionLog(documentClient(clientTarget(config.region, 'dynamodb', connection), instrument), config.tableName, {
    indexShards: config.indexShards,
  }),
  store: new S3ObjectStore(s3Client(clientTarget(config.region, 's3', connection), config.forcePathStyle, instrument), config.bucketName),
});
