/**
 * DetectionLog on DynamoDB (DocumentClient). Every status change is a conditional write on the current
 * status, which is what makes the processor idempotent under at-least-once delivery. A page of `images`
 * is a Query on an index that holds keys and filter attributes only, then one BatchGetItem for the records.
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
import { type ImageQueryPage, type ImageQueryPlan, pageKeyAttributes } from '../core/image-query';
import type { CompletedOutcome, DetectionLog, ProcessingClaim } from '../core/ports';
import {
  animalToItem,
  type DetectionLogItem,
  itemToRecord,
  labelsToItem,
  recordToItem,
  statusToItem,
} from '../core/record-mapping';
import { FILTER_ATTRIBUTES, INDEXES, TABLE_PARTITION_KEY, UNCERTAIN_PARTITION_VALUE } from '../core/table-design';

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
/** With residual filters, evaluate more than the page needs per request to save round trips. */
const FILTERED_READ_SIZE = 200;

const OPEN_STATUSES = { ':pending': statusToItem('PENDING'), ':processing': statusToItem('PROCESSING') };
const IS_OPEN = 'ProcessingStatus IN (:pending, :processing)';

/** An index entry: the table key, the index's keys and the filter attributes (indexProjection). */
type IndexEntry = Record<string, unknown>;

export interface DetectionLogOptions {
  /** Pause before the first retry of unprocessed BatchGetItem keys, doubled for each further round. */
  unprocessedRetryDelayMs?: number;
}

export class DynamoDbDetectionLog implements DetectionLog {
  private readonly unprocessedRetryDelayMs: number;

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    options: DetectionLogOptions = {},
  ) {
    this.unprocessedRetryDelayMs = options.unprocessedRetryDelayMs ?? DEFAULT_UNPROCESSED_RETRY_DELAY_MS;
  }

  async createPending(record: ImageRecord): Promise<void> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: recordToItem(record),
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
          ...this.transitionInput(id, 'SET ProcessingStatus = :next, #ts = :at', { ':next': statusToItem('PROCESSING'), ':at': at }),
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
    const set = [
      'ProcessingStatus = :next',
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
    // UncertainKey exists only on uncertain images, which keeps the ByUncertain index sparse.
    if (outcome.uncertain) {
      set.push('UncertainKey = :uncertainKey');
      values[':uncertainKey'] = UNCERTAIN_PARTITION_VALUE;
    }
    return this.transition(id, `SET ${set.join(', ')}${outcome.uncertain ? '' : ' REMOVE UncertainKey'}`, values);
  }

  fail(id: string, reason: string, at: string): Promise<boolean> {
    return this.transition(id, 'SET ProcessingStatus = :next, #ts = :at, FailureReason = :reason', {
      ':next': statusToItem('FAILED'),
      ':at': at,
      ':reason': reason,
    });
  }

  async query(plan: ImageQueryPlan): Promise<ImageQueryPage> {
    const request = buildQuery(this.tableName, plan);
    const filtered = request.FilterExpression !== undefined;
    const page: Array<{ entry: IndexEntry; record: ImageRecord }> = [];
    // Index entries read but not fetched yet. One entry more than the page is read: finding it is what
    // proves another page exists, so nextToken is set exactly when more matches remain and a page is
    // never short or empty while it is set.
    const unread: IndexEntry[] = [];
    let startKey = plan.startKey;
    let exhausted = false;
    for (;;) {
      while (!exhausted && page.length + unread.length <= plan.limit) {
        const wanted = plan.limit + 1 - page.length - unread.length;
        let out;
        try {
          out = await this.doc.send(
            new QueryCommand({
              ...request,
              ExclusiveStartKey: startKey,
              Limit: filtered ? Math.max(FILTERED_READ_SIZE, wanted) : wanted,
            }),
          );
        } catch (error) {
          throw unavailable(error);
        }
        unread.push(...((out.Items ?? []) as IndexEntry[]));
        startKey = out.LastEvaluatedKey;
        exhausted = startKey === undefined;
      }
      const batch = unread.splice(0, plan.limit - page.length);
      if (batch.length === 0) break;
      const items = await this.batchGet(batch.map((entry) => entry[TABLE_PARTITION_KEY] as string));
      // An entry whose item is gone (TTL deleted it since the index was read) is skipped, and the loop
      // reads on to fill its place.
      for (const entry of batch) {
        const item = items.get(entry[TABLE_PARTITION_KEY] as string);
        if (item) page.push({ entry, record: itemToRecord(item) });
      }
      if (page.length === plan.limit) break;
    }

    const result: ImageQueryPage = { items: page.map((p) => p.record) };
    const last = page[page.length - 1];
    // Resume from the index entry, not the fetched item: DynamoDB resumes after the key it listed.
    if (unread.length > 0 && last) result.lastKey = resumeKey(last.entry, plan);
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

  private transitionInput(id: string, update: string, values: Record<string, unknown>) {
    return {
      TableName: this.tableName,
      Key: { [TABLE_PARTITION_KEY]: id },
      UpdateExpression: update,
      ConditionExpression: `attribute_exists(#id) AND ${IS_OPEN}`,
      ExpressionAttributeNames: { '#id': TABLE_PARTITION_KEY, '#ts': 'Timestamp' },
      ExpressionAttributeValues: { ...OPEN_STATUSES, ...values },
    };
  }

  private async transition(id: string, update: string, values: Record<string, unknown>): Promise<boolean> {
    try {
      await this.doc.send(new UpdateCommand(this.transitionInput(id, update, values)));
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw unavailable(error);
    }
  }

}

/** The index key of the last entry returned: DynamoDB resumes strictly after it. */
const resumeKey = (entry: IndexEntry, plan: ImageQueryPlan): Record<string, unknown> =>
  Object.fromEntries(pageKeyAttributes(plan.index).map((name) => [name, entry[name]]));

export const buildQuery = (tableName: string, plan: ImageQueryPlan): QueryCommandInput => {
  const index = INDEXES[plan.index];
  const names: Record<string, string> = { '#pk': index.partitionKey };
  const values: Record<string, unknown> = { ':pk': plan.partitionValue };
  let keyCondition = '#pk = :pk';
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
  // Only FILTER_ATTRIBUTES: the indexes project nothing else (table-design.ts indexProjection).
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
