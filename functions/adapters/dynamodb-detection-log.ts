/**
 * DetectionLog on DynamoDB (DocumentClient). Every status change is a conditional write on the current
 * status, which is what makes the processor idempotent under at-least-once delivery. Every write keeps the
 * sharded index keys (core/index-keys.ts) in step with the status. A page of `images` is a Query on each
 * shard of an index that holds whole items (core/table-design.ts INDEX_PROJECTION), merged newest first
 * (core/shard-merge.ts): the index entries are the page.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import {
  BatchGetCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { ImageRecord } from '../core/domain';
import { DuplicateImageError, TransientError } from '../core/errors';
import type { ImageQueryPage, ImageQueryPlan } from '../core/image-query';
import { indexKeys } from '../core/index-keys';
import type { CompletedOutcome, DetectionLog, ProcessingClaim } from '../core/ports';
import {
  animalToItem,
  type DetectionLogItem,
  itemToRecord,
  labelsToItem,
  metadataToItem,
  recordToItem,
  statusToItem,
} from '../core/record-mapping';
import { type IndexEntry, ShardMerge } from '../core/shard-merge';
import { FILTER_ATTRIBUTES, INDEXES, TABLE_PARTITION_KEY } from '../core/table-design';

const isConditionFailure = (error: unknown): boolean =>
  error instanceof Error && error.name === 'ConditionalCheckFailedException';

const unavailable = (error: unknown): TransientError =>
  new TransientError('DependencyUnavailable', 'DetectionLogs is unavailable, try again', { cause: error });

/** BatchGetItem may leave keys unprocessed under load; a few rounds settle it, then we report it. */
const MAX_BATCH_GET_ROUNDS = 5;
/** BatchGetItem's limit per request. */
const BATCH_GET_MAX_KEYS = 100;
/** First pause before asking again for unprocessed keys; doubles each round (AWS's advice for them). */
const DEFAULT_UNPROCESSED_RETRY_DELAY_MS = 50;

const OPEN_STATUSES = { ':pending': statusToItem('PENDING'), ':processing': statusToItem('PROCESSING') };
const IS_OPEN = 'ProcessingStatus IN (:pending, :processing)';

export interface DetectionLogOptions {
  /** Write shards of every list index; readers and writers of one table must agree (infra/config.ts). */
  indexShards: number;
  /** Pause before the first retry of unprocessed BatchGetItem keys, doubled for each further round. */
  unprocessedRetryDelayMs?: number;
}

