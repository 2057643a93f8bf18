import type { CallerScope } from '../../../functions/core/caller-scope';
import { ValidationError } from '../../../functions/core/errors';
import { type ImageFilter, MIN_READ_BUDGET, nextTokenFor, planImageQuery, readBudgetFor } from '../../../functions/core/image-query';
import { decodeNextToken, encodeNextToken } from '../../../functions/core/page-token';

const codeOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (error) {
    if (error instanceof ValidationError) return error.code;
    throw error;
  }
  return 'accepted';
};

const everyone: CallerScope = { kind: 'everyone' };

/** A plan over a single-shard index unless said otherwise. */
const plan = (scope: CallerScope, filter: ImageFilter | undefined, limit?: number | null, nextToken?: string | null, shards = 1) =>
  planImageQuery(scope, filter, limit, nextToken, shards);

describe('images query planner', () => {
  const owner: CallerScope = { kind: 'owner', owner: 'sub-a' };

  it("reads an owner's unfiltered images from its ByOwner partition, a time window and minConfidence as for analysts", () => {
    expect(plan(owner, { minConfidence: 60, createdAfter: '2026-01-01T00:00:00Z' }, 5)).toEqual({
      index: 'byOwner',
      partitionValue: 'sub-a',
      createdAfter: '2026-01-01T00:00:00.000Z',
      residual: { minConfidence: 60 },
      limit: 5,
      readBudget: MIN_READ_BUDGET,
      positions: ['start'],
      tokenBinding: expect.any(Object),
    });
    expect(plan(owner, { uncertain: false })).toMatchObject({ index: 'byOwner', residual: { uncertain: false } });
  });

  it.each([
    [{ detectedAnimal: 'DOG' as const }, 'byOwnerAnimal', 'dog'],
    [{ status: 'FAILED' as const }, 'byOwnerStatus', 'failed'],
    [{ status: 'PENDING' as const }, 'byOwnerStatus', 'pending'],
    [{ uncertain: true }, 'byOwnerUncertain', 'UNCERTAIN'],
  ])("serves an owner's %j from a key condition on its twin of the analysts' index", (filter, index, partitionValue) => {
    expect(plan(owner, filter, 10)).toEqual({
      index,
      partitionValue,
      owner: 'sub-a',
      residual: {},
      limit: 10,
      readBudget: MIN_READ_BUDGET,
      positions: ['start'],
      tokenBinding: expect.objectContaining({ index, partitionValue, owner: 'sub-a' }),
    });
  });

  it("picks the owner's twin of the index an analyst's same filter would use, the rest residual", () => {
    const filters: ImageFilter[] = [
      { uncertain: true, detectedAnimal: 'CAT', status: 'COMPLETED', minConfidence: 55 },
      { detectedAnimal: 'CAT', status: 'COMPLETED' },
      { detectedAnimal: 'OTHER', uncertain: false },
      { status: 'COMPLETED', minConfidence: 90, createdBefore: '2026-02-01T00:00:00Z' },
    ];
    const twinOf: Record<string, string> = { byUncertain: 'byOwnerUncertain', byAnimal: 'byOwnerAnimal', byStatus: 'byOwnerStatus' };
    for (const filter of filters) {
      const analysts = plan(everyone, filter);
      const owners = plan(owner, filter);
      expect(owners.index).toBe(twinOf[analysts.index]);
      expect({ ...owners.residual, partitionValue: owners.partitionValue }).toEqual({ ...analysts.residual, partitionValue: analysts.partitionValue });
    }
  });

  it('never plans a global index for an owner, nor an owner key for an analyst', () => {
    const globals = ['byCreatedAt', 'byAnimal', 'byStatus', 'byUncertain'];
    const filters: ImageFilter[] = [{}, { detectedAnimal: 'CAT' }, { status: 'FAILED' }, { uncertain: true }, { uncertain: false }, { minConfidence: 5 }];
    for (const filter of filters) {
      expect(globals).not.toContain(plan(owner, filter).index);
      expect(globals).toContain(plan(everyone, filter).index);
      expect(plan(everyone, filter).owner).toBeUndefined();
    }
  });

  it('bounds what a page reads by the page asked for, whatever the filter or the caller: 10 entries an item, 250 at least', () => {
    expect(plan(everyone, { minConfidence: 99 }, 100).readBudget).toBe(1010);
    expect(plan({ kind: 'owner', owner: 'sub-a' }, { minConfidence: 99 }, 100, null, 8).readBudget).toBe(1010);
    expect(plan(everyone, { detectedAnimal: 'DOG' }, 24).readBudget).toBe(250);
    expect(plan({ kind: 'owner', owner: 'sub-a' }, { detectedAnimal: 'DOG' }, 1, null, 8).readBudget).toBe(MIN_READ_BUDGET);
    expect(plan(everyone, {}, 40).readBudget).toBe(410);
    // Never below what an unfiltered page's first round over the shards may read.
    for (let limit = 1; limit <= 100; limit += 1) expect(readBudgetFor(limit)).toBeGreaterThanOrEqual(8 * Math.ceil((limit + 1) / 8 + 3 * Math.sqrt((limit + 1) / 8)));
  });

  it('plans nothing for a caller without a scope', () => {
    expect(() => plan({ kind: 'none' }, {})).toThrow('Not Authorized to access images on type Query');
  });

  it('lists every image newest first from ByCreatedAt without a filter, 20 per page', () => {
    expect(plan(everyone, undefined)).toEqual({
      index: 'byCreatedAt',
      partitionValue: 'IMAGE',
      residual: {},
      limit: 20,
      readBudget: MIN_READ_BUDGET,
      positions: ['start'],
      tokenBinding: expect.any(Object),
    });
    expect(plan(everyone, undefined, null, null, 8).positions).toEqual(Array(8).fill('start'));
    expect(plan(everyone, {}, null, null).index).toBe('byCreatedAt');
  });

  it.each([
    [{ detectedAnimal: 'DOG' as const }, 'byAnimal', 'dog'],
    [{ status: 'FAILED' as const }, 'byStatus', 'failed'],
    [{ uncertain: true }, 'byUncertain', 'UNCERTAIN'],
  ])('serves %j from a key condition on an index', (filter, index, partitionValue) => {
    expect(plan(everyone, filter, 10)).toMatchObject({ index, partitionValue, residual: {}, limit: 10 });
  });

  it('prefers the sparsest index and keeps the rest as residual filters', () => {
    const planned = plan(everyone, { uncertain: true, detectedAnimal: 'CAT', minConfidence: 55 });
    expect(planned.index).toBe('byUncertain');
    expect(planned.residual).toEqual({ detectedAnimal: 'CAT', minConfidence: 55 });
    expect(plan(everyone, { status: 'FAILED', createdAfter: '2026-01-01T00:00:00Z' })).toMatchObject({ index: 'byStatus', residual: {} });
    expect(plan(everyone, { status: 'COMPLETED', uncertain: false })).toMatchObject({ index: 'byStatus', residual: { uncertain: false } });
  });

  it('leaves status COMPLETED out of the residual where the index holds completed images only (ByAnimal, ByUncertain, their twins)', () => {
    for (const scope of [everyone, { kind: 'owner', owner: 'sub-a' } as const]) {
      expect(plan(scope, { detectedAnimal: 'CAT', status: 'COMPLETED' }).residual).toEqual({});
      expect(plan(scope, { uncertain: true, status: 'COMPLETED', minConfidence: 5 }).residual).toEqual({ minConfidence: 5 });
      // Another status stays residual: such a plan is answered without a read (matchesNothing), and would read nothing either.
      expect(plan(scope, { detectedAnimal: 'CAT', status: 'FAILED' }).residual).toEqual({ status: 'FAILED' });
    }
  });

  it('knows a classification filter with a status other than COMPLETED matches nothing, and nothing else', () => {
    const classifications: ImageFilter[] = [{ detectedAnimal: 'DOG' }, { uncertain: true }, { uncertain: false }, { minConfidence: 0 }];
    for (const scope of [everyone, { kind: 'owner', owner: 'sub-a' } as const]) {
      for (const extra of classifications) {
        for (const status of ['PENDING', 'PROCESSING', 'FAILED'] as const) expect(plan(scope, { ...extra, status }).matchesNothing).toBe(true);
        expect(plan(scope, { ...extra, status: 'COMPLETED' }).matchesNothing).toBeUndefined();
        expect(plan(scope, extra).matchesNothing).toBeUndefined();
      }
      expect(plan(scope, { status: 'FAILED', createdAfter: '2026-01-01T00:00:00Z' }).matchesNothing).toBeUndefined();
      // Nulls are no filter.
      expect(plan(scope, { status: 'FAILED', detectedAnimal: null, uncertain: null, minConfidence: null }).matchesNothing).toBeUndefined();
    }
  });

  it('cannot serve uncertain=false from the sparse index, so filters it', () => {
    expect(plan(everyone, { uncertain: false })).toMatchObject({ index: 'byCreatedAt', residual: { uncertain: false } });
  });

  it('turns the time window into sort-key bounds, normalised to UTC', () => {
    expect(plan(everyone, { createdAfter: '2026-01-01T01:00:00+01:00', createdBefore: '2026-02-01T00:00:00Z' })).toMatchObject({ createdAfter: '2026-01-01T00:00:00.000Z', createdBefore: '2026-02-01T00:00:00.000Z' });
  });

  it.each([
    [0, 'InvalidLimit'],
    [101, 'InvalidLimit'],
    [2.5, 'InvalidLimit'],
    [-1, 'InvalidLimit'],
    [1, 'accepted'],
    [100, 'accepted'],
  ])('limit %p -> %s', (limit, code) => {
    expect(codeOf(() => plan(everyone, undefined, limit))).toBe(code);
  });

  it.each([
    [{ minConfidence: 101 }],
    [{ minConfidence: -0.1 }],
    [{ createdAfter: 'yesterday' }],
    [{ createdAfter: '2026-02-01T00:00:00Z', createdBefore: '2026-01-01T00:00:00Z' }],
    [{ detectedAnimal: 'HAMSTER' }],
    [{ status: 'DONE' }],
  ])('refuses the filter %j with InvalidFilter', (filter) => {
    expect(codeOf(() => plan(everyone, filter as never))).toBe('InvalidFilter');
  });
});

