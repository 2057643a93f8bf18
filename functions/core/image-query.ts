/**
 * `images(filter, limit, nextToken)`: the query plan the core derives from a filter, and the page an
 * adapter returns. The planner (planImageQuery) picks the index whose key covers the most selective
 * filter; whatever no key covers is a residual filter applied while reading on.
 */
import type { Animal, ImageRecord, ProcessingStatus } from './domain';
import type { IndexKey } from './table-design';

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

export interface ImageQueryPlan {
  index: IndexKey;
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
  /** Where the previous page stopped (a LastEvaluatedKey), decoded from nextToken. */
  startKey?: Record<string, unknown>;
}

export interface ImageQueryPage {
  items: ImageRecord[];
  /** Set only when more items may match: the key to resume after the last returned item. */
  lastKey?: Record<string, unknown>;
}
