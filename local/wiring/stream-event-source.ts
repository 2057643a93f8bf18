/**
 * A DynamoDB stream -> Lambda event source mapping, as the CDK stack configures it: batches in shard order,
 * ReportBatchItemFailures, a bounded number of retries, bisect-on-error, and an SQS on-failure destination
 * that receives AWS's batch-info record for whatever is given up on. Checkpoints persist per shard, so a
 * restart neither replays nor loses records. Closed shards are finished before their children start,
 * which keeps per-item ordering across shard splits.
 */
import {
  DescribeStreamCommand,
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  TrimmedDataAccessException,
  type _Record as StreamRecord,
  type DynamoDBStreamsClient,
  type Shard,
} from '@aws-sdk/client-dynamodb-streams';
import { randomUUID } from 'node:crypto';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { CheckpointStore } from './checkpoint-store';
import { eventFilter } from './event-filter';
import { pollTracker, type EventSource } from './sqs-event-source';
import { invokeWithTimeout } from '../runtime/lambda-context';
import { LOCAL_ACCOUNT_ID } from '../common/naming';

export type StreamHandler = (event: DynamoDBStreamEvent, context: Context) => Promise<DynamoDBBatchResponse | void>;

export interface StreamEventSourceOptions {
  streams: DynamoDBStreamsClient;
  sqs: SQSClient;
  streamArn: string;
  region: string;
  functionName: string;
  handler: StreamHandler;
  checkpoints: CheckpointStore;
  onFailureQueueUrl: string;
  batchSize?: number;
  /** Lambda event filtering patterns (OR-ed), as the mapping in AWS has them; records that match none are consumed unseen. */
  filters?: readonly unknown[];
  retryAttempts?: number;
  bisectBatchOnError?: boolean;
  pollIntervalMs?: number;
  retryDelayMs?: number;
  timeoutMs?: number;
  onInvocation?: (outcome: { records: number; failed: number; error?: unknown; durationMs: number }) => void;
  onGiveUp?: (records: number, reason: string) => void;
}

interface ShardState {
  shard: Shard;
  iterator?: string;
  finished: boolean;
}

const DISCOVERY_INTERVAL_MS = 2_000;

export const startStreamEventSource = (options: StreamEventSourceOptions): EventSource => {
  const accepts = options.filters ? eventFilter(options.filters) : () => true;
  let stopped = false;
  let wake: (() => void) | undefined;
  const tracker = pollTracker();
  const loop = run({ ...options, accepts }, () => stopped, (resume) => (wake = resume), tracker);
  return {
    health: tracker.health,
    stop: async () => {
      stopped = true;
      wake?.();
      await loop;
    },
  };
};

type MappingOptions = StreamEventSourceOptions & { accepts: (record: DynamoDBRecord) => boolean };

const run = async (
  options: MappingOptions,
  isStopped: () => boolean,
  setWake: (wake: () => void) => void,
  tracker: ReturnType<typeof pollTracker>,
): Promise<void> => {
  const shards = new Map<string, ShardState>();
  let lastDiscovery = 0;
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      setWake(() => {
        clearTimeout(timer);
        resolve();
      });
    });

  while (!isStopped()) {
    try {
      if (Date.now() - lastDiscovery > DISCOVERY_INTERVAL_MS) {
        await discoverShards(options, shards);
        lastDiscovery = Date.now();
      }
      let delivered = 0;
      for (const state of shards.values()) {
        if (isStopped()) return;
        if (state.finished || !parentFinished(state, shards)) continue;
        delivered += await pollShard(options, state, isStopped);
        if (state.finished) lastDiscovery = 0;
      }
      tracker.succeeded();
      if (delivered === 0) await pause(options.pollIntervalMs ?? 50);
    } catch (error) {
      if (isStopped()) return;
      tracker.failed(error);
      // DynamoDB Local is restarting or busy: back off and keep the checkpoints as they are.
      await pause(1_000);
    }
  }
};

const parentFinished = (state: ShardState, shards: Map<string, ShardState>): boolean => {
  const parentId = state.shard.ParentShardId;
  if (!parentId) return true;
  const parent = shards.get(parentId);
  return !parent || parent.finished;
};

