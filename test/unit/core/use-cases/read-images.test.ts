import type { CallerScope } from '../../../../functions/core/caller-scope';
import type { ImageRecord } from '../../../../functions/core/domain';
import { ValidationError } from '../../../../functions/core/errors';
import type { QueryImagesArgs } from '../../../../graphql/types';
import { planImageQuery } from '../../../../functions/core/image-query';
import { imageUrls, readImages } from '../../../../functions/core/use-cases/read-images';
import { fixedClock, InMemoryDetectionLog, pendingRecord, RecordingSigner } from '../support/in-memory-ports';

const at = (i: number) => new Date(Date.UTC(2026, 10, 22, 0, 0, i)).toISOString();

const everyone: CallerScope = { kind: 'everyone' };
const ownerA: CallerScope = { kind: 'owner', owner: 'owner-a' };
const ownerB: CallerScope = { kind: 'owner', owner: 'owner-b' };

/** Images img-000... alternately owned by owner-a (even) and owner-b (odd). */
const seed = async (log: InMemoryDetectionLog, count: number) => {
  for (let i = 0; i < count; i += 1) {
    const animal = (['CAT', 'DOG', 'OTHER'] as const)[i % 3]!;
    const record: ImageRecord = {
      ...pendingRecord(`img-${String(i).padStart(3, '0')}`, { createdAt: at(i), updatedAt: at(i), owner: i % 2 === 0 ? 'owner-a' : 'owner-b' }),
      status: 'COMPLETED',
      detectedAnimal: animal,
      confidence: 50 + (i % 50),
      uncertain: i % 5 === 0,
      objectKey: `${animal.toLowerCase()}s/img-${i}.jpg`,
      // Records filed before thumbnails existed have none.
      ...(i % 2 === 0 ? { thumbnailKey: `thumbnails/img-${i}.webp` } : {}),
    };
    await log.createPending(record);
  }
};