export class DynamoDbDetectionLog implements DetectionLog {
  private readonly unprocessedRetryDelayMs: number;
  readonly indexShards: number;

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    options: DetectionLogOptions,
  ) {
    this.indexShards = options.indexShards;
    this.unprocessedRetryDelayMs = options.unprocessedRetryDelayMs ?? DEFAULT_UNPROCESSED_RETRY_DELAY_MS;
  }

  async createPending(record: ImageRecord): Promise<void> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...recordToItem(record), ...indexKeys(record, this.indexShards) },
          ConditionExpression: 'attribute_not_exists(#id)',
          ExpressionAttributeNames: { '#id': TABLE_PARTITION_KEY },
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) throw new DuplicateImageError(record.id);
      throw unavailable(error);
    }
  }

  async get(id: string): Promise<ImageRecord | undefined> {
    try {
      // Consistent: the processor decides on this read whether an event is a duplicate.
      const out = await this.doc.send(
        new GetCommand({ TableName: this.tableName, Key: { [TABLE_PARTITION_KEY]: id }, ConsistentRead: true }),
      );
      return out.Item ? itemToRecord(out.Item as DetectionLogItem) : undefined;
    } catch (error) {
      throw unavailable(error);
    }
  }

  /** The records that exist among these ids, in the order of the ids. */
  async getMany(ids: readonly string[]): Promise<ImageRecord[]> {
    const items = await this.batchGet(ids);
    return ids.flatMap((id) => {
      const item = items.get(id);
      return item ? [itemToRecord(item)] : [];
    });
  }

  async claimForProcessing(id: string, at: string): Promise<ProcessingClaim> {
    try {
      const out = await this.doc.send(
        new UpdateCommand({
          ...this.transitionInput(id, 'SET ProcessingStatus = :next, StatusPK = :statusKey, #ts = :at', {
            ':next': statusToItem('PROCESSING'),
            ':statusKey': indexKeys({ id, status: 'PROCESSING' }, this.indexShards).StatusPK,
            ':at': at,
          }),
          ReturnValues: 'ALL_NEW',
          // The refused write returns the item as it is, so a duplicate delivery costs no separate read.
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { kind: 'claimed', record: itemToRecord(out.Attributes as DetectionLogItem) };
    } catch (error) {
      if (!isConditionFailure(error)) throw unavailable(error);
      // The DocumentClient translates results, not errors: the old item arrives in DynamoDB's JSON.
      const old = (error as { Item?: Record<string, AttributeValue> }).Item;
      return old ? { kind: 'final', record: itemToRecord(unmarshall(old) as DetectionLogItem) } : { kind: 'missing' };
    }
  }

  complete(id: string, outcome: CompletedOutcome): Promise<boolean> {
    const keys = indexKeys({ id, status: 'COMPLETED', detectedAnimal: outcome.animal, uncertain: outcome.uncertain }, this.indexShards);
    const set = [
      'ProcessingStatus = :next',
      'StatusPK = :statusKey',
      'AnimalPK = :animalKey',
      '#ts = :at',
      'ClassifiedAt = :at',
      'DetectedAnimal = :animal',
      'ConfidenceScore = :confidence',
      'Uncertain = :uncertain',
      'Labels = :labels',
      'ObjectKey = :key',
      'S3Location = :location',
    ];
    const values: Record<string, unknown> = {
      ':next': statusToItem('COMPLETED'),
      ':statusKey': keys.StatusPK,
      ':animalKey': keys.AnimalPK,
      ':at': outcome.classifiedAt,
      ':animal': animalToItem(outcome.animal),
      ':confidence': outcome.confidence,
      ':uncertain': outcome.uncertain,
      ':labels': labelsToItem(outcome.labels),
      ':key': outcome.objectKey,
      ':location': outcome.s3Location,
    };
    if (outcome.fileSize !== undefined) {
      set.push('FileSize = :fileSize');
      values[':fileSize'] = outcome.fileSize;
    }
    // Through placeholders: some of these names (Width, Height...) may be DynamoDB reserved words.
    const names: Record<string, string> = {};
    const extra = { ...(outcome.metadata ? metadataToItem(outcome.metadata) : {}), ...(outcome.thumbnailKey ? { ThumbnailKey: outcome.thumbnailKey } : {}) };
    for (const [name, value] of Object.entries(extra)) {
      set.push(`#${name} = :${name}`);
      names[`#${name}`] = name;
      values[`:${name}`] = value;
    }
    // UncertainKey exists only on uncertain images, which keeps the ByUncertain index sparse.
    if (keys.UncertainKey) {
      set.push('UncertainKey = :uncertainKey');
      values[':uncertainKey'] = keys.UncertainKey;
    }
    return this.transition(id, `SET ${set.join(', ')}${outcome.uncertain ? '' : ' REMOVE UncertainKey'}`, values, names);
  }

  fail(id: string, reason: string, at: string): Promise<boolean> {
    return this.transition(id, 'SET ProcessingStatus = :next, StatusPK = :statusKey, #ts = :at, FailureReason = :reason', {
      ':next': statusToItem('FAILED'),
      ':statusKey': indexKeys({ id, status: 'FAILED' }, this.indexShards).StatusPK,
      ':at': at,
      ':reason': reason,
    });
  }

  async failIfUnchanged(record: Pick<ImageRecord, 'id' | 'status' | 'updatedAt'>, reason: string, at: string): Promise<boolean> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [TABLE_PARTITION_KEY]: record.id },
          UpdateExpression: 'SET ProcessingStatus = :next, StatusPK = :statusKey, #ts = :at, FailureReason = :reason',
          // Exactly as read: a claim (which rewrites Timestamp) or a final status since then makes this a no-op.
          ConditionExpression: `attribute_exists(#id) AND ${IS_OPEN} AND ProcessingStatus = :expected AND #ts = :seen`,
          ExpressionAttributeNames: { '#id': TABLE_PARTITION_KEY, '#ts': 'Timestamp' },
          ExpressionAttributeValues: {
            ...OPEN_STATUSES,
            ':next': statusToItem('FAILED'),
            ':statusKey': indexKeys({ id: record.id, status: 'FAILED' }, this.indexShards).StatusPK,
            ':at': at,
            ':reason': reason,
            ':expected': statusToItem(record.status),
            ':seen': record.updatedAt,
          },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw unavailable(error);
    }
  }

  async query(plan: ImageQueryPlan): Promise<ImageQueryPage> {
    if (plan.positions.length !== this.indexShards) throw new TypeError(`A plan for ${plan.positions.length} shards reached a log of ${this.indexShards}`);
    const request = buildQuery(this.tableName, plan);
    const filtered = request.FilterExpression !== undefined;
    const readShard = async (partition: string, startKey: Record<string, unknown> | undefined, wanted: number, cap: number) => {
      let out;
      try {
        out = await this.doc.send(
          new QueryCommand({
            ...request,
            ExpressionAttributeValues: { ...request.ExpressionAttributeValues, ':pk': partition },
            ExclusiveStartKey: startKey,
            Limit: Math.min(cap, wanted),
          }),
        );
      } catch (error) {
        throw unavailable(error);
      }
      const entries = (out.Items ?? []) as IndexEntry[];
      return { entries, evaluated: out.ScannedCount ?? entries.length, ...(out.LastEvaluatedKey ? { lastKey: out.LastEvaluatedKey } : {}) };
    };
    // One entry more than the page is merged: finding it is what proves another page exists, so a full page
    // carries a nextToken only when more matches remain. The read budget may end the merge first: then the
    // page is short, even empty, and its nextToken resumes every shard where the budget stopped it.
    const merge = new ShardMerge(plan, plan.positions, readShard, plan.limit + 1, {
      budget: plan.readBudget,
      filtered,
      ...(plan.priorMatchRate ? { prior: plan.priorMatchRate } : {}),
    });
    const page: ImageRecord[] = [];
    while (page.length < plan.limit) {
      const entry = await merge.next();
      if (!entry) break;
      page.push(itemToRecord(entry as unknown as DetectionLogItem));
    }
    const result: ImageQueryPage = { items: page };
    if ((page.length > 0 && (await merge.peek())) || merge.budgetSpent) {
      result.positions = merge.positions();
      const rate = merge.matchRate();
      if (rate) result.matchRate = rate;
    }
    return result;
  }

  /**
   * Whole items by id, in as many BatchGetItem requests as needed. Keys DynamoDB leaves unprocessed
   * (throttling, or the 16 MB response limit) are asked for again after a doubling pause, a bounded number
   * of times: the SDK retries failed requests but not unprocessed keys. Ids with no item are absent.
   */
  private async batchGet(ids: readonly string[]): Promise<Map<string, DetectionLogItem>> {
    const found = new Map<string, DetectionLogItem>();
    const unique = [...new Set(ids)];
    for (let from = 0; from < unique.length; from += BATCH_GET_MAX_KEYS) {
      let keys: Record<string, unknown>[] = unique.slice(from, from + BATCH_GET_MAX_KEYS).map((id) => ({ [TABLE_PARTITION_KEY]: id }));
      for (let round = 0; keys.length > 0; round += 1) {
        if (round === MAX_BATCH_GET_ROUNDS) throw unavailable(new Error(`BatchGetItem left ${keys.length} keys unprocessed`));
        if (round > 0) await sleep(this.unprocessedRetryDelayMs * 2 ** (round - 1));
        let out;
        try {
          out = await this.doc.send(new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: keys } } }));
        } catch (error) {
          throw unavailable(error);
        }
        for (const item of (out.Responses?.[this.tableName] ?? []) as DetectionLogItem[]) found.set(item.ImageID, item);
        keys = out.UnprocessedKeys?.[this.tableName]?.Keys ?? [];
      }
    }
    return found;
  }

  private transitionInput(id: string, update: string, values: Record<string, unknown>, names: Record<string, string> = {}) {
    return {
      TableName: this.tableName,
      Key: { [TABLE_PARTITION_KEY]: id },
      UpdateExpression: update,
      ConditionExpression: `attribute_exists(#id) AND ${IS_OPEN}`,
      ExpressionAttributeNames: { '#id': TABLE_PARTITION_KEY, '#ts': 'Timestamp', ...names },
      ExpressionAttributeValues: { ...OPEN_STATUSES, ...values },
    };
  }

  private async transition(
    id: string,
    update: string,
    values: Record<string, unknown>,
    names: Record<string, string> = {},
  ): Promise<boolean> {
    try {
      await this.doc.send(new UpdateCommand(this.transitionInput(id, update, values, names)));
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw unavailable(error);
    }
  }

}

