/**
 * The local DetectLabels endpoint (fault injection's way in) bounds what it reads and names what it
 * refuses, as Rekognition's JSON protocol does, and keeps serving afterwards.
 */
import { S3Client } from '@aws-sdk/client-s3';
import type { Classifier } from '../../../functions/core/ports';
import { MAX_DETECT_LABELS_BODY_BYTES, startRekognitionApi, type RekognitionApi } from '../../../local/emulators/rekognition-api';

const cat: Classifier = { detectLabels: async () => ({ Labels: [{ Name: 'Cat', Confidence: 97 }] }) };
let api: RekognitionApi;
const s3 = new S3Client({ region: 'us-east-1', endpoint: 'http://127.0.0.1:9', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });

beforeAll(async () => {
  api = await startRekognitionApi({ classifier: cat, s3 });
});

afterAll(async () => {
  await api.close();
  s3.destroy();
});

const call = async (body: string | Uint8Array, target = 'RekognitionService.DetectLabels') => {
  const response = await fetch(api.endpoint, { method: 'POST', headers: { 'x-amz-target': target, 'content-type': 'application/x-amz-json-1.1' }, body: typeof body === 'string' ? body : new Blob([new Uint8Array(body)]) });
  return { status: response.status, errorType: response.headers.get('x-amzn-errortype'), body: (await response.json()) as Record<string, unknown> };
};

it('a body that is not JSON: 400 SerializationException', async () => {
  expect(await call('{"Image":')).toMatchObject({ status: 400, errorType: 'SerializationException' });
});

it('a JSON body that is not an object: 400 SerializationException', async () => {
  expect(await call('null')).toMatchObject({ status: 400, errorType: 'SerializationException' });
});

it('a body over the bound (5 MB of image as base64): 413 RequestEntityTooLargeException', async () => {
  expect(await call(Buffer.alloc(MAX_DETECT_LABELS_BODY_BYTES + 1, 0x20))).toMatchObject({ status: 413, errorType: 'RequestEntityTooLargeException' });
});

it('another operation: UnknownOperationException', async () => {
  expect(await call('{}', 'RekognitionService.DetectFaces')).toMatchObject({ status: 400, errorType: 'UnknownOperationException' });
});

it('still serves a good request afterwards', async () => {
  const answer = await call(JSON.stringify({ Image: { Bytes: Buffer.from('x').toString('base64') } }));
  expect(answer).toMatchObject({ status: 200, body: { Labels: [{ Name: 'Cat', Confidence: 97 }] } });
});
