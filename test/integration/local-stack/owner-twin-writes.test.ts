/**
 * The owner's twins (ByOwnerAnimal, ByOwnerStatus, ByOwnerUncertain) on DynamoDB Local, kept in step by every
 * write path of the real adapter: the PENDING put, the processor's claim, complete and fail, and the sweeper's
 * failIfUnchanged. No write names a key of the twins; a page through a twin must still follow each change, and
 * never show another owner's image.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { documentClient } from '../../../functions/adapters/clients/dynamodb';
import { DynamoDbDetectionLog } from '../../../functions/adapters/dynamodb-detection-log';
import type { CallerScope } from '../../../functions/core/caller-scope';
import type { ImageRecord } from '../../../functions/core/domain';
import { type ImageFilter, nextTokenFor, planImageQuery } from '../../../functions/core/image-query';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../../local/common/naming';
import { startDynamoDbLocal, type DynamoDbLocal } from '../../../local/emulators/dynamodb-local';
import { ensureDetectionLogsTable } from '../../../local/provision/table';

jest.setTimeout(60_000);

const SHARDS = 4;
const TABLE = 'owner-twins';
let dynamo: DynamoDbLocal;
let client: DynamoDBClient;
let log: DynamoDbDetectionLog;

const record = (id: string, owner: string, second: number): ImageRecord => ({
  id,
  owner,
  status: 'PENDING',
  fileName: `${id}.jpg`,
  fileSize: 1000,
  imageFormat: 'jpg',
  contentType: 'image/jpeg',
  objectKey: `input/${id}.jpg`,
  s3Location: `s3://bucket/input/${id}.jpg`,
  createdAt: new Date(Date.UTC(2026, 10, 30, 12, 0, second)).toISOString(),
  updatedAt: new Date(Date.UTC(2026, 10, 30, 12, 0, second)).toISOString(),
  expiresAt: 1_900_000_000,
});

/** Every id a caller pages through for a filter, newest first, following nextToken with pages of 2. */
const list = async (scope: CallerScope, filter: ImageFilter): Promise<string[]> => {
  const ids: string[] = [];
  let token: string | null = null;
  do {
    const plan = planImageQuery(scope, filter, 2, token, SHARDS);
    const page = await log.query(plan);
    ids.push(...page.items.map((i) => i.id));
    token = nextTokenFor(page, plan);
  } while (token);
  return ids;
};

const a: CallerScope = { kind: 'owner', owner: 'sub-a' };
const b: CallerScope = { kind: 'owner', owner: 'sub-b' };

beforeAll(async () => {
  dynamo = await startDynamoDbLocal({});
  client = new DynamoDBClient({ region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, endpoint: dynamo.endpoint });
  await ensureDetectionLogsTable(client, TABLE);
  log = new DynamoDbDetectionLog(documentClient({ region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, endpoint: dynamo.endpoint }), TABLE, { indexShards: SHARDS });
  for (const [i, id] of ['a1', 'a2', 'a3', 'a4', 'a5'].entries()) await log.createPending(record(id, 'sub-a', i));
  await log.createPending(record('b1', 'sub-b', 9));
});

afterAll(async () => {
  client?.destroy();
  await dynamo?.stop();
});

it('follows each status change through the twins, for the owner only', async () => {
  expect(await list(a, { status: 'PENDING' })).toEqual(['a5', 'a4', 'a3', 'a2', 'a1']);
  expect(await list(b, { status: 'PENDING' })).toEqual(['b1']);

  // The processor's claim: PENDING -> PROCESSING.
  expect((await log.claimForProcessing('a1', '2026-11-30T12:01:00.000Z')).kind).toBe('claimed');
  expect((await log.claimForProcessing('a4', '2026-11-30T12:01:00.000Z')).kind).toBe('claimed');
  expect(await list(a, { status: 'PROCESSING' })).toEqual(['a4', 'a1']);
  expect(await list(a, { status: 'PENDING' })).toEqual(['a5', 'a3', 'a2']);

  // complete: COMPLETED, an animal, uncertain or not.
  const outcome = { confidence: 70, labels: [], objectKey: 'cats/a1.jpg', s3Location: 's3://bucket/cats/a1.jpg', classifiedAt: '2026-11-30T12:02:00.000Z' };
  expect(await log.complete('a1', { ...outcome, animal: 'CAT', uncertain: true })).toBe(true);
  expect(await log.complete('a4', { ...outcome, animal: 'DOG', uncertain: false })).toBe(true);
  expect(await list(a, { status: 'COMPLETED' })).toEqual(['a4', 'a1']);
  expect(await list(a, { detectedAnimal: 'CAT' })).toEqual(['a1']);
  expect(await list(a, { detectedAnimal: 'DOG' })).toEqual(['a4']);
  expect(await list(a, { uncertain: true })).toEqual(['a1']);
  expect(await list(a, { status: 'PROCESSING' })).toEqual([]);

  // fail (the processor), and failIfUnchanged (the sweeper, on the record as it read it).
  expect(await log.fail('a2', 'NotAnImage: test', '2026-11-30T12:03:00.000Z')).toBe(true);
  const stale = await log.get('a3');
  expect(await log.failIfUnchanged(stale!, 'ProcessingTimedOut: test', '2026-11-30T12:04:00.000Z')).toBe(true);
  expect(await list(a, { status: 'FAILED' })).toEqual(['a3', 'a2']);
  expect(await list(a, { status: 'PENDING' })).toEqual(['a5']);

  // Nothing of A's reaches B through any twin, and B's own image is where its status says.
  for (const filter of [{ detectedAnimal: 'CAT' }, { detectedAnimal: 'DOG' }, { uncertain: true }, { status: 'COMPLETED' }, { status: 'FAILED' }, { status: 'PROCESSING' }] as ImageFilter[]) {
    expect(await list(b, filter)).toEqual([]);
  }
  expect(await list(b, {})).toEqual(['b1']);
  // An analyst sees both owners through the global indexes.
  expect(await list({ kind: 'everyone' }, { status: 'PENDING' })).toEqual(['b1', 'a5']);
});
