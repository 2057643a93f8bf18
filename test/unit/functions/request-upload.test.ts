import { ConditionalCheckFailedException, ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { captureConsole, lambdaContext, LAMBDA_ENV, TEST_CONNECTION } from './support/lambda-env';
import { createHandler } from '../../../functions/request-upload/handler';
import { loadRequestUploadConfig } from '../../../functions/runtime/config';
import { telemetryFromEnvironment } from '../../../functions/runtime/telemetry';
import { requestUploadDeps } from '../../../functions/runtime/wiring/request-upload';

const handler = createHandler(requestUploadDeps(loadRequestUploadConfig(LAMBDA_ENV), telemetryFromEnvironment(LAMBDA_ENV), TEST_CONNECTION));

const ddb = mockClient(DynamoDBDocumentClient);
const context = lambdaContext('serverlessapp-test-request-upload');
const issuer = 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Example';
const userA = { sub: 'a1b2c3d4-0000-4000-8000-000000000001', issuer, groups: null };
const event = (input: Record<string, unknown>, identity: unknown = userA) =>
  ({ fieldName: 'requestUpload', parentTypeName: 'Mutation', arguments: { input }, identity }) as never;

let output: ReturnType<typeof captureConsole>;
beforeEach(() => {
  ddb.reset();
  output = captureConsole();
});
afterEach(() => output.restore());

describe('request-upload handler', () => {
  it('answers with a presigned POST ticket after a conditional put of the PENDING record', async () => {
    ddb.on(PutCommand).resolves({});
    const result = (await handler(event({ fileName: 'rex.jpg', contentType: 'image/jpeg', fileSize: 4321 }), context)) as {
      data: { imageId: string; uploadUrl: string; uploadFields: string; maxBytes: number; expiresAt: string };
    };
    const { imageId, uploadUrl, uploadFields, maxBytes, expiresAt } = result.data;
    expect(imageId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(uploadUrl).toContain(LAMBDA_ENV.BUCKET_NAME);
    expect(maxBytes).toBe(4321);
    const minutes = (Date.parse(expiresAt) - Date.now()) / 60_000;
    expect(minutes).toBeGreaterThan(9);
    expect(minutes).toBeLessThanOrEqual(10);
    const fields = JSON.parse(uploadFields) as Record<string, string>;
    expect(fields.key).toBe(`input/${imageId}.jpg`);
    const policy = JSON.parse(Buffer.from(fields.Policy!, 'base64').toString()) as { conditions: unknown[] };
    expect(policy.conditions).toEqual(expect.arrayContaining([['content-length-range', 1, 4321], { 'Content-Type': 'image/jpeg' }]));
    expect(ddb).toHaveReceivedCommandWith(PutCommand, {
      TableName: LAMBDA_ENV.TABLE_NAME,
      ConditionExpression: 'attribute_not_exists(#id)',
      Item: expect.objectContaining({ ImageID: imageId, Owner: userA.sub, ProcessingStatus: 'pending', FileName: 'rex.jpg' }),
    });
  });

  it('records an API-key upload under the public owner and refuses an analyst', async () => {
    ddb.on(PutCommand).resolves({});
    await handler(event({ fileName: 'rex.jpg', contentType: 'image/jpeg', fileSize: 10 }, null), context);
    expect(ddb).toHaveReceivedCommandWith(PutCommand, { Item: expect.objectContaining({ Owner: 'public' }) });
    const refused = await handler(event({ fileName: 'rex.jpg', contentType: 'image/jpeg', fileSize: 10 }, { ...userA, groups: ['analysts'] }), context);
    expect(refused).toEqual({ error: { type: 'Unauthorized', message: 'Not Authorized to access requestUpload on type Mutation' } });
    expect(ddb.commandCalls(PutCommand)).toHaveLength(1);
  });

  it.each([
    [{ fileName: '../up.jpg', contentType: 'image/jpeg', fileSize: 10 }, 'InvalidFileName'],
    [{ fileName: 'a.jpg', contentType: 'text/plain', fileSize: 10 }, 'UnsupportedContentType'],
    [{ fileName: 'a.jpg', contentType: 'image/jpeg', fileSize: 0 }, 'InvalidFileSize'],
    [{ fileName: 'a.jpg', contentType: 'image/jpeg', fileSize: 16 * 1024 * 1024 }, 'FileTooLarge'],
  ])('answers %j with the named error %s instead of throwing', async (input, type) => {
    const result = await handler(event(input), context);
    expect(result).toEqual({ error: { type, message: expect.any(String) } });
    expect(ddb.calls()).toHaveLength(0);
  });

  it('answers a DynamoDB outage with a named, retryable error and no internals', async () => {
    ddb.on(PutCommand).rejects(new ProvisionedThroughputExceededException({ $metadata: {}, message: 'arn:aws:dynamodb:secret-table' }));
    const result = await handler(event({ fileName: 'a.jpg', contentType: 'image/jpeg', fileSize: 10 }), context);
    expect(result).toEqual({ error: { type: 'DependencyUnavailable', message: 'DetectionLogs is unavailable, try again' } });
  });

  it('answers an id collision with DuplicateImage', async () => {
    ddb.on(PutCommand).rejects(new ConditionalCheckFailedException({ $metadata: {}, message: 'exists' }));
    const result = await handler(event({ fileName: 'a.jpg', contentType: 'image/jpeg', fileSize: 10 }), context);
    expect(result).toMatchObject({ error: { type: 'DuplicateImage' } });
  });
});
