import { type AttributeValue, ConditionalCheckFailedException, ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import {
  BatchGetCommand,
  type BatchGetCommandInput,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  ScanCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { documentClient } from '../../../functions/adapters/clients/dynamodb';
import { buildQuery, DynamoDbDetectionLog } from '../../../functions/adapters/dynamodb-detection-log';
import type { CallerScope } from '../../../functions/core/caller-scope';
import { DuplicateImageError, TransientError } from '../../../functions/core/errors';
import { nextTokenFor, planImageQuery, readBudgetFor, type ImageFilter, type ImageQueryPlan } from '../../../functions/core/image-query';
import { indexKeys, shardOf } from '../../../functions/core/index-keys';
import { type DetectionLogItem, itemToRecord, recordToItem } from '../../../functions/core/record-mapping';
import { FILTER_ATTRIBUTES, SETTLE_ATTRIBUTES } from '../../../functions/core/table-design';
import { pendingRecord } from '../core/support/in-memory-ports';
import type { ImageRecord } from '../../../functions/core/domain';

const ddb = mockClient(DynamoDBDocumentClient);
const TABLE = 'serverlessapp-test-detection-logs';
const SHARDS = 4;
// No pause between BatchGetItem rounds: the tests count rounds, not milliseconds.
const log = new DynamoDbDetectionLog(documentClient({ region: 'us-east-1' }), TABLE, { indexShards: SHARDS, unprocessedRetryDelayMs: 0 });
const everyone: CallerScope = { kind: 'everyone' };
const plan = (filter: ImageFilter, limit: number, nextToken?: string | null, scope: CallerScope = everyone) =>
  planImageQuery(scope, filter, limit, nextToken, SHARDS);

const conditionFailed = (item?: Record<string, AttributeValue>) =>
  new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {}, ...(item ? { Item: item } : {}) });

beforeEach(() => ddb.reset());

