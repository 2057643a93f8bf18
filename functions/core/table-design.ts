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
 *   page without reading anyone else's.
 * - ByOwnerAnimal, ByOwnerStatus, ByOwnerUncertain: the owner's twins of ByAnimal, ByStatus and ByUncertain,
 *   so an owner's filter is a key condition as an analyst's is. Their partition key is multi-attribute
 *   (DynamoDB hashes the attributes together): the Owner attribute and the analysts' sharded key
 *   (AnimalPK, StatusPK, UncertainKey). They are kept in step by construction: no write path names a key of
 *   its own for them (the processor's claim does not know the owner, and the sweeper's IAM allows only
 *   SETTLE_ATTRIBUTES), every status change already rewrites StatusPK, and a twin is sparse exactly where its
 *   analysts' index is, because an item lacking any key attribute is not in the index. The public owner's
 *   twins are as hot as ByAnimal, ByStatus and ByUncertain when it uploads everything (npm run capacity).
 * The global indexes serve analysts, who read everyone's (functions/core/caller-scope.ts); an owner-scoped
 * caller reads ByOwner or a twin, never a global index.
 * Filters that no key covers (minConfidence, or a second filter) are FilterExpressions, and the
 * image-reader reads on until the page is full or its read budget (image-query.ts readBudgetFor) is spent, so
 * a page may be short, even empty, while a nextToken remains.
 * Every index holds whole items (INDEX_PROJECTION): a page is served from the index entries alone.
 * DynamoDB allows 20 GSIs per table; these are 8.
 */
export const TABLE_PARTITION_KEY = 'ImageID';
export const TTL_ATTRIBUTE = 'ExpiresAt';
/** Who uploaded the image (functions/core/caller-scope.ts); written once, at requestUpload. */
export const OWNER_ATTRIBUTE = 'Owner';

export interface IndexDesign {
  name: string;
  /**
   * Owner-scoped twins only: the unsharded attribute that leads their multi-attribute partition key (the
   * owner), queried by equality beside partitionKey.
   */
  ownerKey?: typeof OWNER_ATTRIBUTE;
  /** The sharded partition key attribute (`<value>#<shard>`, index-keys.ts). */
  partitionKey: string;
  sortKey: string;
}

const DESIGNS = {
  byCreatedAt: { name: 'ByCreatedAt', partitionKey: 'ListPK', sortKey: 'CreatedAt' },
  byAnimal: { name: 'ByAnimal', partitionKey: 'AnimalPK', sortKey: 'CreatedAt' },
  byStatus: { name: 'ByStatus', partitionKey: 'StatusPK', sortKey: 'CreatedAt' },
  byUncertain: { name: 'ByUncertain', partitionKey: 'UncertainKey', sortKey: 'CreatedAt' },
  byOwner: { name: 'ByOwner', partitionKey: 'OwnerPK', sortKey: 'CreatedAt' },
  byOwnerAnimal: { name: 'ByOwnerAnimal', ownerKey: OWNER_ATTRIBUTE, partitionKey: 'AnimalPK', sortKey: 'CreatedAt' },
  byOwnerStatus: { name: 'ByOwnerStatus', ownerKey: OWNER_ATTRIBUTE, partitionKey: 'StatusPK', sortKey: 'CreatedAt' },
  byOwnerUncertain: { name: 'ByOwnerUncertain', ownerKey: OWNER_ATTRIBUTE, partitionKey: 'UncertainKey', sortKey: 'CreatedAt' },
} as const satisfies Record<string, IndexDesign>;

export type IndexKey = keyof typeof DESIGNS;

export const INDEXES: Readonly<Record<IndexKey, IndexDesign>> = DESIGNS;

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

/** An index's partition key attributes in key-schema order: the owner first for a twin, then the sharded key. */
export const partitionKeyAttributes = (index: IndexDesign): string[] => (index.ownerKey ? [index.ownerKey, index.partitionKey] : [index.partitionKey]);

/**
 * What every index stores: the whole item, so a page of `images` is its index entries and nothing else.
 * The trade, per image in AWS (npm run cost prices it from the synthesized template):
 * - Writes: an index entry is a copy of the item, ~1.3 KB once classified (15 labels with their boxes), so an
 *   index write of a COMPLETED record costs 2 write units instead of 1, and every status change rewrites the
 *   entry of each index the item is in (with only keys and filter attributes, PENDING -> PROCESSING left
 *   ByCreatedAt alone).
 * - Reads: a page no longer pays a BatchGetItem of its records (0.5 read units each, every item rounded up to
 *   4 KB on its own); its Queries read ~1.3 KB entries instead of ~120 B ones, summed per Query, so a shard's
 *   first read of a page of 24 (9 entries, shard-merge.ts shardReadSize) is 3 units of 4 KB where it was 1.
 *   A filter that spends the read budget reads more bytes: 1,000 whole entries are ~160 units instead of ~15.
 * - Latency: one round trip less per page. On DynamoDB Local (docs/BENCHMARKS.md) the BatchGetItem of 24
 *   records was half of a page's time.
 * Index entries are eventually consistent, as the records read by BatchGetItem were: a page read within
 * moments of a status change may show the record as it was. A deployed index cannot change its projection
 * in place (docs/deploy.md); the local table rebuilds one that differs (local/provision/table.ts).
 */
export const INDEX_PROJECTION = 'ALL' as const;

export const LIST_PARTITION_VALUE = 'IMAGE';
export const UNCERTAIN_PARTITION_VALUE = 'UNCERTAIN';

/** Set once on an uncertain image's record when its SNS alert is claimed (functions/adapters/dynamodb-alert-ledger.ts). */
export const ALERT_SENT_ATTRIBUTE = 'AlertSentAt';

/**
 * Every attribute the sweeper's conditional FAILED write (DetectionLog.failIfUnchanged) names: the CDK stack
 * allows the sweeper's UpdateItem on these alone (dynamodb:Attributes), and a unit test holds the adapter to it.
 */
export const SETTLE_ATTRIBUTES = [TABLE_PARTITION_KEY, 'ProcessingStatus', 'StatusPK', 'Timestamp', 'FailureReason'] as const;
