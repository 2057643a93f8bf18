/**
 * DetectionLogs' physical design, shared by the adapters, the resolvers, the CDK stack and the local stack.
 *
 * Every `images` filter is a Query on one of these indexes, newest first on CreatedAt. Each partition key
 * is `<value>#<shard>` with the shard derived from the image id (index-keys.ts), so an index's writes
 * spread over N partitions (N per stage in infra/config.ts) and a query merges N shards (shard-merge.ts):
 * - ByCreatedAt: every image, ListPK = "IMAGE#<shard>".
 * - ByAnimal: sparse; only classified images carry AnimalPK ("cat#<shard>").
 * - ByStatus: every image by StatusPK ("completed#<shard>"), rewritten at each status change.
 * - ByUncertain: sparse; only uncertain images carry UncertainKey ("UNCERTAIN#<shard>").
 * - ByOwner: one partition per owner and shard (OwnerPK = "<owner>#<shard>"; an owner is a Cognito `sub`, or
 *   the public owner of every API-key upload, which makes it as hot as ByCreatedAt), so a user's own images
 *   page without reading anyone else's; every filter is residual on it. The other indexes are global and
 *   serve analysts, who read everyone's (functions/core/caller-scope.ts).
 * Filters that no key covers (minConfidence, or a second filter) are FilterExpressions, and the
 * image-reader reads on until the page is full or its read budget (image-query.ts READ_BUDGET) is spent, so
 * a page may be short, even empty, while a nextToken remains.
 * The indexes hold keys and filter attributes only (indexProjection); the records come from the table.
 */
export const TABLE_PARTITION_KEY = 'ImageID';
export const TTL_ATTRIBUTE = 'ExpiresAt';
/** Who uploaded the image (functions/core/caller-scope.ts); written once, at requestUpload. */
export const OWNER_ATTRIBUTE = 'Owner';

export const INDEXES = {
  byCreatedAt: { name: 'ByCreatedAt', partitionKey: 'ListPK', sortKey: 'CreatedAt', filters: ['uncertain', 'minConfidence'] },
  byAnimal: { name: 'ByAnimal', partitionKey: 'AnimalPK', sortKey: 'CreatedAt', filters: ['status', 'uncertain', 'minConfidence'] },
  byStatus: { name: 'ByStatus', partitionKey: 'StatusPK', sortKey: 'CreatedAt', filters: ['uncertain', 'minConfidence'] },
  byUncertain: {
    name: 'ByUncertain',
    partitionKey: 'UncertainKey',
    sortKey: 'CreatedAt',
    filters: ['detectedAnimal', 'status', 'minConfidence'],
  },
  byOwner: {
    name: 'ByOwner',
    partitionKey: 'OwnerPK',
    sortKey: 'CreatedAt',
    filters: ['detectedAnimal', 'status', 'uncertain', 'minConfidence'],
  },
} as const;

export type IndexKey = keyof typeof INDEXES;

/**
 * The attributes an `images` FilterExpression may test, by the residual filter that tests them
 * (functions/core/image-query.ts plans the residual, the image-reader's adapter writes the expression).
 */
export const FILTER_ATTRIBUTES = {
  detectedAnimal: 'DetectedAnimal',
  status: 'ProcessingStatus',
  uncertain: 'Uncertain',
  minConfidence: 'ConfidenceScore',
} as const;

export type ResidualFilter = keyof typeof FILTER_ATTRIBUTES;

export interface IndexDesign {
  name: string;
  partitionKey: string;
  sortKey: string;
  /** The residual filters the planner may apply on this index (the others are keys of other indexes). */
  filters: readonly ResidualFilter[];
}

/**
 * What an index stores besides its keys and ImageID: the attributes of the filters that may run on it,
 * nothing else. With an ALL projection every entry was a copy of the whole item (~1.2 KB with labels), so
 * each index write cost 2 write units and every status change rewrote copies; with these few small
 * attributes an index write is 1 unit, and an update that changes none of them (PENDING -> PROCESSING on
 * ByCreatedAt) writes no index entry at all. The image-reader reads whole records from the table by key.
 * A filter the planner starts applying on another index needs its attribute here first (a unit test checks
 * every filter combination); changing a projection rebuilds that index.
 */
export const indexProjection = (index: IndexDesign): { nonKeyAttributes: string[] } => {
  // A loop, not map/filter: this file is APPSYNC_JS-linted, and its rule allows callbacks on Array only.
  const nonKeyAttributes: string[] = [];
  for (const filter of index.filters) {
    const name = FILTER_ATTRIBUTES[filter];
    if (name !== index.partitionKey && name !== index.sortKey) nonKeyAttributes.push(name);
  }
  return { nonKeyAttributes };
};

export const LIST_PARTITION_VALUE = 'IMAGE';
export const UNCERTAIN_PARTITION_VALUE = 'UNCERTAIN';

/** Set once on an uncertain image's record when its SNS alert is claimed (functions/adapters/dynamodb-alert-ledger.ts). */
export const ALERT_SENT_ATTRIBUTE = 'AlertSentAt';

/**
 * Every attribute the sweeper's conditional FAILED write (DetectionLog.failIfUnchanged) names: the CDK stack
 * allows the sweeper's UpdateItem on these alone (dynamodb:Attributes), and a unit test holds the adapter to it.
 */
export const SETTLE_ATTRIBUTES = [TABLE_PARTITION_KEY, 'ProcessingStatus', 'StatusPK', 'Timestamp', 'FailureReason'] as const;