describe('DynamoDbDetectionLog writes', () => {
  it('puts a PENDING item with the specification attribute names, only if the id is new', async () => {
    ddb.on(PutCommand).resolves({});
    await log.createPending(pendingRecord('img-1'));
    expect(ddb).toHaveReceivedCommandWith(PutCommand, {
      TableName: TABLE,
      ConditionExpression: 'attribute_not_exists(#id)',
      ExpressionAttributeNames: { '#id': 'ImageID' },
      Item: expect.objectContaining({
        ImageID: 'img-1',
        ProcessingStatus: 'pending',
        Timestamp: '2026-11-22T02:59:00.000Z',
        S3Location: 's3://test-bucket/input/img-1.jpg',
        FileSize: 1000,
        ImageFormat: 'jpg',
        FileName: 'whiskers.jpg',
        CreatedAt: '2026-11-22T02:59:00.000Z',
        ExpiresAt: 1_800_000_000,
        ListPK: `IMAGE#${shardOf('img-1', SHARDS)}`,
        StatusPK: `pending#${shardOf('img-1', SHARDS)}`,
      }),
    });
  });

  it('turns a failed put condition into DuplicateImageError', async () => {
    ddb.on(PutCommand).rejects(conditionFailed());
    await expect(log.createPending(pendingRecord('img-1'))).rejects.toBeInstanceOf(DuplicateImageError);
  });

  it('completes only an open record, setting the sparse UncertainKey for an uncertain result', async () => {
    ddb.on(UpdateCommand).resolves({});
    const done = await log.complete('img-1', {
      animal: 'DOG',
      confidence: 66,
      uncertain: true,
      labels: [{ name: 'Dog', confidence: 66, boundingBoxes: [{ left: 0.1, top: 0.2, width: 0.3, height: 0.4 }] }],
      objectKey: 'dogs/img-1.jpg',
      s3Location: 's3://b/dogs/img-1.jpg',
      classifiedAt: '2026-11-22T03:00:00.000Z',
      fileSize: 4321,
    });
    expect(done).toBe(true);
    const input = ddb.commandCalls(UpdateCommand)[0]!.args[0].input;
    expect(input.ConditionExpression).toBe('attribute_exists(#id) AND ProcessingStatus IN (:pending, :processing)');
    expect(input.UpdateExpression).toContain('UncertainKey = :uncertainKey');
    expect(input.UpdateExpression).not.toContain('REMOVE');
    expect(input.ExpressionAttributeValues).toMatchObject({
      ':next': 'completed',
      ':animal': 'dog',
      ':confidence': 66,
      ':uncertain': true,
      ':uncertainKey': `UNCERTAIN#${shardOf('img-1', SHARDS)}`,
      ':animalKey': `dog#${shardOf('img-1', SHARDS)}`,
      ':statusKey': `completed#${shardOf('img-1', SHARDS)}`,
      ':fileSize': 4321,
      ':labels': [{ Name: 'Dog', Confidence: 66, BoundingBoxes: [{ Left: 0.1, Top: 0.2, Width: 0.3, Height: 0.4 }] }],
      ':pending': 'pending',
      ':processing': 'processing',
    });
  });

  it('removes UncertainKey for a certain result', async () => {
    ddb.on(UpdateCommand).resolves({});
    await log.complete('img-1', {
      animal: 'CAT', confidence: 95, uncertain: false, labels: [],
      objectKey: 'cats/img-1.jpg', s3Location: 's3://b/cats/img-1.jpg', classifiedAt: '2026-11-22T03:00:00.000Z',
    });
    expect(ddb.commandCalls(UpdateCommand)[0]!.args[0].input.UpdateExpression).toMatch(/ REMOVE UncertainKey$/);
  });

  it('reports a lost race as false, not as an error', async () => {
    ddb.on(UpdateCommand).rejects(conditionFailed());
    await expect(log.fail('img-1', 'NotAnImage: x', 'now')).resolves.toBe(false);
    await expect(log.complete('img-1', { animal: 'CAT', confidence: 95, uncertain: false, labels: [], objectKey: 'k', s3Location: 's', classifiedAt: 'now' })).resolves.toBe(false);
  });

  it('claims an open record for processing in one write that returns the claimed record', async () => {
    ddb.on(UpdateCommand).resolves({ Attributes: recordToItem(pendingRecord('img-1', { status: 'PROCESSING' })) });
    await expect(log.claimForProcessing('img-1', '2026-11-22T03:00:00.000Z')).resolves.toMatchObject({
      kind: 'claimed',
      record: { id: 'img-1', status: 'PROCESSING' },
    });
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      ConditionExpression: 'attribute_exists(#id) AND ProcessingStatus IN (:pending, :processing)',
      ReturnValues: 'ALL_NEW',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      ExpressionAttributeValues: expect.objectContaining({ ':next': 'processing' }),
    });
  });

  it('answers a refused claim with the final record it found, or with missing when there is none', async () => {
    const done = recordToItem(pendingRecord('img-1', { status: 'COMPLETED', objectKey: 'cats/img-1.jpg', detectedAnimal: 'CAT', confidence: 97 }));
    ddb.on(UpdateCommand).rejectsOnce(conditionFailed(marshall(done, { removeUndefinedValues: true }))).rejectsOnce(conditionFailed());
    await expect(log.claimForProcessing('img-1', 'now')).resolves.toMatchObject({
      kind: 'final',
      record: { status: 'COMPLETED', objectKey: 'cats/img-1.jpg', detectedAnimal: 'CAT' },
    });
    await expect(log.claimForProcessing('img-1', 'now')).resolves.toEqual({ kind: 'missing' });
  });

  it('records FailureReason on fail', async () => {
    ddb.on(UpdateCommand).resolves({});
    await log.fail('img-1', 'NotAnImage: x', '2026-11-22T03:00:00.000Z');
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      ExpressionAttributeValues: expect.objectContaining({ ':next': 'failed', ':reason': 'NotAnImage: x' }),
    });
  });

  it('fails a record only while it is exactly as read (failIfUnchanged: the sweeper cannot race a delivery)', async () => {
    ddb.on(UpdateCommand).resolves({});
    const seen = { id: 'img-1', status: 'PROCESSING' as const, updatedAt: '2026-11-22T01:00:00.000Z' };
    expect(await log.failIfUnchanged(seen, 'ProcessingTimedOut: x', '2026-11-22T03:00:00.000Z')).toBe(true);
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      ConditionExpression: expect.stringContaining('ProcessingStatus = :expected AND #ts = :seen'),
      ExpressionAttributeValues: expect.objectContaining({ ':next': 'failed', ':expected': 'processing', ':seen': seen.updatedAt }),
    });
    ddb.on(UpdateCommand).rejects(conditionFailed());
    expect(await log.failIfUnchanged(seen, 'ProcessingTimedOut: x', '2026-11-22T03:00:00.000Z')).toBe(false);
  });

  it('names no attribute in the sweeper\'s write beyond SETTLE_ATTRIBUTES (its IAM policy allows those alone)', async () => {
    ddb.on(UpdateCommand).resolves({});
    await log.failIfUnchanged({ id: 'img-1', status: 'PENDING', updatedAt: '2026-11-22T01:00:00.000Z' }, 'UploadNeverArrived: x', '2026-11-22T03:00:00.000Z');
    const input = ddb.commandCalls(UpdateCommand)[0]!.args[0].input;
    const aliased = Object.values(input.ExpressionAttributeNames ?? {});
    // Attribute names written out in the expressions: words that are neither keywords nor #aliases/:values.
    const words = `${input.UpdateExpression} ${input.ConditionExpression}`.match(/(?<![#:\w])[A-Za-z_]\w*/g) ?? [];
    const keywords = new Set(['SET', 'AND', 'OR', 'NOT', 'IN', 'attribute_exists', 'attribute_not_exists']);
    const named = [...aliased, ...words.filter((w) => !keywords.has(w)), ...Object.keys(input.Key ?? {})];
    expect(new Set(named)).toEqual(new Set(SETTLE_ATTRIBUTES));
  });

  it('turns any other DynamoDB error into a retryable DependencyUnavailable', async () => {
    ddb.on(UpdateCommand).rejects(new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} }));
    ddb.on(GetCommand).rejects(new Error('socket hang up'));
    await expect(log.claimForProcessing('img-1', 'now')).rejects.toMatchObject({ code: 'DependencyUnavailable', retryable: true });
    await expect(log.get('img-1')).rejects.toBeInstanceOf(TransientError);
  });

  it('reads consistently, so a duplicate is recognised right after a write', async () => {
    ddb.on(GetCommand).resolves({ Item: recordToItem(pendingRecord('img-1')) });
    expect(await log.get('img-1')).toEqual(pendingRecord('img-1'));
    expect(ddb).toHaveReceivedCommandWith(GetCommand, { ConsistentRead: true, Key: { ImageID: 'img-1' } });
  });

  it('batch-gets many ids, retrying unprocessed keys', async () => {
    ddb
      .on(BatchGetCommand)
      .resolvesOnce({
        Responses: { [TABLE]: [recordToItem(pendingRecord('a'))] },
        UnprocessedKeys: { [TABLE]: { Keys: [{ ImageID: 'b' }] } },
      })
      .resolvesOnce({ Responses: { [TABLE]: [recordToItem(pendingRecord('b'))] } });
    const records = await log.getMany(['a', 'b', 'c']);
    expect(records.map((r) => r.id)).toEqual(['a', 'b']);
    expect(ddb.commandCalls(BatchGetCommand)[1]!.args[0].input.RequestItems).toEqual({ [TABLE]: { Keys: [{ ImageID: 'b' }] } });
  });

  it('returns batch-got records in the order of the ids, whatever order DynamoDB answers in', async () => {
    ddb.on(BatchGetCommand).callsFake(fakeBatchGet(['c', 'a', 'b'].map((id) => recordToItem(pendingRecord(id))), { reverse: true }));
    expect((await log.getMany(['b', 'c', 'a'])).map((r) => r.id)).toEqual(['b', 'c', 'a']);
  });

  it('asks for at most 100 keys per request, and never for the same key twice', async () => {
    const ids = Array.from({ length: 150 }, (_, i) => `id-${i}`);
    ddb.on(BatchGetCommand).callsFake(fakeBatchGet(ids.map((id) => recordToItem(pendingRecord(id)))));
    const records = await log.getMany([...ids, 'id-0', 'id-1']);
    expect(records.map((r) => r.id)).toEqual([...ids, 'id-0', 'id-1']);
    const sizes = ddb.commandCalls(BatchGetCommand).map((c) => c.args[0].input.RequestItems![TABLE]!.Keys!.length);
    expect(sizes).toEqual([100, 50]);
  });

  it('gives up on keys still unprocessed after five rounds with a retryable DependencyUnavailable', async () => {
    ddb.on(BatchGetCommand).callsFake((input: BatchGetCommandInput) => ({ Responses: { [TABLE]: [] }, UnprocessedKeys: input.RequestItems }));
    const error = await log.getMany(['a']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransientError);
    expect(error).toMatchObject({ code: 'DependencyUnavailable' });
    expect(ddb.commandCalls(BatchGetCommand)).toHaveLength(5);
  });

  it('waits before asking again for unprocessed keys, longer each round', async () => {
    const paced = new DynamoDbDetectionLog(documentClient({ region: 'us-east-1' }), TABLE, { indexShards: SHARDS, unprocessedRetryDelayMs: 20 });
    const at: number[] = [];
    let calls = 0;
    ddb.on(BatchGetCommand).callsFake((input: BatchGetCommandInput) => {
      at.push(performance.now());
      calls += 1;
      if (calls < 3) return { Responses: { [TABLE]: [] }, UnprocessedKeys: input.RequestItems };
      return { Responses: { [TABLE]: [recordToItem(pendingRecord('a'))] } };
    });
    expect((await paced.getMany(['a'])).map((r) => r.id)).toEqual(['a']);
    expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(19);
    expect(at[2]! - at[1]!).toBeGreaterThanOrEqual(39);
  });
});