const discoverShards = async (options: StreamEventSourceOptions, shards: Map<string, ShardState>): Promise<void> => {
  let exclusiveStartShardId: string | undefined;
  do {
    const { StreamDescription } = await options.streams.send(
      new DescribeStreamCommand({ StreamArn: options.streamArn, ExclusiveStartShardId: exclusiveStartShardId }),
    );
    for (const shard of StreamDescription?.Shards ?? []) {
      if (!shard.ShardId || shards.has(shard.ShardId)) continue;
      const finished = options.checkpoints.get(shard.ShardId)?.finished ?? false;
      shards.set(shard.ShardId, { shard, finished });
    }
    exclusiveStartShardId = StreamDescription?.LastEvaluatedShardId;
  } while (exclusiveStartShardId);
};

const pollShard = async (options: MappingOptions, state: ShardState, isStopped: () => boolean): Promise<number> => {
  const shardId = state.shard.ShardId ?? '';
  if (!state.iterator) state.iterator = await openIterator(options, shardId);
  let response;
  try {
    response = await options.streams.send(new GetRecordsCommand({ ShardIterator: state.iterator, Limit: 1000 }));
  } catch (error) {
    if (error instanceof ExpiredIteratorException || error instanceof TrimmedDataAccessException) {
      state.iterator = undefined;
      return 0;
    }
    throw error;
  }
  // After a failure half-way through a GetRecords page the same iterator is read again: skip what the
  // checkpoint says was delivered already, so a retry never replays a record.
  const after = options.checkpoints.get(shardId)?.sequenceNumber;
  const unseen = (response.Records ?? []).filter((r) => !after || BigInt(r.dynamodb?.SequenceNumber ?? '0') > BigInt(after));
  // As in AWS, filtering happens before batching, and a filtered-out record counts as consumed.
  const records = unseen.filter((r) => options.accepts(toLambdaRecord(r, options)));
  const batchSize = options.batchSize ?? 10;
  for (let start = 0; start < records.length; start += batchSize) {
    if (isStopped()) return start;
    await deliver(options, shardId, records.slice(start, start + batchSize));
  }
  const lastSeen = unseen.at(-1)?.dynamodb?.SequenceNumber;
  if (lastSeen && lastSeen !== records.at(-1)?.dynamodb?.SequenceNumber) {
    await options.checkpoints.set(shardId, { ...options.checkpoints.get(shardId), sequenceNumber: lastSeen });
  }
  state.iterator = response.NextShardIterator;
  if (!state.iterator) {
    state.finished = true;
    await options.checkpoints.set(shardId, { ...options.checkpoints.get(shardId), finished: true });
  }
  return unseen.length;
};

