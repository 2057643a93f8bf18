/**
 * `images(filter, limit, nextToken)`: the query plan the core derives from a filter, and the page an
 * adapter returns. The planner (planImageQuery) picks the index whose key covers the most selective
 * filter; whatever no key covers is a residual filter applied while reading on.
 */
import type { CallerScope } from './caller-scope';
import type { Animal, ImageRecord, ProcessingStatus } from './domain';
import { UnauthorizedError, ValidationError } from './errors';
import { decodeNextToken, encodeNextToken } from './page-token';
import { animalToItem, statusToItem } from './record-mapping';
import type { ShardPosition } from './shard-merge';
import type { IndexKey } from './table-design';
import { LIST_PARTITION_VALUE, UNCERTAIN_PARTITION_VALUE } from './table-design';

export interface ImageFilter {
  detectedAnimal?: Animal | null;
  status?: ProcessingStatus | null;
  uncertain?: boolean | null;
  createdAfter?: string | null;
  createdBefore?: string | null;
  minConfidence?: number | null;
}

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

/**
 * Index entries one `images` call may read (DynamoDB's ScannedCount, over all its Query requests and shards).
 * A residual filter is applied after the read, so without a budget a filter that matches nothing reads its
 * whole partition until the function times out. With it a page may be short, even empty, while nextToken is
 * set, and clients page on (schema.graphql says so). 1,000 index entries (whole items, ~1.3 KB) are two rounds
 * of Queries and ~160 read units; an unfiltered page (limit + 1 entries) never reaches it.
 */
export const READ_BUDGET = 1000;

export interface ImageQueryPlan {
  index: IndexKey;
  /** The index partition's value before sharding ('IMAGE', 'cat', ...): shard s is `<value>#<s>`. */
  partitionValue: string;
  /** Inclusive CreatedAt bounds, as a key condition on the index's sort key. */
  createdAfter?: string;
  createdBefore?: string;
  /** Conditions no key covers; the adapter turns them into a FilterExpression. */
  residual: {
    detectedAnimal?: Animal;
    status?: ProcessingStatus;
    uncertain?: boolean;
    minConfidence?: number;
  };
  /** Items wanted in this page. */
  limit: number;
  /** Index entries this call may read at most (READ_BUDGET); the page ends there, full or not. */
  readBudget: number;
  /** Where each of the index's shards stands: all 'start' for a first page, else decoded from nextToken. */
  positions: ShardPosition[];
  /** What a nextToken of this query is bound to: the normalised filter and the partition read (so the caller's scope). */
  tokenBinding: TokenBinding;
  /** The filter matches no record by definition (matchesNothing): the page is empty, final, and read from nowhere. */
  matchesNothing?: true;
}

export interface TokenBinding {
  filter: ImageFilter;
  index: IndexKey;
  partitionValue: string;
}

export interface ImageQueryPage {
  items: ImageRecord[];
  /**
   * Set only when more items may match: where each shard resumes, after the last returned item or where the
   * read budget stopped it (then the page may be short or empty).
   */
  positions?: ShardPosition[];
}

const ANIMALS: readonly Animal[] = ['CAT', 'DOG', 'OTHER'];
const STATUSES: readonly ProcessingStatus[] = ['PENDING', 'PROCESSING', 'COMPLETED', 'FAILED'];

const invalidFilter = (message: string): ValidationError => new ValidationError('InvalidFilter', message);

/** CreatedAt is stored as UTC `toISOString()`, so bounds are normalised to the same form to compare as strings. */
const normaliseInstant = (value: string, name: string): string => {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw invalidFilter(`${name} '${String(value).slice(0, 40)}' is not an ISO-8601 date-time`);
  return new Date(ms).toISOString();
};

/** The filter with nulls dropped, enums and ranges checked and instants normalised. */
export const normaliseFilter = (filter: ImageFilter | null | undefined): ImageFilter => {
  const out: ImageFilter = {};
  if (!filter) return out;
  if (filter.detectedAnimal != null) {
    if (!ANIMALS.includes(filter.detectedAnimal)) throw invalidFilter(`detectedAnimal must be one of ${ANIMALS.join(', ')}`);
    out.detectedAnimal = filter.detectedAnimal;
  }
  if (filter.status != null) {
    if (!STATUSES.includes(filter.status)) throw invalidFilter(`status must be one of ${STATUSES.join(', ')}`);
    out.status = filter.status;
  }
  if (filter.uncertain != null) out.uncertain = Boolean(filter.uncertain);
  if (filter.createdAfter != null) out.createdAfter = normaliseInstant(filter.createdAfter, 'createdAfter');
  if (filter.createdBefore != null) out.createdBefore = normaliseInstant(filter.createdBefore, 'createdBefore');
  if (out.createdAfter && out.createdBefore && out.createdAfter > out.createdBefore) {
    throw invalidFilter('createdAfter must not be later than createdBefore');
  }
  if (filter.minConfidence != null) {
    const c = filter.minConfidence;
    if (typeof c !== 'number' || !Number.isFinite(c) || c < 0 || c > 100) throw invalidFilter('minConfidence must be between 0 and 100');
    out.minConfidence = c;
  }
  return out;
};

