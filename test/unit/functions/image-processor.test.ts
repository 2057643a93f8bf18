import { InvalidImageFormatException, DetectLabelsCommand, RekognitionClient, ThrottlingException } from '@aws-sdk/client-rekognition';
import { CopyObjectCommand, DeleteObjectCommand, GetObjectCommand, NoSuchKey, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { captureConsole, lambdaContext, LAMBDA_ENV, TEST_CONNECTION } from './support/lambda-env';
import { createHandler } from '../../../functions/image-processor/handler';
import { loadImageProcessorConfig } from '../../../functions/runtime/config';
import { telemetryFromEnvironment } from '../../../functions/runtime/telemetry';
import { imageProcessorDeps } from '../../../functions/runtime/wiring/image-processor';
import type { ImageRecord } from '../../../functions/core/domain';
import { recordToItem } from '../../../functions/core/record-mapping';
import { pendingRecord } from '../core/support/in-memory-ports';
import { jpeg } from '../core/support/images';

const handler = createHandler(
  imageProcessorDeps(loadImageProcessorConfig(LAMBDA_ENV), telemetryFromEnvironment(LAMBDA_ENV), { connection: TEST_CONNECTION }),
);
const ddb = mockClient(DynamoDBDocumentClient);
const s3 = mockClient(S3Client);
const rekognition = mockClient(RekognitionClient);
const context = lambdaContext('serverlessapp-test-image-processor');
const BUCKET = LAMBDA_ENV.BUCKET_NAME;
const ID = '5f0c1c9e-8a43-4c41-9b55-0d1c6f8f3a11';

const message = (messageId: string, rawKey: string, receiveCount = 1): SQSRecord => ({
  messageId,
  receiptHandle: `rh-${messageId}`,
  body: JSON.stringify({
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        eventName: 'ObjectCreated:Post',
        eventTime: '2026-11-22T03:00:00.000Z',
        s3: { bucket: { name: BUCKET }, object: { key: rawKey, size: 1000 } },
      },
    ],
  }),
  attributes: {
    ApproximateReceiveCount: String(receiveCount),
    SentTimestamp: '0',
    SenderId: 's3',
    ApproximateFirstReceiveTimestamp: '0',
  },
  messageAttributes: {},
  md5OfBody: '',
  eventSource: 'aws:sqs',
  eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:uploads',
  awsRegion: 'us-east-1',
});
const batch = (...records: SQSRecord[]): SQSEvent => ({ Records: records });

const itemFor = (id: string, overrides: Partial<ImageRecord> = {}) =>
  recordToItem(pendingRecord(id, { s3Location: `s3://${BUCKET}/input/${id}.jpg`, ...overrides }));

/** The processor's claim: one conditional UpdateItem that returns the item, or the old one when refused. */
const CLAIM = { ReturnValuesOnConditionCheckFailure: 'ALL_OLD' } as const;
const claimSucceeds = (id: string) =>
  ddb.on(UpdateCommand, { ...CLAIM, Key: { ImageID: id } }).resolves({ Attributes: itemFor(id, { status: 'PROCESSING' }) });
const claimRefused = (id: string, overrides: Partial<ImageRecord>) =>
  ddb.on(UpdateCommand, { ...CLAIM, Key: { ImageID: id } }).rejects(
    new ConditionalCheckFailedException({ $metadata: {}, message: 'The conditional request failed', Item: marshall(itemFor(id, overrides), { removeUndefinedValues: true }) }),
  );

const updatesTo = (status: string) =>
  ddb.commandCalls(UpdateCommand).filter((c) => c.args[0].input.ExpressionAttributeValues?.[':next'] === status);

let photo: Buffer;
let output: ReturnType<typeof captureConsole>;
beforeAll(async () => {
  photo = await jpeg(160, 120);
});
beforeEach(() => {
  ddb.reset();
  s3.reset();
  rekognition.reset();
  output = captureConsole();
  ddb.on(GetCommand).resolves({ Item: itemFor(ID) });
  ddb.on(UpdateCommand).resolves({});
  claimSucceeds(ID);
  s3.on(GetObjectCommand).resolves({ Body: { transformToByteArray: async () => new Uint8Array(photo) } as never });
  s3.on(CopyObjectCommand).resolves({});
  s3.on(DeleteObjectCommand).resolves({});
  rekognition.on(DetectLabelsCommand).resolves({ Labels: [{ Name: 'Cat', Confidence: 97 }] });
});
afterEach(() => output.restore());