describe('readImages', () => {
  it('pages newest first with full pages and a nextToken only while more remain', async () => {
    const log = new InMemoryDetectionLog();
    await seed(log, 45);
    const seen: string[] = [];
    let nextToken: string | null | undefined;
    const sizes: number[] = [];
    do {
      const page = await readImages({ log }, everyone, { limit: 20, nextToken });
      sizes.push(page.items.length);
      seen.push(...page.items.map((i) => i.createdAt));
      nextToken = page.nextToken;
    } while (nextToken);
    expect(sizes).toEqual([20, 20, 5]);
    expect(new Set(seen).size).toBe(45);
    expect(seen).toEqual([...seen].sort().reverse());
  });

  it('filters, and maps records to GraphQL images', async () => {
    const log = new InMemoryDetectionLog();
    await seed(log, 30);
    const page = await readImages({ log }, everyone, { filter: { detectedAnimal: 'DOG', uncertain: true } });
    expect(page.items.length).toBeGreaterThan(0);
    expect(page.items.every((i) => i.detectedAnimal === 'DOG' && i.uncertain === true)).toBe(true);
    expect(page.nextToken).toBeNull();
  });

  it('pages 8 write shards exactly as one partition: same pages, same order, for every filter', async () => {
    const single = new InMemoryDetectionLog(1);
    const sharded = new InMemoryDetectionLog(8);
    await seed(single, 137);
    await seed(sharded, 137);
    const readAll = async (log: InMemoryDetectionLog, filter: QueryImagesArgs['filter'], limit: number) => {
      const pages: string[][] = [];
      let nextToken: string | null | undefined;
      do {
        const page = await readImages({ log }, everyone, { filter, limit, nextToken });
        pages.push(page.items.map((i) => i.id));
        nextToken = page.nextToken;
      } while (nextToken);
      return pages;
    };
    const filters: Array<QueryImagesArgs['filter']> = [
      undefined,
      { detectedAnimal: 'CAT' },
      { status: 'COMPLETED', minConfidence: 90 },
      { uncertain: true },
      { uncertain: false, detectedAnimal: 'DOG' },
      { createdAfter: at(20), createdBefore: at(100) },
    ];
    for (const filter of filters) {
      for (const limit of [1, 7, 20, 100]) {
        const expected = await readAll(single, filter, limit);
        expect(expected.flat().length).toBeGreaterThan(0);
        expect(await readAll(sharded, filter, limit)).toEqual(expected);
      }
    }
  });

  it('answers a classification filter with a status other than COMPLETED with an empty, final page, reading nothing', async () => {
    const log = new InMemoryDetectionLog(8);
    await seed(log, 30);
    // A record in each other status, through the log's own transitions: never uploaded, being processed, failed.
    await log.createPending(pendingRecord('pending', { createdAt: at(60) }));
    await log.createPending(pendingRecord('processing', { createdAt: at(61) }));
    await log.claimForProcessing('processing', at(62));
    await log.createPending(pendingRecord('failed', { createdAt: at(63) }));
    await log.claimForProcessing('failed', at(64));
    await log.fail('failed', 'ProcessingTimedOut', at(65));
    // A completed record cannot fail afterwards: a classification stays with COMPLETED.
    expect(await log.fail('img-000', 'late', at(66))).toBe(false);

    const impossible = (['PENDING', 'PROCESSING', 'FAILED'] as const).flatMap((status) =>
      [{ detectedAnimal: 'CAT' as const }, { uncertain: true }, { uncertain: false }, { minConfidence: 0 }].map((extra) => ({ status, ...extra })),
    );
    const query = jest.spyOn(log, 'query');
    for (const filter of impossible) expect(await readImages({ log }, everyone, { filter })).toEqual({ items: [], nextToken: null });
    expect(query).not.toHaveBeenCalled();
    query.mockRestore();
    // Reading would have found nothing either; the status alone, or COMPLETED with a classification, is read.
    for (const filter of impossible) expect((await log.query(planImageQuery(everyone, filter, 20, null, 8))).items).toEqual([]);
    expect((await readImages({ log }, everyone, { filter: { status: 'FAILED' } })).items.map((i) => i.id)).toEqual(['failed']);
    expect((await readImages({ log }, everyone, { filter: { status: 'COMPLETED', minConfidence: 0 }, limit: 100 })).items).toHaveLength(30);
  });

  it('rejects a token from another filter', async () => {
    const log = new InMemoryDetectionLog();
    await seed(log, 30);
    const first = await readImages({ log }, everyone, { limit: 2, filter: { detectedAnimal: 'CAT' } });
    await expect(readImages({ log }, everyone, { limit: 2, nextToken: first.nextToken })).rejects.toMatchObject({ code: 'InvalidNextToken' });
  });
});

describe('readImages, scoped to the caller', () => {
  it("gives an owner only its own images, paged from ByOwner, with every filter", async () => {
    const log = new InMemoryDetectionLog();
    await seed(log, 40);
    const seen: string[] = [];
    let nextToken: string | null | undefined;
    do {
      const page = await readImages({ log }, ownerA, { limit: 7, nextToken });
      seen.push(...page.items.map((i) => i.id));
      expect(page.items.every((i) => i.owner === 'owner-a')).toBe(true);
      nextToken = page.nextToken;
    } while (nextToken);
    expect(seen).toHaveLength(20);
    const dogs = await readImages({ log }, ownerA, { filter: { detectedAnimal: 'DOG', uncertain: true } });
    expect(dogs.items.map((i) => i.id)).toEqual(
      [...log.records.values()]
        .filter((r) => r.owner === 'owner-a' && r.detectedAnimal === 'DOG' && r.uncertain)
        .map((r) => r.id)
        .sort()
        .reverse(),
    );
  });

  it("refuses another owner's nextToken", async () => {
    const log = new InMemoryDetectionLog();
    await seed(log, 10);
    const first = await readImages({ log }, ownerA, { limit: 2 });
    await expect(readImages({ log }, ownerB, { limit: 2, nextToken: first.nextToken })).rejects.toMatchObject({ code: 'InvalidNextToken' });
    await expect(readImages({ log }, everyone, { limit: 2, nextToken: first.nextToken })).rejects.toMatchObject({ code: 'InvalidNextToken' });
  });

  it('gives analysts everyone\'s images and a caller without a scope nothing', async () => {
    const log = new InMemoryDetectionLog();
    await seed(log, 10);
    const all = await readImages({ log }, everyone, { limit: 100 });
    expect(new Set(all.items.map((i) => i.owner))).toEqual(new Set(['owner-a', 'owner-b']));
    await expect(readImages({ log }, { kind: 'none' }, {})).rejects.toMatchObject({ code: 'Unauthorized' });
  });
});