const openIterator = async (options: StreamEventSourceOptions, shardId: string): Promise<string | undefined> => {
  const after = options.checkpoints.get(shardId)?.sequenceNumber;
  try {
    const { ShardIterator } = await options.streams.send(
      new GetShardIteratorCommand({
        StreamArn: options.streamArn,
        ShardId: shardId,
        ...(after
          ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: after }
          : { ShardIteratorType: 'TRIM_HORIZON' }),
      }),
    );
    return ShardIterator;
  } catch (error) {
    // The checkpoint fell out of the stream's 24-hour window: everything left is newer than it.
    if (error instanceof TrimmedDataAccessException) {
      const { ShardIterator } = await options.streams.send(
        new GetShardIteratorCommand({ StreamArn: options.streamArn, ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON' }),
      );
      return ShardIterator;
    }
    throw error;
  }
};

interface Attempt {
  records: StreamRecord[];
  attempt: number;
}

const deliver = async (options: StreamEventSourceOptions, shardId: string, batch: StreamRecord[]): Promise<void> => {
  const retryAttempts = options.retryAttempts ?? 3;
  const pending: Attempt[] = [{ records: batch, attempt: 0 }];
  const checkpoint = (record: StreamRecord | undefined) =>
    record?.dynamodb?.SequenceNumber
      ? options.checkpoints.set(shardId, { sequenceNumber: record.dynamodb.SequenceNumber })
      : Promise.resolve();

  while (pending.length > 0) {
    const { records, attempt } = pending.shift() as Attempt;
    const outcome = await invoke(options, records);
    if (outcome.failedIndex === undefined) {
      await checkpoint(records.at(-1));
      continue;
    }
    // Everything before the first failure is done; Lambda resumes from the failed record.
    await checkpoint(records[outcome.failedIndex - 1]);
    const rest = records.slice(outcome.failedIndex);
    // A function error bisects the batch, narrowing the failure down to one record without spending its
    // retries; a partial batch response already names where to resume, so it is retried from there.
    if ((options.bisectBatchOnError ?? true) && outcome.functionError === 'Unhandled' && rest.length > 1) {
      const middle = Math.ceil(rest.length / 2);
      pending.unshift({ records: rest.slice(0, middle), attempt }, { records: rest.slice(middle), attempt });
      continue;
    }
    if (attempt >= retryAttempts) {
      await sendToOnFailure(options, shardId, rest, attempt + 1, outcome.functionError);
      await checkpoint(rest.at(-1));
      continue;
    }
    await new Promise((resolve) => setTimeout(resolve, (options.retryDelayMs ?? 200) * 2 ** attempt));
    pending.unshift({ records: rest, attempt: attempt + 1 });
  }
};

const invoke = async (
  options: StreamEventSourceOptions,
  records: StreamRecord[],
): Promise<{ failedIndex?: number; functionError?: string }> => {
  const event: DynamoDBStreamEvent = { Records: records.map((r) => toLambdaRecord(r, options)) };
  const started = Date.now();
  try {
    const response = await invokeWithTimeout(options.functionName, options.handler, event, options.timeoutMs ?? 60_000);
    const failed = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
    options.onInvocation?.({ records: records.length, failed: failed.size, durationMs: Date.now() - started });
    if (failed.size === 0) return {};
    const index = records.findIndex((r) => failed.has(r.dynamodb?.SequenceNumber ?? ''));
    // An identifier we did not send means the whole batch failed, as Lambda treats it.
    return { failedIndex: index < 0 ? 0 : index, functionError: 'PartialBatchFailure' };
  } catch (error) {
    options.onInvocation?.({ records: records.length, failed: records.length, error, durationMs: Date.now() - started });
    return { failedIndex: 0, functionError: 'Unhandled' };
  }
};

const toLambdaRecord = (record: StreamRecord, options: StreamEventSourceOptions): DynamoDBRecord => {
  const change = record.dynamodb ?? {};
  const created = change.ApproximateCreationDateTime;
  return {
    eventID: record.eventID,
    eventName: record.eventName,
    eventVersion: record.eventVersion ?? '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: options.region,
    eventSourceARN: options.streamArn,
    dynamodb: {
      ApproximateCreationDateTime: created ? Math.floor(new Date(created).getTime() / 1000) : undefined,
      Keys: change.Keys as NonNullable<DynamoDBRecord['dynamodb']>['Keys'],
      NewImage: change.NewImage as NonNullable<DynamoDBRecord['dynamodb']>['NewImage'],
      OldImage: change.OldImage as NonNullable<DynamoDBRecord['dynamodb']>['OldImage'],
      SequenceNumber: change.SequenceNumber,
      SizeBytes: change.SizeBytes,
      StreamViewType: change.StreamViewType,
    },
  };
};

/** The record AWS sends to a stream mapping's on-failure destination: batch coordinates, not the items. */
const sendToOnFailure = async (
  options: StreamEventSourceOptions,
  shardId: string,
  records: StreamRecord[],
  invokeCount: number,
  functionError = 'Unhandled',
): Promise<void> => {
  const first = records[0]?.dynamodb;
  const last = records.at(-1)?.dynamodb;
  const body = {
    requestContext: {
      requestId: randomUUID(),
      functionArn: `arn:aws:lambda:${options.region}:${LOCAL_ACCOUNT_ID}:function:${options.functionName}`,
      condition: 'RetryAttemptsExhausted',
      approximateInvokeCount: invokeCount,
    },
    responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError },
    version: '1.0',
    timestamp: new Date().toISOString(),
    DDBStreamBatchInfo: {
      shardId,
      startSequenceNumber: first?.SequenceNumber,
      endSequenceNumber: last?.SequenceNumber,
      approximateArrivalOfFirstRecord: first?.ApproximateCreationDateTime,
      approximateArrivalOfLastRecord: last?.ApproximateCreationDateTime,
      batchSize: records.length,
      streamArn: options.streamArn,
    },
  };
  await options.sqs.send(new SendMessageCommand({ QueueUrl: options.onFailureQueueUrl, MessageBody: JSON.stringify(body) }));
  options.onGiveUp?.(records.length, functionError);
};
