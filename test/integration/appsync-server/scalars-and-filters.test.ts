/**
 * The parts of the local AppSync server that need no process around them, table by table: AppSync's
 * scalar formats, auth modes read from the schema's directives, and argument-based subscription filtering.
 * (Pure tests; they sit here because test/integration/appsync-server is this module's test folder.)
 */
import path from 'node:path';
import { graphql } from 'graphql';
import { isAwsDate, isAwsDateTime, isAwsIpAddress, isAwsTime, isAwsUrl } from '../../../local/appsync-server/scalars';
import { loadAppSyncSchema } from '../../../local/appsync-server/schema';
import { SubscriptionRegistry, matchesArguments, type LiveSubscription } from '../../../local/appsync-server/subscriptions';

const REPO_ROOT = path.resolve(__dirname, '../../..');
const appsync = loadAppSyncSchema([path.join(REPO_ROOT, 'schema.graphql'), path.join(REPO_ROOT, 'appsync', 'builtins.graphql')]);

describe('AWSDateTime', () => {
  it.each([
    '2026-01-01T10:00:00Z',
    '2026-01-01T10:00:00.123Z',
    '2026-01-01T10:00:00.123456789Z',
    '2026-01-01T10:00Z',
    '2026-01-01T10:00:00+05:30',
    '2026-01-01T10:00:00-08:00:00',
    '2024-02-29T00:00:00Z',
  ])('accepts %s', (value) => expect(isAwsDateTime(value)).toBe(true));

  it.each([
    ['no offset', '2026-01-01T10:00:00'],
    ['a space instead of T', '2026-01-01 10:00:00Z'],
    ['month 13', '2026-13-01T10:00:00Z'],
    ['February 30', '2026-02-30T10:00:00Z'],
    ['February 29 in a common year', '2025-02-29T00:00:00Z'],
    ['hour 24', '2026-01-01T24:00:00Z'],
    ['ten fraction digits', '2026-01-01T10:00:00.1234567890Z'],
    ['a date only', '2026-01-01'],
  ])('refuses %s', (_why, value) => expect(isAwsDateTime(value)).toBe(false));
});

describe('AWSDate, AWSTime, AWSURL, AWSIPAddress', () => {
  it.each([
    ['AWSDate', '2026-01-01', true, isAwsDate],
    ['AWSDate', '2026-01-01Z', true, isAwsDate],
    ['AWSDate', '2026-01-01+01:00', true, isAwsDate],
    ['AWSDate', '2026-1-1', false, isAwsDate],
    ['AWSTime', '12:30', true, isAwsTime],
    ['AWSTime', '12:30:15.5Z', true, isAwsTime],
    ['AWSTime', '25:00', false, isAwsTime],
    ['AWSURL', 'https://example.com/a/b?x=1', true, isAwsUrl],
    ['AWSURL', 'mailto:someone@example.com', true, isAwsUrl],
    ['AWSURL', 'example.com/no-scheme', false, isAwsUrl],
    ['AWSURL', 'https://example.com/a//b', false, isAwsUrl],
    ['AWSIPAddress', '127.0.0.1', true, isAwsIpAddress],
    ['AWSIPAddress', '10.0.0.0/8', true, isAwsIpAddress],
    ['AWSIPAddress', '::1', true, isAwsIpAddress],
    ['AWSIPAddress', '2001:db8::/129', false, isAwsIpAddress],
    ['AWSIPAddress', '300.1.1.1', false, isAwsIpAddress],
  ] as const)('%s %s: valid = %s', (_scalar, value, expected, check) => expect(check(value)).toBe(expected));
});

describe('scalars in the executable schema', () => {
  const run = (query: string, rootValue: unknown = {}) => graphql({ schema: appsync.schema, source: query, rootValue });

  it('refuses an invalid AWSDateTime literal before anything runs', async () => {
    const result = await run('{ images(filter: { createdAfter: "yesterday" }) { nextToken } }');
    expect(result.errors?.map((e) => e.message).join(' ')).toMatch(/AWSDateTime/);
  });

  it('sends an AWSJSON value as its JSON text, and refuses to serialize a malformed AWSDateTime', async () => {
    const ticket = {
      requestUpload: { imageId: 'i', uploadUrl: 'http://x/y', uploadFields: { key: 'input/i.jpg' }, expiresAt: 'soon', maxBytes: 1 },
    };
    const result = await graphql({
      schema: appsync.schema,
      source: 'mutation { requestUpload(input: { fileName: "a", contentType: "b", fileSize: 1 }) { uploadFields expiresAt } }',
      rootValue: ticket,
    });
    expect(result.data).toBeNull();
    expect(result.errors?.[0]?.message).toMatch(/AWSDateTime/);
    const ok = await graphql({
      schema: appsync.schema,
      source: 'mutation { requestUpload(input: { fileName: "a", contentType: "b", fileSize: 1 }) { uploadFields } }',
      rootValue: ticket,
    });
    expect(ok.data).toEqual({ requestUpload: { uploadFields: '{"key":"input/i.jpg"}' } });
  });
});