export const validateLimit = (limit: number | null | undefined): number => {
  if (limit === null || limit === undefined) return DEFAULT_PAGE_SIZE;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
    throw new ValidationError('InvalidLimit', `limit must be a whole number from 1 to ${MAX_PAGE_SIZE}`);
  }
  return limit;
};

/**
 * Whether a filter matches no record by definition. detectedAnimal, confidence and uncertain are written by
 * one write only, the one that makes a record COMPLETED (DetectionLog.complete), and only an open record
 * (PENDING, PROCESSING) changes status: PENDING and PROCESSING records have not been classified, and FAILED
 * ones (the processor's, the sweeper's, the local upload recovery's) were failed while still open. So any of
 * those three filters with another status matches nothing, and no read can find otherwise.
 */
export const matchesNothing = (filter: ImageFilter): boolean =>
  filter.status != null &&
  filter.status !== 'COMPLETED' &&
  (filter.detectedAnimal != null || filter.uncertain != null || filter.minConfidence != null);

/**
 * A caller with an owner reads only that owner's partition of ByOwner, every filter residual on it.
 * Everyone's images (analysts) are read from the global index whose partition covers the most selective
 * condition: uncertain images are rare, an animal is a third of the classified ones, a status mostly
 * "completed". Whatever the chosen key does not cover stays residual.
 */
export const planImageQuery = (
  scope: CallerScope,
  filterInput: ImageFilter | null | undefined,
  limitInput: number | null | undefined,
  nextToken: string | null | undefined,
  shards: number,
): ImageQueryPlan => {
  if (scope.kind === 'none') throw new UnauthorizedError('images', 'Query');
  const filter = normaliseFilter(filterInput);
  const limit = validateLimit(limitInput);
  const residual: ImageQueryPlan['residual'] = {};
  let index: IndexKey;
  let partitionValue: string;
  if (scope.kind === 'owner') {
    index = 'byOwner';
    partitionValue = scope.owner;
  } else if (filter.uncertain === true) {
    index = 'byUncertain';
    partitionValue = UNCERTAIN_PARTITION_VALUE;
  } else if (filter.detectedAnimal) {
    index = 'byAnimal';
    partitionValue = animalToItem(filter.detectedAnimal);
  } else if (filter.status) {
    index = 'byStatus';
    partitionValue = statusToItem(filter.status);
  } else {
    index = 'byCreatedAt';
    partitionValue = LIST_PARTITION_VALUE;
  }
  if (filter.detectedAnimal && index !== 'byAnimal') residual.detectedAnimal = filter.detectedAnimal;
  if (filter.status && index !== 'byStatus') residual.status = filter.status;
  if (filter.uncertain === false || (filter.uncertain === true && index !== 'byUncertain')) residual.uncertain = filter.uncertain;
  if (filter.minConfidence !== undefined && filter.minConfidence !== null) residual.minConfidence = filter.minConfidence;

  // Bound to the partition too: another owner's token names positions in another partition.
  const tokenBinding: TokenBinding = { filter, index, partitionValue };
  const positions =
    nextToken === null || nextToken === undefined
      ? Array.from({ length: shards }, (): ShardPosition => 'start')
      : decodeNextToken(nextToken, tokenBinding, shards);
  const plan: ImageQueryPlan = { index, partitionValue, residual, limit, readBudget: READ_BUDGET, positions, tokenBinding };
  if (matchesNothing(filter)) plan.matchesNothing = true;
  if (filter.createdAfter) plan.createdAfter = filter.createdAfter;
  if (filter.createdBefore) plan.createdBefore = filter.createdBefore;
  return plan;
};

/** The nextToken for a page, bound to the (normalised) filter and the partition that produced it. */
export const nextTokenFor = (page: ImageQueryPage, plan: Pick<ImageQueryPlan, 'tokenBinding'>): string | null =>
  page.positions ? encodeNextToken(page.positions, plan.tokenBinding) : null;
