/** Builds the image-reader use cases from real adapters, once per container. */
import { documentClient } from '../../adapters/clients/dynamodb';
import { s3Client } from '../../adapters/clients/s3';
import { DynamoDbDetectionLog } from '../../adapters/dynamodb-detection-log';
import { S3UploadSigner } from '../../adapters/s3-upload-signer';
import { systemClock } from '../../core/ports';
import type { ImageUrlsDeps } from '../../core/use-cases/read-images';
import { loadImageReaderConfig } from '../config';
import { traceClient } from '../powertools';

const config = loadImageReaderConfig();

export const imageReaderDeps: ImageUrlsDeps = {
  log: new DynamoDbDetectionLog(documentClient(config.region, traceClient), config.tableName, { indexShards: config.indexShards }),
  signer: new S3UploadSigner(s3Client(config.region, config.forcePathStyle, traceClient), config.bucketName),
  clock: systemClock,
};