describe('auth modes and subscriptions read from the schema', () => {
  it.each([
    ['Query', 'image', ['AMAZON_COGNITO_USER_POOLS', 'API_KEY']],
    ['Mutation', 'requestUpload', ['AMAZON_COGNITO_USER_POOLS', 'API_KEY']],
    ['Mutation', 'publishImageClassified', ['AWS_IAM']],
    ['Image', 'id', ['AMAZON_COGNITO_USER_POOLS', 'API_KEY', 'AWS_IAM']],
    ['UploadTicket', 'imageId', ['AMAZON_COGNITO_USER_POOLS', 'API_KEY']],
    ['Subscription', 'onImageClassified', ['AMAZON_COGNITO_USER_POOLS', 'API_KEY']],
  ])('%s.%s allows %j', (type, field, modes) => expect(appsync.allowedModes(type, field)).toEqual(modes));

  it('links publishImageClassified to onImageClassified', () => {
    expect(appsync.subscriptionsFor('publishImageClassified')).toEqual(['onImageClassified']);
    expect(appsync.subscriptionsFor('requestUpload')).toEqual([]);
  });
});

describe('argument-based subscription filtering', () => {
  it.each([
    [{}, { id: 'a' }, true],
    [{ id: 'a' }, { id: 'a', detectedAnimal: 'CAT' }, true],
    [{ id: 'b' }, { id: 'a', detectedAnimal: 'CAT' }, false],
    [{ id: 'a', detectedAnimal: 'DOG' }, { id: 'a', detectedAnimal: 'CAT' }, false],
    [{ id: null, detectedAnimal: 'CAT' }, { id: 'a', detectedAnimal: 'CAT' }, true],
    [{ detectedAnimal: 'CAT' }, { id: 'a', detectedAnimal: null }, false],
  ])('args %j against %j: %s', (args, payload, expected) => expect(matchesArguments(args, payload)).toBe(expected));

  it('delivers to subscribers whose arguments and enhanced filter both match, rendering each one', async () => {
    const sent: Record<string, unknown[]> = {};
    const registry = new SubscriptionRegistry(appsync.subscriptionsFor, async (s, payload) => ({ data: { [s.fieldName]: { for: s.id, payload } } }));
    const subscriber = (id: string, args: Record<string, unknown>, filter?: LiveSubscription['filter']): LiveSubscription => ({
      connectionId: 'c',
      id,
      fieldName: 'onImageClassified',
      args,
      ...(filter ? { filter } : {}),
      document: { kind: 'Document' as never, definitions: [] },
      request: { query: '' },
      callerContext: { caller: { mode: 'API_KEY', identity: null }, headers: {} },
      send: (body) => (sent[id] ??= []).push(body),
    });
    registry.add(subscriber('all', {}));
    registry.add(subscriber('by-arg', { id: 'a' }));
    registry.add(subscriber('other-arg', { id: 'b' }));
    registry.add(subscriber('filtered-out', {}, { filterGroup: [{ filters: [{ fieldName: 'detectedAnimal', operator: 'eq', value: 'DOG' }] }] }));
    registry.add(subscriber('filtered-in', {}, { filterGroup: [{ filters: [{ fieldName: 'confidence', operator: 'gt', value: 90 }] }] }));

    const delivered = await registry.publish({ mutationField: 'publishImageClassified', payload: { id: 'a', detectedAnimal: 'CAT', confidence: 95 } });
    expect(delivered).toBe(3);
    expect(Object.keys(sent).sort()).toEqual(['all', 'by-arg', 'filtered-in']);
    expect(await registry.publish({ mutationField: 'requestUpload', payload: { id: 'a' } })).toBe(0);
  });
});
