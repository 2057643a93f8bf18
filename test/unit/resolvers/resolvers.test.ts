/**
 * The six resolvers, run as the bundled code AppSync would receive, through the shared
 * APPSYNC_JS runtime (the same one the local AppSync server uses).
 */
import type { DetectionLogItem } from '../../../functions/core/record-mapping';
import type { Image, PublishImageClassifiedInput } from '../../../graphql/types';
import {
  evaluateResolver,
  executeResolver,
  invokeNoneDataSource,
  matchesSubscriptionFilter,
  type ResolverContextInput,
} from '../../../appsync/runtime';
import { buildResolversForTest, type BuiltResolvers } from './build-fixture';

let built: BuiltResolvers;

beforeAll(async () => {
  built = await buildResolversForTest();
});

afterAll(() => built.remove());

const run = (typeField: string, handler: 'request' | 'response', context: Omit<ResolverContextInput, 'info'>) => {
  const [parentTypeName, fieldName] = typeField.split('.') as [string, string];
  return evaluateResolver({
    bundlePath: built.spec(typeField).bundlePath,
    handler,
    context: { info: { parentTypeName, fieldName }, ...context },
  });
};

const storedDog: DetectionLogItem = {
  ImageID: '3f1c2a9e-1111-4222-8333-444455556666',
  ProcessingStatus: 'completed',
  Timestamp: '2026-01-02T03:04:06.000Z',
  S3Location: 's3://serverlessapp-local-images/dogs/3f1c2a9e-1111-4222-8333-444455556666.jpg',
  ObjectKey: 'dogs/3f1c2a9e-1111-4222-8333-444455556666.jpg',
  FileName: 'rex.jpg',
  FileSize: 123456,
  ImageFormat: 'jpg',
  ContentType: 'image/jpeg',
  CreatedAt: '2026-01-02T03:04:05.000Z',
  ExpiresAt: 1775000000,
  ListPK: 'IMAGE',
  Owner: 'public',
  DetectedAnimal: 'dog',
  ConfidenceScore: 97.5,
  Uncertain: false,
  Labels: [{ Name: 'Dog', Confidence: 97.5, BoundingBoxes: [{ Left: 0.1, Top: 0.2, Width: 0.3, Height: 0.4 }] }],
  ClassifiedAt: '2026-01-02T03:04:06.000Z',
};

describe('Query.image [DetectionLogs]', () => {
  it('asks DynamoDB for one item by ImageID, strongly consistent', () => {
    const out = run('Query.image', 'request', { arguments: { id: storedDog.ImageID } });
    expect(out.error).toBeUndefined();
    expect(out.result).toEqual({
      operation: 'GetItem',
      key: { ImageID: { S: storedDog.ImageID } },
      consistentRead: true,
    });
  });

  it('rejects an empty id before reaching DynamoDB', () => {
    const out = run('Query.image', 'request', { arguments: { id: '' } });
    expect(out.error).toMatchObject({ errorType: 'InvalidArgument' });
    expect(out.result).toBeNull();
  });

  it('maps the photo metadata stored with an item, which never holds coordinates', () => {
    const withMetadata: DetectionLogItem = {
      ...storedDog,
      Width: 400,
      Height: 640,
      TakenAt: '2024-05-01T10:30:00+02:00',
      CameraMake: 'Apple',
      CameraModel: 'iPhone 13',
      Orientation: 6,
      HasLocation: true,
      ThumbnailKey: `thumbnails/${storedDog.ImageID}.webp`,
    };
    const out = run('Query.image', 'response', { arguments: { id: storedDog.ImageID }, result: withMetadata });
    expect(out.result).toMatchObject({
      width: 400,
      height: 640,
      takenAt: '2024-05-01T10:30:00+02:00',
      cameraMake: 'Apple',
      cameraModel: 'iPhone 13',
      orientation: 6,
      hasLocation: true,
    });
  });

  it('maps the stored item to the GraphQL Image', () => {
    const out = run('Query.image', 'response', { arguments: { id: storedDog.ImageID }, result: storedDog });
    const expected: Image = {
      id: storedDog.ImageID,
      owner: 'public',
      status: 'COMPLETED',
      detectedAnimal: 'DOG',
      confidence: 97.5,
      uncertain: false,
      s3Location: storedDog.S3Location,
      fileName: 'rex.jpg',
      fileSize: 123456,
      imageFormat: 'jpg',
      labels: [{ name: 'Dog', confidence: 97.5, boundingBoxes: [{ left: 0.1, top: 0.2, width: 0.3, height: 0.4 }] }],
      failureReason: null,
      createdAt: '2026-01-02T03:04:05.000Z',
      classifiedAt: '2026-01-02T03:04:06.000Z',
      width: null,
      height: null,
      takenAt: null,
      cameraMake: null,
      cameraModel: null,
      orientation: null,
      hasLocation: null,
    };
    expect(out.error).toBeUndefined();
    expect(out.result).toEqual(expected);
  });

  it("answers null for someone else's image, exactly as for a missing one, and the owner's image to an analyst", () => {
    const issuer = 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Example';
    const owned = { ...storedDog, Owner: 'sub-a' };
    const as = (identity: unknown) => run('Query.image', 'response', { arguments: { id: owned.ImageID }, result: owned, identity });
    expect(as({ sub: 'sub-a', issuer }).result).toMatchObject({ id: owned.ImageID, owner: 'sub-a' });
    for (const stranger of [{ sub: 'sub-b', issuer }, null]) {
      expect(as(stranger)).toMatchObject({ result: null });
      expect(as(stranger).error).toBeUndefined();
    }
    expect(as({ sub: 'sub-c', issuer, groups: ['analysts'] }).result).toMatchObject({ owner: 'sub-a' });
  });

  it('refuses an IAM caller before reading', () => {
    const out = run('Query.image', 'request', { arguments: { id: 'x' }, identity: { accountId: '1', userArn: 'arn:aws:iam::1:user/p' } });
    expect(out.error).toMatchObject({ errorType: 'Unauthorized', message: 'Not Authorized to access image on type Query' });
  });

  it('answers null, not an error, for an id that does not exist', () => {
    const out = run('Query.image', 'response', { arguments: { id: 'missing' }, result: null });
    expect(out.error).toBeUndefined();
    expect(out.result).toBeNull();
  });

  it('raises a DynamoDB failure with its own type', () => {
    const out = run('Query.image', 'response', {
      arguments: { id: 'x' },
      error: { message: 'Requested resource not found', type: 'DynamoDB:ResourceNotFoundException' },
    });
    expect(out.error).toEqual({
      message: 'Requested resource not found',
      errorType: 'DynamoDB:ResourceNotFoundException',
      data: null,
      errorInfo: null,
    });
    expect(out.result).toBeNull();
  });
});