export const buildQuery = (tableName: string, plan: ImageQueryPlan): QueryCommandInput => {
  const index = INDEXES[plan.index];
  const names: Record<string, string> = { '#pk': index.partitionKey };
  // ':pk' is each shard's partition (`<value>#<shard>`), set per Query.
  const values: Record<string, unknown> = { ':pk': plan.partitionValue };
  let keyCondition = '#pk = :pk';
  // A twin's partition key is multi-attribute: the owner and the sharded key, both by equality.
  if (index.ownerKey) {
    if (plan.owner === undefined) throw new TypeError(`A plan on ${index.name} names no owner`);
    names['#owner'] = index.ownerKey;
    values[':owner'] = plan.owner;
    keyCondition = '#owner = :owner AND #pk = :pk';
  }
  if (plan.createdAfter || plan.createdBefore) names['#sk'] = index.sortKey;
  if (plan.createdAfter && plan.createdBefore) {
    keyCondition += ' AND #sk BETWEEN :after AND :before';
    values[':after'] = plan.createdAfter;
    values[':before'] = plan.createdBefore;
  } else if (plan.createdAfter) {
    keyCondition += ' AND #sk >= :after';
    values[':after'] = plan.createdAfter;
  } else if (plan.createdBefore) {
    keyCondition += ' AND #sk <= :before';
    values[':before'] = plan.createdBefore;
  }

  const filters: string[] = [];
  const { residual } = plan;
  if (residual.detectedAnimal) {
    filters.push(`${FILTER_ATTRIBUTES.detectedAnimal} = :animal`);
    values[':animal'] = animalToItem(residual.detectedAnimal);
  }
  if (residual.status) {
    filters.push(`${FILTER_ATTRIBUTES.status} = :status`);
    values[':status'] = statusToItem(residual.status);
  }
  if (residual.uncertain !== undefined) {
    filters.push(`${FILTER_ATTRIBUTES.uncertain} = :uncertain`);
    values[':uncertain'] = residual.uncertain;
  }
  if (residual.minConfidence !== undefined) {
    filters.push(`${FILTER_ATTRIBUTES.minConfidence} >= :minConfidence`);
    values[':minConfidence'] = residual.minConfidence;
  }
  const input: QueryCommandInput = {
    TableName: tableName,
    IndexName: index.name,
    KeyConditionExpression: keyCondition,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
    // Newest first.
    ScanIndexForward: false,
  };
  if (filters.length > 0) input.FilterExpression = filters.join(' AND ');
  return input;
};