/**
 * A DynamoDB Query over one index, as DynamoDB behaves: newest first, resume strictly after
 * ExclusiveStartKey, Limit counts items EVALUATED, then the FilterExpression drops non-matches. The
 * entries are whole items, as the indexes project them (table-design.ts INDEX_PROJECTION).
 */
const fakeQuery = (items: DetectionLogItem[]) => (input: QueryCommandInput) => {
  const names = input.ExpressionAttributeNames ?? {};
  const values = input.ExpressionAttributeValues ?? {};
  const pk = names['#pk']!;
  // An owner's twin: a multi-attribute partition key, the owner beside the sharded key.
  const owner = names['#owner'];
  const field = (item: DetectionLogItem, name: string) => (item as unknown as Record<string, unknown>)[name];
  let rows = items
    .filter((i) => field(i, pk) === values[':pk'] && (owner === undefined || field(i, owner) === values[':owner']))
    .filter((i) => values[':after'] === undefined || i.CreatedAt >= (values[':after'] as string))
    .filter((i) => values[':before'] === undefined || i.CreatedAt <= (values[':before'] as string))
    .sort((a, b) => b.CreatedAt.localeCompare(a.CreatedAt))
    .map((i) => ({ ...i }) as Record<string, unknown>);
  if (input.ExclusiveStartKey) rows = rows.slice(rows.findIndex((r) => r.ImageID === input.ExclusiveStartKey!.ImageID) + 1);
  const evaluated = rows.slice(0, input.Limit ?? rows.length);
  const more = rows.length > evaluated.length;
  const matches = evaluated.filter(
    (e) =>
      (values[':minConfidence'] === undefined || ((e.ConfidenceScore as number | undefined) ?? -1) >= (values[':minConfidence'] as number)) &&
      (values[':animal'] === undefined || e.DetectedAnimal === values[':animal']) &&
      (values[':status'] === undefined || e.ProcessingStatus === values[':status']) &&
      (values[':uncertain'] === undefined || e.Uncertain === values[':uncertain']),
  );
  const last = evaluated[evaluated.length - 1];
  return {
    Items: matches,
    ScannedCount: evaluated.length,
    LastEvaluatedKey: more && last ? { ImageID: last.ImageID, ...(owner ? { [owner]: last[owner] } : {}), [pk]: last[pk], CreatedAt: last.CreatedAt } : undefined,
  };
};