describe.each([
  ['Query.images', { filter: { detectedAnimal: 'CAT' }, limit: 5, nextToken: null }, { items: [], nextToken: null }],
  ['Query.imageUrls', { ids: ['a', 'b'] }, [{ id: 'a', url: 'http://127.0.0.1/x', expiresAt: '2026-01-01T00:00:00.000Z' }]],
  [
    'Mutation.requestUpload',
    { input: { fileName: 'cat.png', contentType: 'image/png', fileSize: 2048 } },
    {
      imageId: 'id-1',
      uploadUrl: 'http://127.0.0.1:4569/serverlessapp-local-images',
      uploadFields: '{"key":"input/id-1.png"}',
      expiresAt: '2026-01-01T00:10:00.000Z',
      maxBytes: 2048,
    },
  ],
])('%s [Lambda]', (typeField, args, data) => {
  const [parentTypeName, fieldName] = typeField.split('.');

  it("invokes the Lambda with the field, its arguments and the caller's identity (the ResolverEvent contract)", () => {
    const identity = { sub: 'sub-a', issuer: 'https://cognito-idp.us-east-1.amazonaws.com/pool', groups: null };
    const out = run(typeField, 'request', { arguments: args, identity });
    expect(out.result).toEqual({ operation: 'Invoke', payload: { fieldName, parentTypeName, arguments: args, identity } });
    expect(run(typeField, 'request', { arguments: args }).result).toMatchObject({ payload: { identity: null } });
  });

  it('returns the data of a successful result', () => {
    const out = run(typeField, 'response', { arguments: args, result: { data } });
    expect(out.error).toBeUndefined();
    expect(out.result).toEqual(data);
  });

  it('raises a named error from the Lambda as that errorType', () => {
    const out = run(typeField, 'response', {
      arguments: args,
      result: { error: { type: 'InvalidArgument', message: 'limit must be between 1 and 100' } },
    });
    expect(out.error).toMatchObject({ errorType: 'InvalidArgument', message: 'limit must be between 1 and 100' });
    expect(out.result).toBeNull();
  });

  it('hides the details of a failed invocation behind InternalError, and logs them', () => {
    const out = run(typeField, 'response', {
      arguments: args,
      error: { message: 'AccessDeniedException: arn:aws:dynamodb:secret-table', type: 'Lambda:Unhandled' },
    });
    expect(out.error).toMatchObject({ errorType: 'InternalError' });
    expect(out.error?.message).not.toContain('arn:aws');
    expect(out.logs.join('\n')).toContain('AccessDeniedException');
  });

  it('treats an empty Lambda answer as InternalError', () => {
    const out = run(typeField, 'response', { arguments: args, result: null });
    expect(out.error).toMatchObject({ errorType: 'InternalError' });
  });
});

