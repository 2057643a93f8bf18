import { ConditionalCheckFailedException, ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { documentClient } from '../../../functions/adapters/clients/dynamodb';
import { DynamoDbDetectionLog } from '../../../functions/adapters/dynamodb-detection-log';
import { DuplicateImageError, TransientError } from '../../../functions/core/errors';
import { nextTokenFor, planImageQuery, type ImageFilter } from '../../../functions/core/image-query';
import { type DetectionLogItem, recordToItem } from '../../../functions/core/record-mapping';
import { pendingRecord } from '../core/support/in-memory-ports';

const ddb = mockClient(DynamoDBDocumentClient);
const TABLE = 'serverlessapp-test-detection-logs';
const log = new DynamoDbDetectionLog(documentClient('us-east-1'), TABLE);

const conditionFailed = () => new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });

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
        ListPK: 'IMAGE',
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
      ':uncertainKey': 'UNCERTAIN',
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
    await expect(log.markProcessing('img-1', 'now')).resolves.toBe(false);
    await expect(log.fail('img-1', 'NotAnImage: x', 'now')).resolves.toBe(false);
  });

  it('records FailureReason on fail', async () => {
    ddb.on(UpdateCommand).resolves({});
    await log.fail('img-1', 'NotAnImage: x', '2026-11-22T03:00:00.000Z');
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      ExpressionAttributeValues: expect.objectContaining({ ':next': 'failed', ':reason': 'NotAnImage: x' }),
    });
  });

  it('turns any other DynamoDB error into a retryable DependencyUnavailable', async () => {
    ddb.on(UpdateCommand).rejects(new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} }));
    ddb.on(GetCommand).rejects(new Error('socket hang up'));
    await expect(log.markProcessing('img-1', 'now')).rejects.toMatchObject({ code: 'DependencyUnavailable', retryable: true });
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
});

/**
 * A DynamoDB Query over one index, as DynamoDB behaves: newest first, resume strictly after
 * ExclusiveStartKey, Limit counts items EVALUATED, then the FilterExpression drops non-matches.
 */
const fakeQuery = (items: DetectionLogItem[]) => (input: QueryCommandInput) => {
  const names = input.ExpressionAttributeNames ?? {};
  const values = input.ExpressionAttributeValues ?? {};
  const pk = names['#pk']!;
  const field = (item: DetectionLogItem, name: string) => (item as unknown as Record<string, unknown>)[name];
  let rows = items
    .filter((i) => field(i, pk) === values[':pk'])
    .filter((i) => values[':after'] === undefined || i.CreatedAt >= (values[':after'] as string))
    .filter((i) => values[':before'] === undefined || i.CreatedAt <= (values[':before'] as string))
    .sort((a, b) => b.CreatedAt.localeCompare(a.CreatedAt));
  if (input.ExclusiveStartKey) rows = rows.slice(rows.findIndex((r) => r.ImageID === input.ExclusiveStartKey!.ImageID) + 1);
  const evaluated = rows.slice(0, input.Limit ?? rows.length);
  const more = rows.length > evaluated.length;
  const matches = evaluated.filter(
    (i) =>
      (values[':minConfidence'] === undefined || (i.ConfidenceScore ?? -1) >= (values[':minConfidence'] as number)) &&
      (values[':animal'] === undefined || i.DetectedAnimal === values[':animal']) &&
      (values[':status'] === undefined || i.ProcessingStatus === values[':status']) &&
      (values[':uncertain'] === undefined || i.Uncertain === values[':uncertain']),
  );
  const last = evaluated[evaluated.length - 1];
  return {
    Items: matches,
    LastEvaluatedKey: more && last ? { ImageID: last.ImageID, [pk]: field(last, pk), CreatedAt: last.CreatedAt } : undefined,
  };
};

const corpus = (count: number): DetectionLogItem[] =>
  Array.from({ length: count }, (_, i) =>
    recordToItem({
      ...pendingRecord(`img-${String(i).padStart(4, '0')}`, {
        createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
      }),
      status: 'COMPLETED',
      detectedAnimal: i % 2 ? 'CAT' : 'DOG',
      // Only one image in 37 is this confident: most DynamoDB pages hold no match at all.
      confidence: i % 37 === 0 ? 99 : 60,
      uncertain: false,
    }),
  );

const readAll = async (filter: ImageFilter, limit: number) => {
  const pages: string[][] = [];
  let nextToken: string | null = null;
  do {
    const plan = planImageQuery(filter, limit, nextToken);
    const page = await log.query(plan);
    pages.push(page.items.map((i) => i.id));
    nextToken = nextTokenFor(page, filter);
  } while (nextToken);
  return pages;
};

describe('DynamoDbDetectionLog.query', () => {
  it('queries the planned index newest first, with the residual as a FilterExpression, never a Scan', async () => {
    ddb.on(QueryCommand).callsFake(fakeQuery(corpus(10)));
    await log.query(planImageQuery({ detectedAnimal: 'CAT', minConfidence: 90, createdAfter: '2026-01-01T00:00:00Z' }, 3));
    expect(ddb.commandCalls(QueryCommand)[0]!.args[0].input).toMatchObject({
      TableName: TABLE,
      IndexName: 'ByAnimal',
      KeyConditionExpression: '#pk = :pk AND #sk >= :after',
      ExpressionAttributeNames: { '#pk': 'DetectedAnimal', '#sk': 'CreatedAt' },
      ExpressionAttributeValues: { ':pk': 'cat', ':after': '2026-01-01T00:00:00.000Z', ':minConfidence': 90 },
      FilterExpression: 'ConfidenceScore >= :minConfidence',
      ScanIndexForward: false,
    });
    expect(ddb.calls().every((c) => c.args[0] instanceof QueryCommand)).toBe(true);
  });

  it('reads on past empty filtered pages: every page is full while a nextToken is set', async () => {
    const items = corpus(1000);
    ddb.on(QueryCommand).callsFake(fakeQuery(items));
    const pages = await readAll({ minConfidence: 90 }, 10);
    const expected = items
      .filter((i) => i.ConfidenceScore === 99)
      .sort((a, b) => b.CreatedAt.localeCompare(a.CreatedAt))
      .map((i) => i.ImageID);
    expect(pages.flat()).toEqual(expected);
    expect(pages.map((p) => p.length)).toEqual([10, 10, 8]);
    // 28 matches spread over 1,000 items cannot come from one DynamoDB page per GraphQL page.
    expect(ddb.commandCalls(QueryCommand).length).toBeGreaterThan(pages.length);
  });

  it('sets no nextToken when the last page ends exactly at the last match', async () => {
    const items = corpus(40); // 20 cats
    ddb.on(QueryCommand).callsFake(fakeQuery(items));
    const pages = await readAll({ detectedAnimal: 'CAT' }, 10);
    expect(pages.map((p) => p.length)).toEqual([10, 10]);
  });

  it('asks for one item more than the page on an unfiltered index, to know whether more exist', async () => {
    ddb.on(QueryCommand).callsFake(fakeQuery(corpus(3)));
    const page = await log.query(planImageQuery({}, 5));
    expect(page.items).toHaveLength(3);
    expect(page.lastKey).toBeUndefined();
    expect(ddb.commandCalls(QueryCommand)[0]!.args[0].input.Limit).toBe(6);
  });
});