/** BatchGetItem over a set of items: answers in reverse order when asked (DynamoDB promises no order), and omits ids that have no item. */
const fakeBatchGet =
  (items: DetectionLogItem[], options: { reverse?: boolean } = {}) =>
  (input: BatchGetCommandInput) => {
    const byId = new Map(items.map((i) => [i.ImageID, i]));
    const keys = input.RequestItems![TABLE]!.Keys as Array<{ ImageID: string }>;
    const found = keys.map((k) => byId.get(k.ImageID)).filter((i): i is DetectionLogItem => i !== undefined);
    return { Responses: { [TABLE]: options.reverse ? found.reverse() : found } };
  };

/** Items as the adapter writes them: the mapped record and its sharded index keys. */
const stored = (record: ImageRecord): DetectionLogItem => ({ ...recordToItem(record), ...indexKeys(record, SHARDS) });

const corpus = (count: number): DetectionLogItem[] =>
  Array.from({ length: count }, (_, i) =>
    stored({
      ...pendingRecord(`img-${String(i).padStart(4, '0')}`, {
        createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
      }),
      status: 'COMPLETED',
      detectedAnimal: i % 2 ? 'CAT' : 'DOG',
      // Only one image in 37 is this confident: most DynamoDB pages hold no match at all.
      confidence: i % 37 === 0 ? 99 : 60,
      uncertain: false,
      labels: [{ name: i % 2 ? 'Cat' : 'Dog', confidence: 60, boundingBoxes: [{ left: 0.1, top: 0.2, width: 0.3, height: 0.4 }] }],
      classifiedAt: new Date(Date.UTC(2026, 0, 1, 0, 1, i)).toISOString(),
    }),
  );

