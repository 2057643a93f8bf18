/**
 * image-processor: SQS batches whose bodies are S3 ObjectCreated notifications for input/.
 * Each message succeeds or fails on its own (partial batch response); a transient fault fails only
 * its message, which the queue delivers again and finally moves to the DLQ.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { S3EventRecord, SQSEvent, SQSRecord } from 'aws-lambda';
import { decodeS3EventKey } from '../core/object-keys';
import { processUpload } from '../core/use-cases/process-upload';
import { builtOnFirstCall, instrumented } from '../runtime/instrument';
import { fromEnvironment, type ImageProcessorHandlerDeps } from '../runtime/wiring/image-processor';
import { recordOutcome } from './metrics';

export const createHandler = ({ processUpload: deps, maxReceiveCount, telemetry }: ImageProcessorHandlerDeps) => {
  const { logger } = telemetry;
  const processor = new BatchProcessor(EventType.SQS);

  const processMessage = async (message: SQSRecord): Promise<void> => {
    const body = JSON.parse(message.body) as { Records?: S3EventRecord[]; Event?: string };
    // S3 sends one s3:TestEvent when the notification is configured; it names no object.
    if (!body.Records) return logger.info('Ignoring a message without S3 records', { event: body.Event });
    const finalAttempt = Number(message.attributes.ApproximateReceiveCount) >= maxReceiveCount;
    for (const record of body.Records) {
      const key = decodeS3EventKey(record.s3.object.key);
      try {
        const outcome = await processUpload(deps, { bucket: record.s3.bucket.name, key, finalAttempt });
        recordOutcome(telemetry, outcome, { messageId: message.messageId, objectKey: key }, record.eventTime);
      } catch (error) {
        logger.warn('Processing failed; the message goes back to the queue', {
          messageId: message.messageId,
          objectKey: key,
          finalAttempt,
          error: error as Error,
        });
        throw error;
      }
    }
  };

  return instrumented('imageProcessor', telemetry, (event: SQSEvent, context) =>
    // A batch whose every item failed is reported the same way as a partial failure, not thrown: the
    // event source retries exactly the listed items either way, and the answer keeps one shape.
    processPartialResponse(event, processMessage, processor, { context, throwOnFullBatchFailure: false }),
  );
};

/** The Rekognition handler every stage deploys; a local-classifier stage deploys classifier/lambda-handler.ts instead. */
export const handler = builtOnFirstCall(() => createHandler(fromEnvironment(process.env)));