describe('image-processor handler', () => {
  it('classifies, files under cats/, completes the record and deletes the input, with metrics', async () => {
    expect(await handler(batch(message('m-1', `input/${ID}.jpg`)), context)).toEqual({ batchItemFailures: [] });
    expect(rekognition).toHaveReceivedCommandWith(DetectLabelsCommand, {
      Image: { S3Object: { Bucket: BUCKET, Name: `input/${ID}.jpg` } },
      MinConfidence: 40,
      MaxLabels: 20,
    });
    expect(s3).toHaveReceivedCommandWith(CopyObjectCommand, { Key: `cats/${ID}.jpg`, CopySource: `${BUCKET}/input/${ID}.jpg` });
    expect(s3).toHaveReceivedCommandWith(DeleteObjectCommand, { Key: `input/${ID}.jpg` });
    expect(updatesTo('completed')).toHaveLength(1);
    // The only object it writes itself is the thumbnail.
    expect(s3.commandCalls(PutObjectCommand).map((c) => [c.args[0].input.Key, c.args[0].input.ContentType])).toEqual([
      [`thumbnails/${ID}.webp`, 'image/webp'],
    ]);

    const emf = output.metrics();
    const names = emf.flatMap((d) => d._aws.CloudWatchMetrics.flatMap((m) => m.Metrics.map((x) => x.Name)));
    expect(names).toEqual(expect.arrayContaining(['ImagesClassified', 'ClassificationLatency']));
    expect(emf.find((d) => 'ImagesClassified' in d)).toMatchObject({ Animal: 'CAT', ImagesClassified: 1 });
  });

  it('URL-decodes the key from the S3 event before using it', async () => {
    claimSucceeds('my photo');
    await handler(batch(message('m-1', 'input/my+photo.jpg')), context);
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, { ...CLAIM, Key: { ImageID: 'my photo' } });
    expect(s3).toHaveReceivedCommandWith(GetObjectCommand, { Key: 'input/my photo.jpg' });
  });

  it('changes nothing on a duplicate event for an image already completed, and reads nothing extra', async () => {
    claimRefused(ID, { status: 'COMPLETED', objectKey: `cats/${ID}.jpg`, detectedAnimal: 'CAT', confidence: 97 });
    expect(await handler(batch(message('m-1', `input/${ID}.jpg`)), context)).toEqual({ batchItemFailures: [] });
    // The refused claim is the only DynamoDB call: its ALL_OLD item answered what a GetItem would have.
    expect(ddb.calls()).toHaveLength(1);
    expect(updatesTo('completed')).toHaveLength(0);
    expect(rekognition.calls()).toHaveLength(0);
    expect(s3.commandCalls(CopyObjectCommand)).toHaveLength(0);
  });

  it('treats an object already moved by a concurrent delivery as a duplicate', async () => {
    ddb.on(GetCommand).resolves({ Item: itemFor(ID, { status: 'COMPLETED', objectKey: `cats/${ID}.jpg` }) });
    s3.on(GetObjectCommand).rejects(new NoSuchKey({ $metadata: { httpStatusCode: 404 }, message: 'gone' }));
    expect(await handler(batch(message('m-1', `input/${ID}.jpg`)), context)).toEqual({ batchItemFailures: [] });
    expect(updatesTo('failed')).toHaveLength(0);
    expect(rekognition.calls()).toHaveLength(0);
  });

  it('leaves its copy, and says so, when a racing delivery filed the image elsewhere (it may delete only input/)', async () => {
    ddb.on(UpdateCommand, { ExpressionAttributeValues: { ':next': 'completed' } }).rejects(
      new ConditionalCheckFailedException({ $metadata: {}, message: 'The conditional request failed' }),
    );
    ddb.on(GetCommand).resolves({ Item: itemFor(ID, { status: 'COMPLETED', objectKey: `dogs/${ID}.jpg`, detectedAnimal: 'DOG' }) });
    expect(await handler(batch(message('m-1', `input/${ID}.jpg`)), context)).toEqual({ batchItemFailures: [] });
    expect(s3).toHaveReceivedCommandWith(CopyObjectCommand, { Key: `cats/${ID}.jpg` });
    expect(s3.commandCalls(DeleteObjectCommand).map((c) => c.args[0].input.Key)).toEqual([`input/${ID}.jpg`]);
    const warning = output.lines.find((line) => line.includes('stray copy'));
    expect(JSON.parse(warning ?? '{}')).toMatchObject({ level: 'WARN', strayCopy: `cats/${ID}.jpg` });
  });

  it('fails the record as UploadMissing when the object is gone and nobody filed it', async () => {
    s3.on(GetObjectCommand).rejects(new NoSuchKey({ $metadata: { httpStatusCode: 404 }, message: 'gone' }));
    expect(await handler(batch(message('m-1', `input/${ID}.jpg`)), context)).toEqual({ batchItemFailures: [] });
    expect(updatesTo('failed')[0]?.args[0].input.ExpressionAttributeValues?.[':reason']).toMatch(/^UploadMissing: /);
  });

  it('returns a Rekognition ThrottlingException to the queue as a batch item failure, recording nothing', async () => {
    rekognition.on(DetectLabelsCommand).rejects(new ThrottlingException({ $metadata: {}, message: 'Rate exceeded' }));
    expect(await handler(batch(message('m-1', `input/${ID}.jpg`)), context)).toEqual({
      batchItemFailures: [{ itemIdentifier: 'm-1' }],
    });
    expect(updatesTo('failed')).toHaveLength(0);
    expect(s3.commandCalls(DeleteObjectCommand)).toHaveLength(0);
  });

  it('marks the image FAILED on an InvalidImageFormatException, without a retry', async () => {
    rekognition.on(DetectLabelsCommand).rejects(new InvalidImageFormatException({ $metadata: {}, message: 'Request has invalid image format' }));
    expect(await handler(batch(message('m-1', `input/${ID}.jpg`)), context)).toEqual({ batchItemFailures: [] });
    expect(updatesTo('failed')[0]?.args[0].input.ExpressionAttributeValues?.[':reason']).toBe(
      'ClassifierRejectedImage: Rekognition could not read the image (InvalidImageFormatException)',
    );
    const failures = output.metrics().filter((d) => 'ProcessingFailures' in d);
    expect(failures).toHaveLength(1);
  });

  it('records FAILED on the last delivery of a throttled image and still fails the item for the DLQ', async () => {
    rekognition.on(DetectLabelsCommand).rejects(new ThrottlingException({ $metadata: {}, message: 'Rate exceeded' }));
    expect(await handler(batch(message('m-1', `input/${ID}.jpg`, 3)), context)).toEqual({
      batchItemFailures: [{ itemIdentifier: 'm-1' }],
    });
    expect(updatesTo('failed')[0]?.args[0].input.ExpressionAttributeValues?.[':reason']).toMatch(/^ClassifierThrottled: .*gave up/);
  });

  it('fails only the failing message of a batch', async () => {
    const other = 'a1a1a1a1-0000-4000-8000-000000000000';
    claimSucceeds(other);
    rekognition
      .on(DetectLabelsCommand, { Image: { S3Object: { Bucket: BUCKET, Name: `input/${other}.jpg` } } })
      .rejects(new ThrottlingException({ $metadata: {}, message: 'Rate exceeded' }));
    const result = await handler(batch(message('m-1', `input/${ID}.jpg`), message('m-2', `input/${other}.jpg`)), context);
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-2' }] });
    expect(updatesTo('completed')).toHaveLength(1);
  });

  it('ignores an upload with no record (a ticket never issued, or expired) without writing anything', async () => {
    ddb.on(UpdateCommand, { ...CLAIM, Key: { ImageID: ID } }).rejects(new ConditionalCheckFailedException({ $metadata: {}, message: 'The conditional request failed' }));
    expect(await handler(batch(message('m-1', `input/${ID}.jpg`)), context)).toEqual({ batchItemFailures: [] });
    expect(ddb.calls()).toHaveLength(1);
    expect(rekognition.calls()).toHaveLength(0);
    expect(s3.calls()).toHaveLength(0);
  });

  it('ignores the s3:TestEvent S3 sends when notifications are configured', async () => {
    const test = { ...message('m-1', 'x'), body: JSON.stringify({ Service: 'Amazon S3', Event: 's3:TestEvent', Bucket: BUCKET }) };
    expect(await handler(batch(test), context)).toEqual({ batchItemFailures: [] });
    expect(ddb.calls()).toHaveLength(0);
  });
});