/** Serves a corpus from its indexes. */
const serve = (items: DetectionLogItem[]) => {
  ddb.on(QueryCommand).callsFake(fakeQuery(items));
};

const readAll = async (filter: ImageFilter, limit: number, readBudget = readBudgetFor(limit)) => {
  const pages: string[][] = [];
  let nextToken: string | null = null;
  do {
    const planned = { ...plan(filter, limit, nextToken), readBudget };
    const page = await log.query(planned);
    pages.push(page.items.map((i) => i.id));
    nextToken = nextTokenFor(page, planned);
  } while (nextToken);
  return pages;
};

/** Whether a stored item answers a filter, by its attributes: the expectation the pages are held to. */
const itemMatches = (i: DetectionLogItem, f: ImageFilter): boolean =>
  (!f.detectedAnimal || i.DetectedAnimal === f.detectedAnimal.toLowerCase()) &&
  (!f.status || i.ProcessingStatus === f.status.toLowerCase()) &&
  (f.uncertain === undefined || f.uncertain === null || (i.Uncertain ?? false) === f.uncertain) &&
  (f.minConfidence === undefined || f.minConfidence === null || (i.ConfidenceScore ?? -1) >= f.minConfidence) &&
  (!f.createdAfter || i.CreatedAt >= new Date(f.createdAfter).toISOString());

const newestFirst = (items: DetectionLogItem[]) => [...items].sort((a, b) => b.CreatedAt.localeCompare(a.CreatedAt)).map((i) => i.ImageID);

