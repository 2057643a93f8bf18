/**
 * Pages of a sparse filter on DynamoDB Local, where each page's read budget binds: the shard merge emits the
 * matches its reads found above every dry shard's frontier (DynamoDB's own LastEvaluatedKey on a filtered
 * GSI Query), resumes exactly there, and over 8 shards lists what one partition lists: every match once,
 * newest first, ties on CreatedAt included.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../../../functions/adapters/clients/dynamodb';
import { DynamoDbDetectionLog } from '../../../functions/adapters/dynamodb-detection-log';
import type { ImageRecord } from '../../../functions/core/domain';
import { type ImageFilter, nextTokenFor, planImageQuery, readBudgetFor } from '../../../functions/core/image-query';
import { indexKeys } from '../../../functions/core/index-keys';
import { recordToItem } from '../../../functions/core/record-mapping';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../../local/common/naming';
import { startDynamoDbLocal, type DynamoDbLocal } from '../../../local/emulators/dynamodb-local';
import { writeInBatches } from '../../../local/provision/batch-write';
import { ensureDetectionLogsTable } from '../../../local/provision/table';

jest.setTimeout(120_000);

const RECORDS = 3_000;
const PAGE = 24;
/** One image in 37 is this confident: fewer than 1 in 10, so every page's budget binds. */
const SPARSE: ImageFilter = { minConfidence: 99.5 };
const NONE: ImageFilter = { minConfidence: 99.95 };

let dynamo: DynamoDbLocal;
let client: DynamoDBClient;
let doc: DynamoDBDocumentClient;

/** Completed images, three to a CreatedAt second (ties), newest last. */
const records: ImageRecord[] = Array.from({ length: RECORDS }, (_, i) => {
  const at = new Date(Date.UTC(2026, 10, 1) + Math.floor(i / 3) * 1000).toISOString();
  const id = `img-${String(i).padStart(5, '0')}`;
  return {
    id,
    owner: 'sub-a',
    status: 'COMPLETED',
    fileName: `${id}.jpg`,
    fileSize: 1000,
    imageFormat: 'jpg',
    contentType: 'image/jpeg',
    objectKey: `dogs/${id}.jpg`,
    s3Location: `s3://bucket/dogs/${id}.jpg`,
    createdAt: at,
    updatedAt: at,
    classifiedAt: at,
    detectedAnimal: 'DOG',
    confidence: i % 37 === 0 ? 99.9 : 60,
    uncertain: false,
    labels: [{ name: 'Dog', confidence: 60 }],
    expiresAt: 1_900_000_000,
  };
});

const logFor = async (table: string, shards: number): Promise<DynamoDbDetectionLog> => {
  await ensureDetectionLogsTable(client, table);
  await writeInBatches(
    async (batch) => ((await doc.send(new BatchWriteCommand({ RequestItems: { [table]: batch } }))).UnprocessedItems?.[table] ?? []) as typeof batch,
    records.map((r) => ({ PutRequest: { Item: { ...recordToItem(r), ...indexKeys(r, shards) } } })),
    { concurrency: 4, onGiveUp: (left) => new Error(`${left} items unprocessed`) },
  );
  return new DynamoDbDetectionLog(doc, table, { indexShards: shards });
};

/** Every page an analyst reads for a filter, following nextToken, with what each page's Queries evaluated. */
const pagesOf = async (log: DynamoDbDetectionLog, shards: number, filter: ImageFilter) => {
  const pages: string[][] = [];
  const evaluated: number[] = [];
  let token: string | null = null;
  do {
    const plan = planImageQuery({ kind: 'everyone' }, filter, PAGE, token, shards);
    scanned = 0;
    const page = await log.query(plan);
    pages.push(page.items.map((i) => i.id));
    evaluated.push(scanned);
    token = nextTokenFor(page, plan);
  } while (token && pages.length < 100);
  return { pages, evaluated, token };
};

let scanned = 0;
let sharded: DynamoDbDetectionLog;
let single: DynamoDbDetectionLog;

beforeAll(async () => {
  dynamo = await startDynamoDbLocal({});
  const config = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, endpoint: dynamo.endpoint };
  client = new DynamoDBClient(config);
  doc = documentClient(config);
  // What each Query evaluated, as DynamoDB reports it (ScannedCount): what the read budget counts.
  doc.middlewareStack.add(
    (next) => async (args) => {
      const out = await next(args);
      scanned += (out.output as { ScannedCount?: number }).ScannedCount ?? 0;
      return out;
    },
    { step: 'initialize', name: 'countScanned' },
  );
  sharded = await logFor('sparse-8', 8);
  single = await logFor('sparse-1', 1);
});

afterAll(async () => {
  client?.destroy();
  await dynamo?.stop();
});

const matching = records.filter((r) => (r.confidence ?? 0) >= 99.5);

it('lists every match of a sparse filter once, newest first, within each page budget, over 8 shards as over one partition', async () => {
  const eight = await pagesOf(sharded, 8, SPARSE);
  const one = await pagesOf(single, 1, SPARSE);
  expect(eight.token).toBeNull();
  const ids = eight.pages.flat();
  expect([...ids].sort()).toEqual(matching.map((r) => r.id).sort());
  expect(new Set(ids).size).toBe(ids.length);
  const createdAt = new Map(records.map((r) => [r.id, r.createdAt]));
  expect(ids.every((id, i) => i === 0 || createdAt.get(ids[i - 1]!)! >= createdAt.get(id)!)).toBe(true);
  expect(one.pages.flat()).toEqual(ids);
  // No page reads past its budget, and the pages move on by half a budget or more on average (a shard that
  // ends a page with matches buffered reads them again on the next).
  expect(Math.max(...eight.evaluated)).toBeLessThanOrEqual(readBudgetFor(PAGE));
  expect(eight.pages.length).toBeLessThanOrEqual(Math.ceil((2 * RECORDS) / readBudgetFor(PAGE)));
  // Most pages carry matches: the merge emits what its reads found rather than stopping at the first dry shard.
  expect(eight.pages.filter((p) => p.length > 0).length).toBeGreaterThan(eight.pages.length / 2);
});

it('walks a filter that matches nothing in empty pages of one budget each, to a null nextToken', async () => {
  const { pages, evaluated, token } = await pagesOf(sharded, 8, NONE);
  expect(token).toBeNull();
  expect(pages.flat()).toEqual([]);
  expect(Math.max(...evaluated)).toBeLessThanOrEqual(readBudgetFor(PAGE));
  expect(evaluated.reduce((a, b) => a + b, 0)).toBe(RECORDS);
});