const published: PublishImageClassifiedInput = {
  id: 'img-1',
  owner: 'sub-a',
  status: 'COMPLETED',
  detectedAnimal: 'CAT',
  confidence: 91.2,
  uncertain: false,
  s3Location: 's3://serverlessapp-local-images/cats/img-1.jpg',
  fileName: 'tom.jpg',
  fileSize: 5000,
  imageFormat: 'jpg',
  labels: [{ name: 'Cat', confidence: 91.2, boundingBoxes: null }],
  failureReason: null,
  createdAt: '2026-01-02T03:04:05.000Z',
  classifiedAt: '2026-01-02T03:04:07.000Z',
};

describe('Mutation.publishImageClassified [None]', () => {
  it('hands the input to the NONE data source as its payload', () => {
    const out = run('Mutation.publishImageClassified', 'request', { arguments: { input: published } });
    expect(out.result).toEqual({ payload: published });
  });

  it('returns every published field unchanged, end to end', async () => {
    const outcome = await executeResolver({
      spec: built.spec('Mutation.publishImageClassified'),
      context: { info: { parentTypeName: 'Mutation', fieldName: 'publishImageClassified' }, arguments: { input: published } },
      invokeDataSource: ({ request }) => invokeNoneDataSource(request),
    });
    expect(outcome.errors).toEqual([]);
    expect(outcome.data).toEqual(published);
  });
});

describe('Subscription.onImageClassified [None]', () => {
  const issuer = 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Example';
  const analyst = { sub: 'sub-c', issuer, groups: ['analysts'] };
  const subscribe = (args: Record<string, unknown>, identity: unknown = analyst) =>
    run('Subscription.onImageClassified', 'response', { arguments: args, result: null, identity });

  it("scopes a user to its own images, which no argument can widen", () => {
    for (const args of [{}, { id: 'img-1' }, { id: null, detectedAnimal: 'CAT' }]) {
      const mine = subscribe(args, { sub: 'sub-a', issuer }).subscriptionFilter!;
      const theirs = subscribe(args, { sub: 'sub-b', issuer }).subscriptionFilter!;
      expect(matchesSubscriptionFilter(mine, published)).toBe(true);
      expect(matchesSubscriptionFilter(theirs, published)).toBe(false);
    }
    expect(subscribe({}, { sub: 'sub-b', issuer }).subscriptionFilter).toEqual({
      filterGroup: [{ filters: [{ fieldName: 'owner', operator: 'eq', value: 'sub-b' }] }],
    });
  });

  it('scopes an API-key caller to the public owner', () => {
    const filter = subscribe({}, null).subscriptionFilter!;
    expect(matchesSubscriptionFilter(filter, published)).toBe(false);
    expect(matchesSubscriptionFilter(filter, { ...published, owner: 'public' })).toBe(true);
  });

  it('refuses an IAM caller', () => {
    const out = run('Subscription.onImageClassified', 'request', { arguments: {}, identity: { accountId: '1', userArn: 'arn:aws:iam::1:user/p' } });
    expect(out.error).toMatchObject({ errorType: 'Unauthorized' });
  });

  it('filters on the id a client subscribed to', () => {
    const out = subscribe({ id: 'img-1' });
    expect(out.subscriptionFilter).toEqual({
      filterGroup: [{ filters: [{ fieldName: 'id', operator: 'eq', value: 'img-1' }] }],
    });
    expect(matchesSubscriptionFilter(out.subscriptionFilter!, published)).toBe(true);
    expect(matchesSubscriptionFilter(out.subscriptionFilter!, { ...published, id: 'img-2' })).toBe(false);
  });

  it('filters on the animal a client subscribed to', () => {
    const out = subscribe({ detectedAnimal: 'DOG' });
    expect(matchesSubscriptionFilter(out.subscriptionFilter!, published)).toBe(false);
    expect(matchesSubscriptionFilter(out.subscriptionFilter!, { ...published, detectedAnimal: 'DOG' })).toBe(true);
  });

  it('requires both when both are given', () => {
    const out = subscribe({ id: 'img-1', detectedAnimal: 'CAT' });
    expect(out.subscriptionFilter?.filterGroup).toHaveLength(1);
    expect(matchesSubscriptionFilter(out.subscriptionFilter!, published)).toBe(true);
    expect(matchesSubscriptionFilter(out.subscriptionFilter!, { ...published, detectedAnimal: 'DOG' })).toBe(false);
    expect(matchesSubscriptionFilter(out.subscriptionFilter!, { ...published, id: 'img-2' })).toBe(false);
  });

  it('sets no filter for an analyst who gave no arguments (or only nulls)', () => {
    expect(subscribe({}).subscriptionFilter).toBeUndefined();
    expect(subscribe({ id: null, detectedAnimal: null }).subscriptionFilter).toBeUndefined();
  });

  it('registers without error and with a null result', () => {
    const request = run('Subscription.onImageClassified', 'request', { arguments: { id: 'img-1' }, identity: analyst });
    expect(request.result).toEqual({ payload: null });
    const response = subscribe({ id: 'img-1' });
    expect(response.error).toBeUndefined();
    expect(response.result).toBeNull();
  });
});