describe('DynamoDbDetectionLog.query', () => {
  it('queries the planned index newest first, with the residual as a FilterExpression, never a Scan', async () => {
    serve(corpus(10));
    await log.query(plan({ detectedAnimal: 'CAT', minConfidence: 90, createdAfter: '2026-01-01T00:00:00Z' }, 3));
    expect(ddb.commandCalls(QueryCommand)[0]!.args[0].input).toMatchObject({
      TableName: TABLE,
      IndexName: 'ByAnimal',
      KeyConditionExpression: '#pk = :pk AND #sk >= :after',
      ExpressionAttributeNames: { '#pk': 'AnimalPK', '#sk': 'CreatedAt' },
      ExpressionAttributeValues: { ':pk': 'cat#0', ':after': '2026-01-01T00:00:00.000Z', ':minConfidence': 90 },
      FilterExpression: 'ConfidenceScore >= :minConfidence',
      ScanIndexForward: false,
    });
    expect(ddb.commandCalls(ScanCommand)).toHaveLength(0);
  });

  it('filters only on the filter attributes, for every combination of filters', () => {
    const options: ImageFilter[] = [
      { detectedAnimal: 'DOG' },
      { status: 'FAILED' },
      { uncertain: true },
      { uncertain: false },
      { minConfidence: 70 },
    ];
    const combinations = Array.from({ length: 2 ** options.length }, (_, mask) =>
      Object.assign({}, ...options.filter((_, bit) => mask & (1 << bit))) as ImageFilter,
    );
    const filterable: readonly string[] = Object.values(FILTER_ATTRIBUTES);
    for (const [scope, filter] of combinations.flatMap((f) => [[everyone, f], [{ kind: 'owner', owner: 'sub-a' }, f]] as const)) {
      const request = buildQuery(TABLE, plan(filter, 20, null, scope));
      const tested = (request.FilterExpression ?? '').match(/\b[A-Z][a-z][A-Za-z]*\b/g) ?? [];
      expect(tested.every((name) => filterable.includes(name))).toBe(true);
    }
  });

  it('serves whole records from the index entries alone, in index order, with no BatchGetItem', async () => {
    const items = corpus(12);
    serve(items);
    const page = await log.query(plan({ detectedAnimal: 'CAT' }, 4));
    expect(page.items.map((r) => r.id)).toEqual(newestFirst(items.filter((i) => i.DetectedAnimal === 'cat')).slice(0, 4));
    expect(page.items[0]).toEqual(itemToRecord(items.find((i) => i.ImageID === page.items[0]!.id)!));
    expect(page.items.every((r) => r.fileName === 'whiskers.jpg' && r.labels?.[0]?.boundingBoxes?.length === 1)).toBe(true);
    expect(page.positions).toBeDefined();
    expect(ddb.commandCalls(BatchGetCommand)).toHaveLength(0);
  });

  it('stops at the read budget: a filter that matches nothing returns an empty page with a nextToken, not a timeout', async () => {
    const items = corpus(5000);
    serve(items);
    const page = await log.query(plan({ minConfidence: 99.5 }, 10));
    expect(page.items).toEqual([]);
    expect(page.positions).toBeDefined();
    // Each Query may evaluate at most its Limit; together they stay within the budget (a shard reads at least one).
    const budget = readBudgetFor(10);
    const limits = ddb.commandCalls(QueryCommand).map((c) => c.args[0].input.Limit!);
    expect(limits.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(budget + SHARDS);
    // Paging on walks the whole index, about a budget's entries per call, and ends without a token.
    const pages = await readAll({ minConfidence: 99.5 }, 10);
    expect(pages.flat()).toEqual([]);
    expect(pages.length).toBeGreaterThanOrEqual(5000 / budget);
    expect(pages.length).toBeLessThanOrEqual(5000 / budget + 1);
  });

  it('reads the rest of its budget in one more round once a shard matched nothing: two round trips, not one per 200 entries', async () => {
    serve(corpus(5000));
    const page = await log.query(plan({ minConfidence: 99.5 }, 10));
    expect(page.items).toEqual([]);
    const calls = ddb.commandCalls(QueryCommand).map((c) => c.args[0].input);
    const perShard = new Map<unknown, number>();
    for (const input of calls) perShard.set(input.ExpressionAttributeValues![':pk'], (perShard.get(input.ExpressionAttributeValues![':pk']) ?? 0) + 1);
    expect([...perShard.values()]).toEqual(Array.from({ length: SHARDS }, () => 2));
    expect(calls.reduce((sum, input) => sum + input.Limit!, 0)).toBe(readBudgetFor(10));
  });

  it("reads a following page of a filter that matched nothing in one round: the first page's token carries its rate", async () => {
    serve(corpus(5000));
    const first = plan({ minConfidence: 99.5 }, 10);
    const token = nextTokenFor(await log.query(first), first);
    ddb.resetHistory();
    const next = await log.query(plan({ minConfidence: 99.5 }, 10, token));
    expect(next.items).toEqual([]);
    expect(next.matchRate).toEqual({ matched: 0, evaluated: readBudgetFor(10) });
    const calls = ddb.commandCalls(QueryCommand).map((c) => c.args[0].input);
    expect(calls).toHaveLength(SHARDS);
    expect(calls.reduce((sum, input) => sum + input.Limit!, 0)).toBe(readBudgetFor(10));
  });

  it('resumes a short page exactly where its budget ran out: paging on yields every match once, newest first', async () => {
    const items = corpus(1000);
    serve(items);
    const pages = await readAll({ minConfidence: 90 }, 10, 120);
    expect(pages.flat()).toEqual(newestFirst(items.filter((i) => i.ConfidenceScore === 99)));
    expect(pages.slice(0, -1).some((p) => p.length < 10)).toBe(true);
  });

  it('reads on past empty filtered pages within the budget: a page is full while matches lie within reach', async () => {
    const items = corpus(1000);
    serve(items);
    // One match in 37 entries: a page of 10 has them within reach of 1,000 entries (its own budget, 250, is 1 in 10).
    const pages = await readAll({ minConfidence: 90 }, 10, 1000);
    const expected = newestFirst(items.filter((i) => i.ConfidenceScore === 99));
    expect(pages.flat()).toEqual(expected);
    expect(pages.map((p) => p.length)).toEqual([10, 10, 8]);
    // 28 matches spread over 1,000 items cannot come from one DynamoDB page per GraphQL page.
    expect(ddb.commandCalls(QueryCommand).length).toBeGreaterThan(pages.length);
  });

  it('serves a residual filter from the index entries (uncertain images of one animal, one status)', async () => {
    const items = corpus(40).map((i, n) => (n % 4 === 1 ? { ...i, Uncertain: true, UncertainKey: `UNCERTAIN#${shardOf(i.ImageID, SHARDS)}` } : i));
    serve(items);
    const pages = await readAll({ uncertain: true, detectedAnimal: 'CAT', status: 'COMPLETED', minConfidence: 50 }, 3);
    expect(pages.flat()).toEqual(newestFirst(items.filter((i) => i.Uncertain === true && i.DetectedAnimal === 'cat')));
    expect(pages.flat()).toHaveLength(10);
  });

  it('sets no nextToken when the last page ends exactly at the last match', async () => {
    serve(corpus(40)); // 20 cats
    const pages = await readAll({ detectedAnimal: 'CAT' }, 10);
    expect(pages.map((p) => p.length)).toEqual([10, 10]);
  });

  it('asks every shard, once, for enough of one item more than the page that no shard runs dry, to know whether more exist', async () => {
    serve(corpus(3));
    const page = await log.query(plan({}, 5));
    expect(page.items).toHaveLength(3);
    expect(page.positions).toBeUndefined();
    const inputs = ddb.commandCalls(QueryCommand).map((c) => c.args[0].input);
    expect(inputs.map((i) => i.ExpressionAttributeValues![':pk']).sort()).toEqual(['IMAGE#0', 'IMAGE#1', 'IMAGE#2', 'IMAGE#3']);
    // 6 entries over 4 shards: mean 1.5 plus 3 sigma (shard-merge.ts shardReadSize), rounded up.
    expect(inputs.every((i) => i.Limit === 5)).toBe(true);
  });

  it('resumes each shard where the previous page left it, and skips shards read to the end', async () => {
    const items = corpus(30);
    serve(items);
    const first = await log.query(plan({}, 10));
    const token = nextTokenFor(first, plan({}, 10));
    ddb.resetHistory();
    const second = await log.query(plan({}, 10, token));
    expect([...first.items, ...second.items].map((r) => r.id)).toEqual(newestFirst(items).slice(0, 20));
    const starts = ddb.commandCalls(QueryCommand).map((c) => c.args[0].input.ExclusiveStartKey);
    expect(starts.every((key) => key !== undefined)).toBe(true);
  });

  describe("for an owner, on its twins of the analysts' indexes", () => {
    const a: CallerScope = { kind: 'owner', owner: 'sub-a' };
    /** Two owners' images interleaved, in every status, animal and certainty. */
    const owned = (): DetectionLogItem[] =>
      corpus(600).map((item, n) => {
        const status = (['COMPLETED', 'COMPLETED', 'COMPLETED', 'FAILED', 'PENDING', 'PROCESSING'] as const)[n % 6]!;
        const record = itemToRecord(item);
        const classified = status === 'COMPLETED';
        return stored({
          ...record,
          owner: n % 5 === 0 ? 'sub-b' : 'sub-a',
          status,
          ...(classified ? { uncertain: n % 4 === 0 } : { detectedAnimal: undefined, confidence: undefined, uncertain: undefined, labels: undefined, classifiedAt: undefined }),
        });
      });
    const filters: ImageFilter[] = [
      { detectedAnimal: 'CAT' },
      { status: 'FAILED' },
      { status: 'PENDING' },
      { uncertain: true },
      { uncertain: true, detectedAnimal: 'DOG', minConfidence: 50 },
      { detectedAnimal: 'DOG', status: 'COMPLETED', createdAfter: '2026-01-01T00:03:00Z' },
      { status: 'COMPLETED', uncertain: false, minConfidence: 90 },
    ];

    /**
     * Every page for a filter, through the planner (the twin) and through ByOwner with the whole filter residual.
     * Both read with a budget the whole corpus fits in: where it binds, a residual read ends its pages short
     * where the twin's key skips the rejected entries, so the pages are equal only where it does not.
     */
    const pagesBoth = async (filter: ImageFilter, limit: number) => {
      const unbound = { readBudget: 2 * owned().length };
      const twin: string[][] = [];
      const residual: string[][] = [];
      let twinToken: string | null = null;
      let residualToken: string | null = null;
      do {
        const planned = { ...plan(filter, limit, twinToken, a), ...unbound };
        const page = await log.query(planned);
        twin.push(page.items.map((i) => i.id));
        twinToken = nextTokenFor(page, planned);
      } while (twinToken);
      do {
        const planned = plan(filter, limit, residualToken, a);
        const { detectedAnimal, status, uncertain, minConfidence } = planned.tokenBinding.filter;
        const { owner: _twinOwner, ...rest } = planned;
        const onOwner: ImageQueryPlan = {
          ...rest,
          ...unbound,
          index: 'byOwner',
          partitionValue: 'sub-a',
          residual: {
            ...(detectedAnimal ? { detectedAnimal } : {}),
            ...(status ? { status } : {}),
            ...(typeof uncertain === 'boolean' ? { uncertain } : {}),
            ...(typeof minConfidence === 'number' ? { minConfidence } : {}),
          },
        };
        const page = await log.query(onOwner);
        residual.push(page.items.map((i) => i.id));
        residualToken = nextTokenFor(page, planned);
      } while (residualToken);
      return { twin, residual };
    };

    it('queries the twin by owner and sharded key, never a global index, the rest a FilterExpression', async () => {
      serve(owned());
      await log.query(plan({ detectedAnimal: 'CAT', minConfidence: 90 }, 3, null, a));
      const inputs = ddb.commandCalls(QueryCommand).map((c) => c.args[0].input);
      expect(inputs[0]).toMatchObject({
        IndexName: 'ByOwnerAnimal',
        KeyConditionExpression: '#owner = :owner AND #pk = :pk',
        ExpressionAttributeNames: { '#owner': 'Owner', '#pk': 'AnimalPK' },
        ExpressionAttributeValues: { ':owner': 'sub-a', ':minConfidence': 90 },
        FilterExpression: 'ConfidenceScore >= :minConfidence',
        ScanIndexForward: false,
      });
      expect([...new Set(inputs.map((i) => i.ExpressionAttributeValues![':pk']))].sort()).toEqual(['cat#0', 'cat#1', 'cat#2', 'cat#3']);
      expect(inputs.every((i) => i.IndexName === 'ByOwnerAnimal')).toBe(true);
    });

    it.each(filters.map((f) => [f]))('pages %j exactly as ByOwner with the filter residual would: same items, same order, same pages', async (filter) => {
      const items = owned();
      serve(items);
      const { twin, residual } = await pagesBoth(filter, 7);
      expect(twin.flat().length).toBeGreaterThan(0);
      const expected = newestFirst(items.filter((i) => i.Owner === 'sub-a' && itemMatches(i, filter)));
      expect(twin.flat()).toEqual(expected);
      expect(residual).toEqual(twin);
      // Pages are full until the last: the twin's key reads no entry the filter would reject.
      expect(twin.slice(0, -1).every((p) => p.length === 7)).toBe(true);
    });

    it("never yields another owner's image through any twin, whatever the filter", async () => {
      const items = owned();
      serve(items);
      const ofB = new Set(items.filter((i) => i.Owner === 'sub-b').map((i) => i.ImageID));
      for (const filter of [...filters, {}]) {
        const { twin } = await pagesBoth(filter, 25);
        expect(twin.flat().filter((id) => ofB.has(id))).toEqual([]);
      }
    });

    it("reads a selective filter's page from the twin in one round, without spending the read budget", async () => {
      serve(owned());
      const page = await log.query(plan({ status: 'FAILED' }, 24, null, a));
      expect(page.items).toHaveLength(24);
      const calls = ddb.commandCalls(QueryCommand);
      expect(calls).toHaveLength(SHARDS);
      expect(calls.every((c) => c.args[0].input.FilterExpression === undefined)).toBe(true);
    });
  });

  it('turns a failing Query into a retryable DependencyUnavailable', async () => {
    ddb.on(QueryCommand).rejects(new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} }));
    await expect(log.query(plan({}, 5))).rejects.toMatchObject({ code: 'DependencyUnavailable' });
  });
});
