/**
 * The ImageStats store on DynamoDB Local: packed counter items (a month of days, a day of hours) read back
 * as the buckets every image was counted in, exactly once per image, and a table kept from the one-item-
 * per-bucket layout migrated at start-up to the same answers.
 */
import {
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { counterQuery, DynamoDbStatsStore } from '../../../functions/adapters/dynamodb-stats-store';
import type { ImageRecord } from '../../../functions/core/domain';
import { ALL_SCOPE, bucketStart, counterKeysOf, countsOf, fillBuckets, ownerScope, planStatsRange, type StatsBucket, type StatsGranularity } from '../../../functions/core/image-stats';
import type { CountedImage } from '../../../functions/core/ports';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../../local/common/naming';
import { startDynamoDbLocal, type DynamoDbLocal } from '../../../local/emulators/dynamodb-local';
import { StatsLayoutError } from '../../../local/provision/image-stats-layout';
import { ensureImageStatsTable } from '../../../local/provision/table';

jest.setTimeout(120_000);

let dynamo: DynamoDbLocal;
let ddb: DynamoDBClient;
let doc: DynamoDBDocumentClient;

beforeAll(async () => {
  dynamo = await startDynamoDbLocal({});
  ddb = new DynamoDBClient({ region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, endpoint: dynamo.endpoint });
  doc = DynamoDBDocumentClient.from(ddb);
});

afterAll(async () => {
  ddb?.destroy();
  await dynamo?.stop();
});

type Final = Pick<ImageRecord, 'id' | 'owner' | 'createdAt' | 'status' | 'detectedAnimal' | 'uncertain'>;

const ANIMALS = ['CAT', 'DOG', 'OTHER'] as const;
/** Final images over 14 months (2024-01-28 to 2025-03): month ends, a leap year, every hour, every kind of count, two owners. */
const images = (count: number, prefix: string): Final[] =>
  Array.from({ length: count }, (_, i) => ({
    id: `${prefix}-${i}`,
    owner: i % 3 === 0 ? 'owner-a' : 'owner-b',
    createdAt: new Date(Date.UTC(2024, 0, 28) + i * 90_713_000 + (i % 5) * 3_600_000).toISOString(),
    status: i % 11 === 0 ? 'FAILED' : 'COMPLETED',
    ...(i % 11 === 0 ? {} : { detectedAnimal: ANIMALS[i % 3], uncertain: i % 4 === 0 }),
  }));

const counted = (list: readonly Final[]): CountedImage[] => list.map((r) => ({ id: r.id, counters: counterKeysOf(r), counts: countsOf(r) }));

/** What the buckets must hold: each image's counts added to its bucket, counted naively, one by one. */
const expected = (list: readonly Final[], scope: string, from: string, to: string, granularity: StatsGranularity): StatsBucket[] => {
  const range = planStatsRange(scope, from, to, granularity);
  const sums = new Map<number, ReturnType<typeof countsOf>>();
  for (const r of list) {
    if (scope !== ALL_SCOPE && scope !== ownerScope(r.owner ?? '')) continue;
    const start = bucketStart(Date.parse(r.createdAt), granularity);
    const sum = sums.get(start) ?? { total: 0, cats: 0, dogs: 0, others: 0, uncertain: 0, failed: 0 };
    const add = countsOf(r);
    for (const name of Object.keys(sum) as Array<keyof typeof sum>) sum[name] += add[name];
    sums.set(start, sum);
  }
  return fillBuckets(range, [...sums].map(([startMs, counts]) => ({ startMs, counts })));
};

const read = async (store: DynamoDbStatsStore, scope: string, from: string, to: string, granularity: StatsGranularity): Promise<StatsBucket[]> => {
  const range = planStatsRange(scope, from, to, granularity);
  return fillBuckets(range, await store.read(range));
};

describe('packed counters', () => {
  const table = 'packed';
  let store: DynamoDbStatsStore;
  const all = images(400, 'img');

  beforeAll(async () => {
    await ensureImageStatsTable(ddb, table);
    store = new DynamoDbStatsStore(doc, table);
    // Two batches at once, interleaved, so they touch the same month and day items: conflicts are retried.
    const [first, second] = await Promise.all([
      store.countOnce(counted(all.filter((_, i) => i % 2 === 0))),
      store.countOnce(counted(all.filter((_, i) => i % 2 === 1))),
    ]);
    expect(first + second).toBe(400);
  });

  it.each([
    ['ALL', 'DAY', '2024-01-15T00:00:00Z', '2025-04-20T00:00:00Z'],
    ['OWNER#owner-a', 'DAY', '2024-01-28T06:00:00Z', '2024-12-31T00:00:00Z'],
    ['ALL', 'HOUR', '2024-02-20T00:00:00Z', '2024-03-20T00:00:00Z'],
    ['OWNER#owner-b', 'HOUR', '2024-12-20T20:00:00Z', '2025-01-10T04:00:00Z'],
  ] as const)('%s per %s from %s to %s equals the images counted one by one, empty buckets included', async (scope, granularity, from, to) => {
    const buckets = await read(store, scope, from, to, granularity);
    expect(buckets).toEqual(expected(all, scope, from, to, granularity));
    expect(buckets.some((b) => b.total === 0)).toBe(true);
    expect(buckets.reduce((sum, b) => sum + b.total, 0)).toBeGreaterThan(0);
  });

  it('reads a year of days from 13 items in one Query', async () => {
    const range = planStatsRange(ALL_SCOPE, '2024-02-15T00:00:00Z', '2025-02-14T00:00:00Z', 'DAY');
    const out = await ddb.send(new QueryCommand(counterQuery(table, range)));
    expect(out.Items).toHaveLength(13);
    expect(out.LastEvaluatedKey).toBeUndefined();
    const year = fillBuckets(range, await store.read(range));
    expect(year).toHaveLength(365);
    expect(year).toEqual(expected(all, ALL_SCOPE, '2024-02-15T00:00:00Z', '2025-02-14T00:00:00Z', 'DAY'));
  });

  it('adds nothing for images counted before, and counts the new ones of a mixed batch', async () => {
    expect(await store.countOnce(counted(all.slice(100, 300)))).toBe(0);
    const more = images(30, 'more');
    expect(await store.countOnce(counted([...all.slice(0, 50), ...more]))).toBe(30);
    const from = '2024-01-01T00:00:00Z';
    const to = '2025-06-01T00:00:00Z';
    expect(await read(store, ALL_SCOPE, from, to, 'DAY')).toEqual(expected([...all, ...more], ALL_SCOPE, from, to, 'DAY'));
  });

  it('reads a counter written in exponent form', async () => {
    const Key = { StatsKey: { S: 'OWNER#exp#D' }, Bucket: { S: '2026-03' } };
    await ddb.send(new PutItemCommand({ TableName: table, Item: { ...Key, a7: { N: '3.000000000002000000000001E+24' }, b7: { N: '1E+12' } } }));
    const [bucket] = await read(store, 'OWNER#exp', '2026-03-07T00:00:00Z', '2026-03-08T00:00:00Z', 'DAY');
    expect(bucket).toEqual({ start: '2026-03-07T00:00:00.000Z', total: 3, cats: 2, dogs: 1, others: 0, uncertain: 1, failed: 0 });
  });
});

describe('a table kept from the one-item-per-bucket layout', () => {
  const v1Counter = (key: string, bucket: string, total: number, cats: number, failed: number) => ({
    StatsKey: { S: key },
    Bucket: { S: bucket },
    Total: { N: String(total) },
    Cats: { N: String(cats) },
    Dogs: { N: '0' },
    Others: { N: '0' },
    Uncertain: { N: '0' },
    Failed: { N: String(failed) },
  });
  const V1 = [
    v1Counter('ALL#DAY', '2026-10-31T00:00:00.000Z', 5, 4, 1),
    v1Counter('ALL#DAY', '2026-11-01T00:00:00.000Z', 2, 2, 0),
    v1Counter('ALL#HOUR', '2026-10-31T23:00:00.000Z', 5, 4, 1),
    v1Counter('ALL#HOUR', '2026-11-01T00:00:00.000Z', 2, 2, 0),
    v1Counter('OWNER#u1#DAY', '2026-10-31T00:00:00.000Z', 3, 3, 0),
    v1Counter('OWNER#u1#HOUR', '2026-10-31T23:00:00.000Z', 3, 3, 0),
  ];
  const LAYOUT_KEY = { StatsKey: { S: 'LAYOUT' }, Bucket: { S: '-' } };
  const MARKER = { StatsKey: { S: 'COUNTED#image-1' }, Bucket: { S: '-' }, ExpiresAt: { N: '1900000000' } };

  /** A table as the previous version left it: the same keys, no layout item, counters one item per bucket. */
  const keptTable = async (name: string): Promise<void> => {
    await ensureImageStatsTable(ddb, name);
    await ddb.send(new DeleteItemCommand({ TableName: name, Key: LAYOUT_KEY }));
    for (const Item of [...V1, MARKER]) await ddb.send(new PutItemCommand({ TableName: name, Item }));
  };

  const answers = async (table: string) => {
    const store = new DynamoDbStatsStore(doc, table);
    return {
      days: await read(store, ALL_SCOPE, '2026-10-30T00:00:00Z', '2026-11-02T00:00:00Z', 'DAY'),
      hours: await read(store, ALL_SCOPE, '2026-10-31T22:00:00Z', '2026-11-01T02:00:00Z', 'HOUR'),
      owner: await read(store, 'OWNER#u1', '2026-10-31T00:00:00Z', '2026-11-01T00:00:00Z', 'DAY'),
    };
  };
  const zero = { total: 0, cats: 0, dogs: 0, others: 0, uncertain: 0, failed: 0 };
  const WANT = {
    days: [
      { start: '2026-10-30T00:00:00.000Z', ...zero },
      { start: '2026-10-31T00:00:00.000Z', ...zero, total: 5, cats: 4, failed: 1 },
      { start: '2026-11-01T00:00:00.000Z', ...zero, total: 2, cats: 2 },
    ],
    hours: [
      { start: '2026-10-31T22:00:00.000Z', ...zero },
      { start: '2026-10-31T23:00:00.000Z', ...zero, total: 5, cats: 4, failed: 1 },
      { start: '2026-11-01T00:00:00.000Z', ...zero, total: 2, cats: 2 },
      { start: '2026-11-01T01:00:00.000Z', ...zero },
    ],
    owner: [{ start: '2026-10-31T00:00:00.000Z', ...zero, total: 3, cats: 3 }],
  };

  it('is migrated at start-up: the same counts, the old counters gone, the image markers kept, and a second start changes nothing', async () => {
    await keptTable('kept-v1');
    await ensureImageStatsTable(ddb, 'kept-v1');
    expect(await answers('kept-v1')).toEqual(WANT);
    const { Items = [] } = await ddb.send(new ScanCommand({ TableName: 'kept-v1' }));
    expect(Items.filter((i) => /#(DAY|HOUR)$/.test(i.StatsKey?.S ?? ''))).toEqual([]);
    expect(Items.some((i) => i.StatsKey?.S === 'COUNTED#image-1')).toBe(true);
    await ensureImageStatsTable(ddb, 'kept-v1');
    expect(await answers('kept-v1')).toEqual(WANT);
  });

  it('comes to the same counts when a start died after writing the packed items, before marking the layout', async () => {
    await keptTable('kept-crash');
    await ensureImageStatsTable(ddb, 'kept-crash');
    // Put back what a crash before the layout item leaves: the old counters whole, no layout item.
    await ddb.send(new DeleteItemCommand({ TableName: 'kept-crash', Key: LAYOUT_KEY }));
    for (const Item of V1) await ddb.send(new PutItemCommand({ TableName: 'kept-crash', Item }));
    await ensureImageStatsTable(ddb, 'kept-crash');
    expect(await answers('kept-crash')).toEqual(WANT);
  });

  it('counts on from the migrated counters', async () => {
    await keptTable('kept-on');
    await ensureImageStatsTable(ddb, 'kept-on');
    const store = new DynamoDbStatsStore(doc, 'kept-on');
    await store.countOnce(counted([{ id: 'new-1', owner: 'u1', createdAt: '2026-10-31T23:30:00.000Z', status: 'COMPLETED', detectedAnimal: 'DOG', uncertain: false }]));
    const { days, owner } = await answers('kept-on');
    expect(days[1]).toEqual({ start: '2026-10-31T00:00:00.000Z', ...zero, total: 6, cats: 4, dogs: 1, failed: 1 });
    expect(owner[0]).toEqual({ start: '2026-10-31T00:00:00.000Z', ...zero, total: 4, cats: 3, dogs: 1 });
  });

  it('a layout this version does not know is refused with StatsLayoutError, naming --reset', async () => {
    await ensureImageStatsTable(ddb, 'from-the-future');
    await ddb.send(
      new UpdateItemCommand({
        TableName: 'from-the-future',
        Key: LAYOUT_KEY,
        UpdateExpression: 'SET Version = :v',
        ExpressionAttributeValues: { ':v': { N: '3' } },
      }),
    );
    const refused = ensureImageStatsTable(ddb, 'from-the-future');
    await expect(refused).rejects.toBeInstanceOf(StatsLayoutError);
    await expect(refused).rejects.toThrow(/layout 3.*--reset/);
    const { Item } = await ddb.send(new GetItemCommand({ TableName: 'from-the-future', Key: LAYOUT_KEY }));
    expect(Item?.Version?.N).toBe('3');
  });
});
