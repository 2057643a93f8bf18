import type { CallerScope } from '../../../functions/core/caller-scope';
import { ValidationError } from '../../../functions/core/errors';
import { nextTokenFor, planImageQuery } from '../../../functions/core/image-query';
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

describe('images query planner', () => {
  it("reads an owner's images from its ByOwner partition, every filter residual there", () => {
    const filter = { detectedAnimal: 'CAT', status: 'COMPLETED', uncertain: true, minConfidence: 60, createdAfter: '2026-01-01T00:00:00Z' } as const;
    expect(planImageQuery({ kind: 'owner', owner: 'sub-a' }, filter, 5)).toEqual({
      index: 'byOwner',
      partitionValue: 'sub-a',
      createdAfter: '2026-01-01T00:00:00.000Z',
      residual: { detectedAnimal: 'CAT', status: 'COMPLETED', uncertain: true, minConfidence: 60 },
      limit: 5,
    });
  });

  it('plans nothing for a caller without a scope', () => {
    expect(() => planImageQuery({ kind: 'none' }, {})).toThrow('Not Authorized to access images on type Query');
  });

  it('lists every image newest first from ByCreatedAt without a filter, 20 per page', () => {
    expect(planImageQuery(everyone, undefined)).toEqual({ index: 'byCreatedAt', partitionValue: 'IMAGE', residual: {}, limit: 20 });
    expect(planImageQuery(everyone, {}, null, null).index).toBe('byCreatedAt');
  });

  it.each([
    [{ detectedAnimal: 'DOG' as const }, 'byAnimal', 'dog'],
    [{ status: 'FAILED' as const }, 'byStatus', 'failed'],
    [{ uncertain: true }, 'byUncertain', 'UNCERTAIN'],
  ])('serves %j from a key condition on an index', (filter, index, partitionValue) => {
    const plan = planImageQuery(everyone, filter, 10);
    expect(plan).toMatchObject({ index, partitionValue, residual: {}, limit: 10 });
  });

  it('prefers the sparsest index and keeps the rest as residual filters', () => {
    const plan = planImageQuery(everyone, { uncertain: true, detectedAnimal: 'CAT', status: 'COMPLETED', minConfidence: 55 });
    expect(plan.index).toBe('byUncertain');
    expect(plan.residual).toEqual({ detectedAnimal: 'CAT', status: 'COMPLETED', minConfidence: 55 });
    expect(planImageQuery(everyone, { detectedAnimal: 'CAT', status: 'COMPLETED' })).toMatchObject({
      index: 'byAnimal',
      residual: { status: 'COMPLETED' },
    });
  });

  it('cannot serve uncertain=false from the sparse index, so filters it', () => {
    expect(planImageQuery(everyone, { uncertain: false })).toMatchObject({ index: 'byCreatedAt', residual: { uncertain: false } });
  });

  it('turns the time window into sort-key bounds, normalised to UTC', () => {
    const plan = planImageQuery(everyone, { createdAfter: '2026-01-01T01:00:00+01:00', createdBefore: '2026-02-01T00:00:00Z' });
    expect(plan).toMatchObject({ createdAfter: '2026-01-01T00:00:00.000Z', createdBefore: '2026-02-01T00:00:00.000Z' });
  });

  it.each([
    [0, 'InvalidLimit'],
    [101, 'InvalidLimit'],
    [2.5, 'InvalidLimit'],
    [-1, 'InvalidLimit'],
    [1, 'accepted'],
    [100, 'accepted'],
  ])('limit %p -> %s', (limit, code) => {
    expect(codeOf(() => planImageQuery(everyone, undefined, limit))).toBe(code);
  });

  it.each([
    [{ minConfidence: 101 }],
    [{ minConfidence: -0.1 }],
    [{ createdAfter: 'yesterday' }],
    [{ createdAfter: '2026-02-01T00:00:00Z', createdBefore: '2026-01-01T00:00:00Z' }],
    [{ detectedAnimal: 'HAMSTER' }],
    [{ status: 'DONE' }],
  ])('refuses the filter %j with InvalidFilter', (filter) => {
    expect(codeOf(() => planImageQuery(everyone, filter as never))).toBe('InvalidFilter');
  });
});

describe('nextToken', () => {
  const key = { ImageID: 'id-7', DetectedAnimal: 'cat', CreatedAt: '2026-01-01T00:00:00.000Z' };
  const filter = { detectedAnimal: 'CAT' as const };

  it('is opaque base64url and resumes on the same index', () => {
    const token = encodeNextToken(key, filter);
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(token).not.toContain('id-7');
    expect(planImageQuery(everyone, filter, 5, token).startKey).toEqual(key);
  });

  it('is the same for the same filter written differently (nulls, key order)', () => {
    const page = { items: [], lastKey: key };
    const a = nextTokenFor(page, { detectedAnimal: 'CAT', status: null });
    expect(planImageQuery(everyone, { status: undefined, detectedAnimal: 'CAT' }, 5, a).startKey).toEqual(key);
  });

  it('is null when the index is exhausted', () => {
    expect(nextTokenFor({ items: [] }, filter)).toBeNull();
  });

  it('is refused when used with another filter', () => {
    const token = encodeNextToken(key, filter);
    expect(() => planImageQuery(everyone, { detectedAnimal: 'DOG' }, 5, token)).toThrow('different filter');
    expect(codeOf(() => planImageQuery(everyone, {}, 5, token))).toBe('InvalidNextToken');
  });

  it('is refused when tampered with', () => {
    const token = encodeNextToken(key, filter);
    const body = JSON.parse(Buffer.from(token, 'base64url').toString());
    body.k.ImageID = 'someone-else';
    const edited = Buffer.from(JSON.stringify(body)).toString('base64url');
    expect(() => decodeNextToken(edited, filter)).toThrow('altered');
    expect(codeOf(() => planImageQuery(everyone, filter, 5, edited))).toBe('InvalidNextToken');
  });

  it.each(['', 'not a token!', 'e30', Buffer.from('[1,2]').toString('base64url'), 'A'.repeat(5000)])(
    'refuses the malformed token %p',
    (token) => {
      expect(codeOf(() => planImageQuery(everyone, filter, 5, token))).toBe('InvalidNextToken');
    },
  );

  it('refuses a well-formed token whose key does not fit the index', () => {
    const foreign = encodeNextToken({ ImageID: 'x', ListPK: 'IMAGE', CreatedAt: '2026' }, filter);
    expect(codeOf(() => planImageQuery(everyone, filter, 5, foreign))).toBe('InvalidNextToken');
  });
});
