/**
 * A local endpoint for Rekognition's DetectLabels (AWS JSON 1.1), backed by any Classifier.
 *
 * It exists for fault injection: with CLASSIFIER=rekognition and AWS_ENDPOINT_URL_REKOGNITION pointing
 * here, the product's unchanged Rekognition adapter talks to a classifier the test controls (for example
 * the local model behind a wrapper that throttles twice). Like Rekognition, it reads the S3 object itself
 * and applies MinConfidence and MaxLabels. Errors a classifier throws are answered with their `name` as
 * the AWS error type, so an Error named ThrottlingException arrives as Rekognition's throttling.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { Classifier } from '../../functions/core/ports';

const STATUS_BY_ERROR: Record<string, number> = {
  ThrottlingException: 400,
  ProvisionedThroughputExceededException: 400,
  LimitExceededException: 400,
  InvalidImageFormatException: 400,
  InvalidS3ObjectException: 400,
  ImageTooLargeException: 400,
  InvalidParameterException: 400,
  AccessDeniedException: 400,
  ServiceUnavailableException: 503,
  InternalServerError: 500,
};

interface DetectLabelsRequest {
  Image?: { S3Object?: { Bucket?: string; Name?: string }; Bytes?: string };
  MinConfidence?: number;
  MaxLabels?: number;
}

export interface RekognitionApi {
  endpoint: string;
  close(): Promise<void>;
}

export const startRekognitionApi = async (options: { classifier: Classifier; s3: S3Client }): Promise<RekognitionApi> => {
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const reply = (status: number, body: unknown, errorType?: string) => {
        const text = JSON.stringify(body);
        res.writeHead(status, {
          'content-type': 'application/x-amz-json-1.1',
          'x-amzn-requestid': randomUUID(),
          ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
        });
        res.end(text);
      };
      const fail = (type: string, message: string) => reply(STATUS_BY_ERROR[type] ?? 500, { __type: type, message }, type);
      if (req.headers['x-amz-target'] !== 'RekognitionService.DetectLabels') {
        return fail('UnknownOperationException', `Only DetectLabels is served locally, not ${req.headers['x-amz-target']}`);
      }
      const request = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as DetectLabelsRequest;
      void detect(options, request)
        .then((out) => reply(200, out))
        .catch((error: unknown) => {
          const name = error instanceof Error ? error.name : 'InternalServerError';
          fail(STATUS_BY_ERROR[name] ? name : 'InternalServerError', error instanceof Error ? error.message : String(error));
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
};

const detect = async (options: { classifier: Classifier; s3: S3Client }, request: DetectLabelsRequest) => {
  const s3Object = request.Image?.S3Object;
  let bytes: Uint8Array;
  let bucket = '';
  let key = '';
  if (s3Object?.Bucket && s3Object.Name) {
    bucket = s3Object.Bucket;
    key = s3Object.Name;
    try {
      const object = await options.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      bytes = await (object.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray();
    } catch {
      throw Object.assign(new Error('Unable to get object metadata from S3. Check object key, region and/or access permissions.'), {
        name: 'InvalidS3ObjectException',
      });
    }
  } else if (request.Image?.Bytes) {
    bytes = Buffer.from(request.Image.Bytes, 'base64');
  } else {
    throw Object.assign(new Error('Image must have S3Object or Bytes'), { name: 'InvalidParameterException' });
  }
  const detection = await options.classifier.detectLabels({ bucket, key, bytes });
  const minConfidence = request.MinConfidence ?? 55;
  const labels = (detection.Labels ?? []).filter((l) => (l.Confidence ?? 0) >= minConfidence).slice(0, request.MaxLabels ?? 1000);
  return { Labels: labels, LabelModelVersion: detection.LabelModelVersion ?? 'local' };
};
