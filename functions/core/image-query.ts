/**
 * `images(filter, limit, nextToken)`: the query plan the core derives from a filter, and the page an
 * adapter returns. The planner (planImageQuery) picks the index whose key covers the most selective
 * filter; whatever no key covers is a residual filter applied while reading on.
 */
import type { CallerScope } from './caller-scope';
import type { Animal, ImageRecord, ProcessingStatus } from './domain';
import { UnauthorizedError, ValidationError } from './errors';
import { decodePageToken, encodeNextToken, type MatchRate } from './page-token';
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
 * Index entries one `images` call may read for each item it asks for (DynamoDB's ScannedCount, over all its
 * Query requests and shards, against limit + 1: the page and the entry that proves another page exists).
 * A residual filter is applied after the read, so without a budget a filter that matches nothing reads its
 * whole partition until the function times out. With it a page may be short, even empty, while nextToken is
 * set, and clients page on (schema.graphql says so; the console and the export do).
 * Proportional to the page, so that a page's cost and latency follow what it asks for rather than how rare
 * its filter's matches are: a filter keeping at least 1 entry in 10 fills its page within the budget, a rarer
 * one is served in short pages of bounded cost. Small pages get MIN_READ_BUDGET, so that a page of 1 is not
 * starved: a round of Queries costs a round trip whatever its size, and reading 30 entries a shard costs
 * little more than 3. The console's page of 24 reads at most 250 whole entries (~320 KB, ~40 read units;
 * locally ~12 ms of DynamoDB Local's CPU, docs/BENCHMARKS.md), the export's page of 100 at most 1,010. An
 * unfiltered page reads limit + 1 entries and a few of each shard's surplus, never all of its budget.
 */
export const READ_ENTRIES_PER_ITEM = 10;
export const MIN_READ_BUDGET = 250;

/** The read budget of a page of `limit` items (READ_ENTRIES_PER_ITEM, MIN_READ_BUDGET). */
export const readBudgetFor = (limit: number): number => Math.max(MIN_READ_BUDGET, READ_ENTRIES_PER_ITEM * (limit + 1));

export interface ImageQueryPlan {
  index: IndexKey;
  /** The index partition's value before sharding ('IMAGE', 'cat', ...): shard s is `<value>#<s>`. */
  partitionValue: string;
  /** The owner an owner-scoped twin (ByOwnerAnimal...) is read for: the leading attribute of its partition key. */
  owner?: string;
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
  /** Index entries this call may read at most (readBudgetFor); the page ends there, full or not. */
  readBudget: number;
  /** Where each of the index's shards stands: all 'start' for a first page, else decoded from nextToken. */
  positions: ShardPosition[];
  /** What the residual filter kept of the previous page's reads (from nextToken), to size this page's first reads. */
  priorMatchRate?: MatchRate;
  /** What a nextToken of this query is bound to: the normalised filter and the partition read (so the caller's scope). */
  tokenBinding: TokenBinding;
  /** The filter matches no record by definition (matchesNothing): the page is empty, final, and read from nowhere. */
  matchesNothing?: true;
}

export interface TokenBinding {
  filter: ImageFilter;
  index: IndexKey;
  partitionValue: string;
  /** Set on a twin: its partitions are one owner's, so a token from them is that owner's alone. */
  owner?: string;
}

export interface ImageQueryPage {
  items: ImageRecord[];
  /**
   * Set only when more items may match: where each shard resumes, after the last returned item or where the
   * read budget stopped it (then the page may be short or empty).
   */
  positions?: ShardPosition[];
  /** On a filtered page with positions: what its reads evaluated and kept, for the next page's token. */
  matchRate?: MatchRate;
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

interface IndexChoice {
  index: IndexKey;
  partitionValue: string;
  /** Set for an owner's twin of a global index. */
  owner?: string;
  /** The filter the index's key covers, if any. */
  covers?: 'detectedAnimal' | 'status' | 'uncertain';
}

/**
 * The index whose key covers the most selective condition: uncertain images are rare, an animal is a third
 * of the classified ones, a status mostly "completed". Everyone's images (analysts) are read from the global
 * indexes; a caller with an owner makes the same choice among its owner's twins (ByOwnerUncertain,
 * ByOwnerAnimal, ByOwnerStatus), or reads its ByOwner partition, and never a global index.
 */
const chooseIndex = (owner: string | undefined, filter: ImageFilter): IndexChoice => {
  const on = (global: IndexKey, twin: IndexKey, partitionValue: string, covers: IndexChoice['covers']): IndexChoice =>
    owner === undefined ? { index: global, partitionValue, covers } : { index: twin, partitionValue, owner, covers };
  if (filter.uncertain === true) return on('byUncertain', 'byOwnerUncertain', UNCERTAIN_PARTITION_VALUE, 'uncertain');
  if (filter.detectedAnimal) return on('byAnimal', 'byOwnerAnimal', animalToItem(filter.detectedAnimal), 'detectedAnimal');
  if (filter.status) return on('byStatus', 'byOwnerStatus', statusToItem(filter.status), 'status');
  // ByOwner's sharded key is the owner itself.
  return owner === undefined ? { index: 'byCreatedAt', partitionValue: LIST_PARTITION_VALUE } : { index: 'byOwner', partitionValue: owner };
};

/** The query plan of an `images` call; whatever the chosen index's key does not cover stays residual. */
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
  const { index, partitionValue, owner, covers } = chooseIndex(scope.kind === 'owner' ? scope.owner : undefined, filter);
  const residual: ImageQueryPlan['residual'] = {};
  if (filter.detectedAnimal && covers !== 'detectedAnimal') residual.detectedAnimal = filter.detectedAnimal;
  // ByAnimal and ByUncertain (and their twins) hold COMPLETED images only (their keys are written by the
  // completing write alone, matchesNothing), so their key covers status COMPLETED too.
  const coversCompleted = covers === 'detectedAnimal' || covers === 'uncertain';
  if (filter.status && covers !== 'status' && !(filter.status === 'COMPLETED' && coversCompleted)) residual.status = filter.status;
  if (filter.uncertain === false || (filter.uncertain === true && covers !== 'uncertain')) residual.uncertain = filter.uncertain;
  if (filter.minConfidence !== undefined && filter.minConfidence !== null) residual.minConfidence = filter.minConfidence;

  // Bound to the index and partition too, the owner's included: another owner's or an analyst's token names
  // positions in other partitions.
  const tokenBinding: TokenBinding = { filter, index, partitionValue, ...(owner !== undefined ? { owner } : {}) };
  const token =
    nextToken === null || nextToken === undefined
      ? { positions: Array.from({ length: shards }, (): ShardPosition => 'start') }
      : decodePageToken(nextToken, tokenBinding, shards);
  const { positions } = token;
  const plan: ImageQueryPlan = { index, partitionValue, ...(owner !== undefined ? { owner } : {}), residual, limit, readBudget: readBudgetFor(limit), positions, tokenBinding };
  if (token.matchRate && Object.keys(residual).length > 0) plan.priorMatchRate = token.matchRate;
  if (matchesNothing(filter)) plan.matchesNothing = true;
  if (filter.createdAfter) plan.createdAfter = filter.createdAfter;
  if (filter.createdBefore) plan.createdBefore = filter.createdBefore;
  return plan;
};

/** The nextToken for a page, bound to the (normalised) filter and the partition that produced it. */
export const nextTokenFor = (page: ImageQueryPage, plan: Pick<ImageQueryPlan, 'tokenBinding'>): string | null =>
  page.positions ? encodeNextToken(page.positions, plan.tokenBinding, page.matchRate) : null;