describe('imageUrls', () => {
  it('signs only filed images, once each, in the order asked', async () => {
    const log = new InMemoryDetectionLog();
    await seed(log, 3);
    await log.createPending(pendingRecord('still-pending'));
    const urls = await imageUrls({ log, signer: new RecordingSigner(), clock: fixedClock('2026-11-22T03:00:00.000Z') }, everyone, [
      'img-002',
      'still-pending',
      'missing',
      'img-000',
      'img-002',
    ]);
    expect(urls).toEqual([
      { id: 'img-002', url: 'https://bucket.example/others/img-2.jpg?expires=900', expiresAt: '2026-11-22T03:15:00.000Z' },
      { id: 'img-000', url: 'https://bucket.example/cats/img-0.jpg?expires=900', expiresAt: '2026-11-22T03:15:00.000Z' },
    ]);
  });

  it('refuses more than 100 ids', async () => {
    const deps = { log: new InMemoryDetectionLog(), signer: new RecordingSigner(), clock: fixedClock() };
    const ids = Array.from({ length: 101 }, (_, i) => `id-${i}`);
    await expect(imageUrls(deps, everyone, ids)).rejects.toBeInstanceOf(ValidationError);
    await expect(imageUrls(deps, everyone, ids.slice(0, 100))).resolves.toEqual([]);
  });

  it("leaves out someone else's images exactly like missing ones", async () => {
    const log = new InMemoryDetectionLog();
    await seed(log, 4);
    const deps = { log, signer: new RecordingSigner(), clock: fixedClock() };
    expect((await imageUrls(deps, ownerA, ['img-000', 'img-001', 'img-002', 'missing'])).map((u) => u.id)).toEqual(['img-000', 'img-002']);
    expect((await imageUrls(deps, ownerB, ['img-000', 'img-001', 'img-002', 'missing'])).map((u) => u.id)).toEqual(['img-001']);
    await expect(imageUrls(deps, { kind: 'none' }, ['img-000'])).rejects.toMatchObject({ code: 'Unauthorized' });
  });

  it('signs thumbnails for the THUMBNAIL variant, leaving out images that have none', async () => {
    const log = new InMemoryDetectionLog();
    await seed(log, 3);
    const deps = { log, signer: new RecordingSigner(), clock: fixedClock('2026-11-22T03:00:00.000Z') };
    const urls = await imageUrls(deps, everyone, ['img-000', 'img-001', 'img-002'], 'THUMBNAIL');
    expect(urls.map((u) => u.url)).toEqual([
      'https://bucket.example/thumbnails/img-0.webp?expires=900',
      'https://bucket.example/thumbnails/img-2.webp?expires=900',
    ]);
    // ORIGINAL is the default, as for clients that never send a variant.
    expect((await imageUrls(deps, everyone, ['img-001'], null)).map((u) => u.url)).toEqual(['https://bucket.example/dogs/img-1.jpg?expires=900']);
  });

  it('refuses an unknown variant by name', async () => {
    const deps = { log: new InMemoryDetectionLog(), signer: new RecordingSigner(), clock: fixedClock() };
    await expect(imageUrls(deps, everyone, ['x'], 'HUGE' as never)).rejects.toMatchObject({ code: 'InvalidArgument' });
  });
});
