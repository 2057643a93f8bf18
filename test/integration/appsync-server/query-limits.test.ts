/**
 * The local AppSync server enforces the API's cost limits as AppSync does: a field nested past the depth
 * limit and a resolver past the count limit are field errors in AppSync's shape (null there, bubbling to
 * the nearest nullable field), and with introspection disabled an introspection query fails validation.
 * The server runs with a depth limit of 3 here so that a real record can reach past it (the schema's own
 * deepest field is at level 5, the deployed limit); the resolver count is the deployed one.
 */
import { randomUUID } from 'node:crypto';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { recordToItem } from '../../../functions/core/record-mapping';
import { RESOLVER_COUNT_LIMIT } from '../../../functions/core/settings';
import { pendingRecord } from '../../unit/core/support/in-memory-ports';
import { postGraphQL, startTestStack, type TestStack } from './support';

jest.setTimeout(60_000);

let stack: TestStack;
const id = randomUUID();

beforeAll(async () => {
  stack = await startTestStack({ server: { queryLimits: { depth: 3, introspection: false } } });
  const record = {
    ...pendingRecord(id, { owner: 'public' }),
    status: 'COMPLETED' as const,
    detectedAnimal: 'CAT' as const,
    confidence: 97.5,
    uncertain: false,
    labels: [{ name: 'Cat', confidence: 97.5, boundingBoxes: [{ left: 0.1, top: 0.2, width: 0.3, height: 0.4 }] }],
  };
  await stack.client.send(new PutItemCommand({ TableName: stack.tableName, Item: marshall(recordToItem(record), { removeUndefinedValues: true }) }));
});

afterAll(async () => {
  await stack?.stop();
});

describe('queryDepthLimit', () => {
  it('answers fields within the limit', async () => {
    const { status, body } = await postGraphQL(stack.server.url, { query: `{ image(id: "${id}") { id labels { name } } }` });
    expect(status).toBe(200);
    expect(body).toEqual({ data: { image: { id, labels: [{ name: 'Cat' }] } } });
  });

  it('nulls a field nested past the limit with a named field error, bubbling to the nearest nullable field', async () => {
    const query = `{ image(id: "${id}") { id labels { boundingBoxes { left } } } }`;
    const { status, body } = await postGraphQL(stack.server.url, { query });
    expect(status).toBe(200);
    // BoundingBox.left is Float!, the list's items BoundingBox!: the null lands on the nullable boundingBoxes list.
    expect(body.data).toEqual({ image: { id, labels: [{ boundingBoxes: null }] } });
    expect(body.errors).toEqual([
      {
        path: ['image', 'labels', 0, 'boundingBoxes', 0, 'left'],
        data: null,
        errorType: 'QueryDepthLimitExceeded',
        errorInfo: null,
        locations: [{ line: 1, column: query.indexOf('left') + 1, sourceName: null }],
        message: 'Query depth limit of 3 exceeded: BoundingBox.left is nested 4 levels deep',
      },
    ]);
  });

  it('counts the levels a fragment adds, as if its fields were written in place', async () => {
    const query = `{ image(id: "${id}") { id labels { ...Boxes } } } fragment Boxes on DetectedLabel { boundingBoxes { left } }`;
    const { body } = await postGraphQL(stack.server.url, { query });
    expect(body.data).toEqual({ image: { id, labels: [{ boundingBoxes: null }] } });
    expect(body.errors).toMatchObject([
      { path: ['image', 'labels', 0, 'boundingBoxes', 0, 'left'], errorType: 'QueryDepthLimitExceeded' },
    ]);
  });
});

describe('resolverCountLimit', () => {
  const aliases = (count: number) =>
    `{ ${Array.from({ length: count }, (_, n) => `a${n + 1}: image(id: "${id}") { id }`).join(' ')} }`;

  it(`runs up to ${RESOLVER_COUNT_LIMIT} resolvers in one request`, async () => {
    const { body } = await postGraphQL(stack.server.url, { query: aliases(RESOLVER_COUNT_LIMIT) });
    expect(body.errors).toBeUndefined();
    expect(Object.values(body.data ?? {})).toEqual(Array.from({ length: RESOLVER_COUNT_LIMIT }, () => ({ id })));
  });

  it('refuses every resolver past the limit by name: an alias bomb costs at most the limit in invocations', async () => {
    const { status, body } = await postGraphQL(stack.server.url, { query: aliases(50) });
    expect(status).toBe(200);
    const data = body.data as Record<string, unknown>;
    expect(Object.values(data).filter((v) => v !== null)).toHaveLength(RESOLVER_COUNT_LIMIT);
    expect(body.errors).toHaveLength(50 - RESOLVER_COUNT_LIMIT);
    for (const error of body.errors ?? []) {
      expect(error).toMatchObject({ errorType: 'ResolverCountLimitExceeded', data: null });
      expect(data[(error.path as string[])[0]!]).toBeNull();
    }
  });
});

describe('IntrospectionConfig DISABLED', () => {
  it('refuses __schema and __type as validation errors, and answers the rest of the API', async () => {
    for (const query of ['{ __schema { types { name } } }', '{ __type(name: "Image") { name } }']) {
      const { status, body } = await postGraphQL(stack.server.url, { query });
      expect(status).toBe(200);
      expect(body.data ?? null).toBeNull();
      expect(body.errors?.[0]?.message).toMatch(/introspection has been disabled/);
    }
    const { body } = await postGraphQL(stack.server.url, { query: `{ image(id: "${id}") { __typename id } }` });
    expect(body).toEqual({ data: { image: { __typename: 'Image', id } } });
  });
});