describe('nextToken', () => {
  const positions = [{ createdAt: '2026-01-01T00:00:00.000Z', id: 'id-7' }, 'done', 'start'] as const;
  const filter = { detectedAnimal: 'CAT' as const };
  const binding = plan(everyone, filter, 5, null, 3).tokenBinding;

  it('is opaque base64url and resumes every shard where it stopped', () => {
    const token = encodeNextToken(positions, binding);
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(token).not.toContain('id-7');
    expect(plan(everyone, filter, 5, token, 3).positions).toEqual(positions);
  });

  it('is the same for the same filter written differently (nulls, key order)', () => {
    const page = { items: [], positions: [...positions] };
    const a = nextTokenFor(page, plan(everyone, { detectedAnimal: 'CAT', status: null }, 5, null, 3));
    expect(plan(everyone, { status: undefined, detectedAnimal: 'CAT' }, 5, a, 3).positions).toEqual(positions);
  });

  it('is null when every shard is exhausted', () => {
    expect(nextTokenFor({ items: [] }, plan(everyone, filter, 5, null, 3))).toBeNull();
  });

  it('is refused when used with another filter', () => {
    const token = encodeNextToken(positions, binding);
    expect(() => plan(everyone, { detectedAnimal: 'DOG' }, 5, token, 3)).toThrow('different filter');
    expect(codeOf(() => plan(everyone, {}, 5, token, 3))).toBe('InvalidNextToken');
  });

  it.each([{ detectedAnimal: 'CAT' as const }, { status: 'FAILED' as const }, { uncertain: true }, {}])(
    "minted on an owner's index for %j, is refused for another owner, an analyst, and another filter",
    (ownerFilter) => {
      const a: CallerScope = { kind: 'owner', owner: 'sub-a' };
      const mine = plan(a, ownerFilter, 5, null, 3);
      const token = nextTokenFor({ items: [], positions: [...positions] }, mine);
      expect(plan(a, ownerFilter, 5, token, 3).positions).toEqual(positions);
      expect(codeOf(() => plan({ kind: 'owner', owner: 'sub-b' }, ownerFilter, 5, token, 3))).toBe('InvalidNextToken');
      expect(codeOf(() => plan(everyone, ownerFilter, 5, token, 3))).toBe('InvalidNextToken');
      expect(codeOf(() => plan(a, { ...ownerFilter, minConfidence: 1 }, 5, token, 3))).toBe('InvalidNextToken');
      // And an analyst's token for the same filter does not open the owner's index.
      const analysts = nextTokenFor({ items: [], positions: [...positions] }, plan(everyone, ownerFilter, 5, null, 3));
      expect(codeOf(() => plan(a, ownerFilter, 5, analysts, 3))).toBe('InvalidNextToken');
    },
  );

  it("binds a token to its index and owner: the same positions on another index or owner's twin hash differently", () => {
    const binding = plan({ kind: 'owner', owner: 'sub-a' }, { detectedAnimal: 'CAT' }, 5, null, 3).tokenBinding;
    expect(binding).toEqual({ filter: { detectedAnimal: 'CAT' }, index: 'byOwnerAnimal', partitionValue: 'cat', owner: 'sub-a' });
    const token = encodeNextToken(positions, binding);
    expect(() => decodeNextToken(token, { ...binding, index: 'byAnimal' }, 3)).toThrow('different filter or caller');
    expect(() => decodeNextToken(token, { ...binding, owner: 'sub-b' }, 3)).toThrow('different filter or caller');
    expect(decodeNextToken(token, binding, 3)).toEqual(positions);
  });

  it("is refused for another owner's partition", () => {
    const mine = plan({ kind: 'owner', owner: 'sub-a' }, filter, 5, null, 3);
    const token = nextTokenFor({ items: [], positions: [...positions] }, mine);
    expect(plan({ kind: 'owner', owner: 'sub-a' }, filter, 5, token, 3).positions).toEqual(positions);
    expect(codeOf(() => plan({ kind: 'owner', owner: 'sub-b' }, filter, 5, token, 3))).toBe('InvalidNextToken');
    expect(codeOf(() => plan(everyone, filter, 5, token, 3))).toBe('InvalidNextToken');
  });

  it("carries a filtered page's match rate to the next plan, and only a residual filter's", () => {
    const residualFilter = { detectedAnimal: 'CAT' as const, minConfidence: 90 };
    const first = plan(everyone, residualFilter, 5, null, 3);
    expect(first.priorMatchRate).toBeUndefined();
    const token = nextTokenFor({ items: [], positions: [...positions], matchRate: { matched: 3, evaluated: 250 } }, first);
    expect(plan(everyone, residualFilter, 5, token, 3)).toMatchObject({ positions, priorMatchRate: { matched: 3, evaluated: 250 } });
    // A token without one (issued before rates were carried) still resumes.
    expect(plan(everyone, residualFilter, 5, encodeNextToken(positions, first.tokenBinding), 3).priorMatchRate).toBeUndefined();
    // A key-covered filter has no residual to size for.
    const covered = plan(everyone, filter, 5, null, 3);
    const coveredToken = nextTokenFor({ items: [], positions: [...positions], matchRate: { matched: 3, evaluated: 9 } }, covered);
    expect(plan(everyone, filter, 5, coveredToken, 3).priorMatchRate).toBeUndefined();
  });

  it.each([[[-1, 5]], [[1.5, 5]], [[6, 5]], [[1, 1e9]], [[1]], ['1,5'], [[null, 5]]])('refuses a token whose match rate is %j', (rate) => {
    const token = encodeNextToken(positions, binding, { matched: 0, evaluated: 0 });
    const body = JSON.parse(Buffer.from(token, 'base64url').toString());
    body.r = rate;
    const edited = Buffer.from(JSON.stringify(body)).toString('base64url');
    expect(() => decodeNextToken(edited, binding, 3)).toThrow('malformed');
  });

  it('is refused when its match rate was edited', () => {
    const body = JSON.parse(Buffer.from(encodeNextToken(positions, binding, { matched: 1, evaluated: 250 }), 'base64url').toString());
    body.r = [0, 250];
    expect(() => decodeNextToken(Buffer.from(JSON.stringify(body)).toString('base64url'), binding, 3)).toThrow('altered');
  });

  it('is refused after the shard count changed between two pages', () => {
    const token = encodeNextToken(positions, binding);
    expect(() => plan(everyone, filter, 5, token, 4)).toThrow('another layout');
    expect(codeOf(() => plan(everyone, filter, 5, token, 2))).toBe('InvalidNextToken');
  });

  it('is refused when tampered with', () => {
    const token = encodeNextToken(positions, binding);
    const body = JSON.parse(Buffer.from(token, 'base64url').toString());
    body.p[0][1] = 'someone-else';
    const edited = Buffer.from(JSON.stringify(body)).toString('base64url');
    expect(() => decodeNextToken(edited, binding, 3)).toThrow('altered');
    expect(codeOf(() => plan(everyone, filter, 5, edited, 3))).toBe('InvalidNextToken');
  });

  it.each(
    [
      '',
      'not a token!',
      'e30',
      Buffer.from('[1,2]').toString('base64url'),
      'A'.repeat(10_000),
      Buffer.from(JSON.stringify({ v: 2, p: [[1, 2]], f: 'x', c: 'y' })).toString('base64url'),
      Buffer.from(JSON.stringify({ v: 1, k: { ImageID: 'x' }, f: 'x', c: 'y' })).toString('base64url'),
    ].map((token) => [token.slice(0, 60), token]),
  )('refuses the malformed token %p', (_, token) => {
    expect(codeOf(() => plan(everyone, filter, 5, token, 1))).toBe('InvalidNextToken');
  });
});
