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
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { Classifier } from '../../functions/core/ports';
import { guardRequests, type FaultReporter } from '../common/request-guard';

/**
 * Rekognition takes image bytes up to 5 MB, which base64 in a JSON body makes about 6.7 MB; anything
 * bigger is refused as it arrives instead of being buffered.
 */
export const MAX_DETECT_LABELS_BODY_BYTES = Math.ceil((5 * 1024 * 1024 * 4) / 3) + 64 * 1024;

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
  SerializationException: 400,
  RequestEntityTooLargeException: 413,
  UnknownOperationException: 400,
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

export const startRekognitionApi = async (options: { classifier: Classifier; s3: S3Client; onFault?: FaultReporter }): Promise<RekognitionApi> => {
  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    const reply = (status: number, body: unknown, errorType?: string) => {
      if (res.headersSent) return;
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
      req.resume();
      return fail('UnknownOperationException', `Only DetectLabels is served locally, not ${String(req.headers['x-amz-target'])}`);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_DETECT_LABELS_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => {
      if (size > MAX_DETECT_LABELS_BODY_BYTES) {
        return fail('RequestEntityTooLargeException', `The request body exceeds ${MAX_DETECT_LABELS_BODY_BYTES} bytes`);
      }
      let request: DetectLabelsRequest;
      try {
        request = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as DetectLabelsRequest;
      } catch {
        return fail('SerializationException', 'The request body is not valid JSON');
      }
      if (typeof request !== 'object' || request === null) return fail('SerializationException', 'The request body must be a JSON object');
      void detect(options, request)
        .then((out) => reply(200, out))
        .catch((error: unknown) => {
          const name = error instanceof Error ? error.name : 'InternalServerError';
          fail(STATUS_BY_ERROR[name] ? name : 'InternalServerError', error instanceof Error ? error.message : String(error));
        });
    });
  };
  const server: Server = createServer(
    guardRequests(
      'Rekognition stand-in',
      listener,
      (_req, res) => {
        res.writeHead(500, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': 'InternalServerError' });
        res.end(JSON.stringify({ __type: 'InternalServerError', message: 'The local DetectLabels endpoint failed.' }));
      },
      (fault) => options.onFault?.(fault),
    ),
  );
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
