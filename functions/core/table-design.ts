/**
 * DetectionLogs' physical design, shared by the adapters, the resolvers, the CDK stack and the local stack.
 *
 * Every `images` filter is a Query on one of these indexes, newest first on CreatedAt:
 * - ByCreatedAt: every image under one constant partition (ListPK = "IMAGE"). One partition absorbs
 *   about 1,000 writes/s, i.e. ~300 images/s at three writes per image: far above this product's load.
 * - ByAnimal: sparse; only classified images carry DetectedAnimal.
 * - ByStatus: every image by ProcessingStatus.
 * - ByUncertain: sparse; only uncertain images carry UncertainKey.
 * Filters that no key covers (minConfidence, or a second filter) are FilterExpressions, and the
 * image-reader reads on until the page is full, so a page is never short while a nextToken remains.
 */
export const TABLE_PARTITION_KEY = 'ImageID';
export const TTL_ATTRIBUTE = 'ExpiresAt';

export const INDEXES = {
  byCreatedAt: { name: 'ByCreatedAt', partitionKey: 'ListPK', sortKey: 'CreatedAt' },
  byAnimal: { name: 'ByAnimal', partitionKey: 'DetectedAnimal', sortKey: 'CreatedAt' },
  byStatus: { name: 'ByStatus', partitionKey: 'ProcessingStatus', sortKey: 'CreatedAt' },
  byUncertain: { name: 'ByUncertain', partitionKey: 'UncertainKey', sortKey: 'CreatedAt' },
} as const;

export type IndexKey = keyof typeof INDEXES;

export const LIST_PARTITION_VALUE = 'IMAGE';
export const UNCERTAIN_PARTITION_VALUE = 'UNCERTAIN';
