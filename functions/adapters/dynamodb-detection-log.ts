/**
 * DetectionLog on DynamoDB (DocumentClient). Every status change is a conditional write on the current
 * status, which is what makes the processor idempotent under at-least-once delivery.
 */
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
import type { CompletedOutcome, DetectionLog } from '../core/ports';
import {
  animalToItem,
  type DetectionLogItem,
  itemToRecord,
  labelsToItem,
  recordToItem,
  statusToItem,
} from '../core/record-mapping';
import { INDEXES, TABLE_PARTITION_KEY, UNCERTAIN_PARTITION_VALUE } from '../core/table-design';

const isConditionFailure = (error: unknown): boolean =>
  error instanceof Error && error.name === 'ConditionalCheckFailedException';

const unavailable = (error: unknown): TransientError =>
  new TransientError('DependencyUnavailable', 'DetectionLogs is unavailable, try again', { cause: error });

/** BatchGetItem may leave keys unprocessed under load; a few rounds settle it, then we report it. */
const MAX_BATCH_GET_ROUNDS = 5;
/** With residual filters, evaluate more than the page needs per request to save round trips. */
const FILTERED_READ_SIZE = 200;

const OPEN_STATUSES = { ':pending': statusToItem('PENDING'), ':processing': statusToItem('PROCESSING') };
const IS_OPEN = 'ProcessingStatus IN (:pending, :processing)';

export class DynamoDbDetectionLog implements DetectionLog {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

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

  async getMany(ids: readonly string[]): Promise<ImageRecord[]> {
    const records: ImageRecord[] = [];
    let keys: Record<string, unknown>[] = ids.map((id) => ({ [TABLE_PARTITION_KEY]: id }));
    for (let round = 0; keys.length > 0; round += 1) {
      if (round === MAX_BATCH_GET_ROUNDS) throw unavailable(new Error('BatchGetItem left keys unprocessed'));
      let out;
      try {
        out = await this.doc.send(new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: keys } } }));
      } catch (error) {
        throw unavailable(error);
      }
      for (const item of out.Responses?.[this.tableName] ?? []) records.push(itemToRecord(item as DetectionLogItem));
      keys = out.UnprocessedKeys?.[this.tableName]?.Keys ?? [];
    }
    return records;
  }

  markProcessing(id: string, at: string): Promise<boolean> {
    return this.transition(id, 'SET ProcessingStatus = :next, #ts = :at', {
      ':next': statusToItem('PROCESSING'),
      ':at': at,
    });
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
    // One more than the page: finding it is what proves another page exists, so nextToken is
    // set exactly when more matches remain and a page is never short or empty while it is set.
    const wanted = plan.limit + 1;
    const items: DetectionLogItem[] = [];
    let startKey = plan.startKey;
    do {
      let out;
      try {
        out = await this.doc.send(
          new QueryCommand({
            ...request,
            ExclusiveStartKey: startKey,
            Limit: filtered ? Math.max(FILTERED_READ_SIZE, wanted - items.length) : wanted - items.length,
          }),
        );
      } catch (error) {
        throw unavailable(error);
      }
      items.push(...((out.Items ?? []) as DetectionLogItem[]));
      startKey = out.LastEvaluatedKey;
    } while (items.length < wanted && startKey);

    const page = items.slice(0, plan.limit);
    const last = page[page.length - 1];
    const result: ImageQueryPage = { items: page.map(itemToRecord) };
    if (items.length > plan.limit && last) result.lastKey = resumeKey(last, plan);
    return result;
  }

  private async transition(id: string, update: string, values: Record<string, unknown>): Promise<boolean> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [TABLE_PARTITION_KEY]: id },
          UpdateExpression: update,
          ConditionExpression: `attribute_exists(#id) AND ${IS_OPEN}`,
          ExpressionAttributeNames: { '#id': TABLE_PARTITION_KEY, '#ts': 'Timestamp' },
          ExpressionAttributeValues: { ...OPEN_STATUSES, ...values },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw unavailable(error);
    }
  }
}

/** The index key of the last item returned: DynamoDB resumes strictly after it. */
const resumeKey = (item: DetectionLogItem, plan: ImageQueryPlan): Record<string, unknown> => {
  const record = item as unknown as Record<string, unknown>;
  return Object.fromEntries(pageKeyAttributes(plan.index).map((name) => [name, record[name]]));
};

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
  if (residual.detectedAnimal) {
    filters.push('DetectedAnimal = :animal');
    values[':animal'] = animalToItem(residual.detectedAnimal);
  }
  if (residual.status) {
    filters.push('ProcessingStatus = :status');
    values[':status'] = statusToItem(residual.status);
  }
  if (residual.uncertain !== undefined) {
    filters.push('Uncertain = :uncertain');
    values[':uncertain'] = residual.uncertain;
  }
  if (residual.minConfidence !== undefined) {
    filters.push('ConfidenceScore >= :minConfidence');
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
