/**
 * An SQS -> Lambda event source mapping, as AWS runs it: long-poll the queue, hand SQS-shaped batches to
 * the handler, delete what succeeded, and leave failures to the queue (they reappear after the visibility
 * timeout, and the queue's redrive policy moves them to the DLQ after maxReceiveCount receives).
 * ReportBatchItemFailures is on, as in the CDK stack: `batchItemFailures` keeps only those messages.
 */
import {
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  type Message,
  type MessageAttributeValue,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSMessageAttributes, SQSRecord } from 'aws-lambda';
import { invokeWithTimeout } from '../runtime/lambda-context';

export type SqsHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | void>;

export interface SqsEventSourceOptions {
  sqs: SQSClient;
  queueUrl: string;
  queueArn: string;
  region: string;
  functionName: string;
  handler: SqsHandler;
  batchSize?: number;
  /** Batches in flight at once (Lambda's concurrency for this mapping). */
  concurrency?: number;
  timeoutMs?: number;
  onInvocation?: (outcome: { records: number; failed: number; error?: unknown; durationMs: number }) => void;
}

export interface EventSourceHealth {
  up: boolean;
  /** Why not, when not: the last error of the source's own calls (not of the function). */
  detail?: string;
}

export interface EventSource {
  /** Up while its last poll of the queue or stream succeeded. */
  health(): EventSourceHealth;
  stop(): Promise<void>;
}

/** What a mapping's pollers report about their own calls to the queue or stream. */
export const pollTracker = () => {
  let lastError: string | undefined;
  return {
    succeeded: () => (lastError = undefined),
    failed: (error: unknown) => (lastError = error instanceof Error ? `${error.name}: ${error.message}` : String(error)),
    health: (): EventSourceHealth => (lastError === undefined ? { up: true } : { up: false, detail: lastError }),
  };
};

export const startSqsEventSource = (options: SqsEventSourceOptions): EventSource => {
  const abort = new AbortController();
  const tracker = pollTracker();
  const pollers = Array.from({ length: options.concurrency ?? 2 }, () => poll(options, abort.signal, tracker));
  return {
    health: tracker.health,
    stop: async () => {
      abort.abort();
      await Promise.allSettled(pollers);
    },
  };
};

const poll = async (options: SqsEventSourceOptions, signal: AbortSignal, tracker: ReturnType<typeof pollTracker>): Promise<void> => {
  while (!signal.aborted) {
    let messages: Message[] = [];
    try {
      const received = await options.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: options.queueUrl,
          MaxNumberOfMessages: options.batchSize ?? 10,
          WaitTimeSeconds: 5,
          MessageSystemAttributeNames: ['All'],
          MessageAttributeNames: ['All'],
        }),
        { abortSignal: signal },
      );
      messages = received.Messages ?? [];
      tracker.succeeded();
    } catch (error) {
      if (signal.aborted) return;
      tracker.failed(error);
      // The emulator is restarting or gone; Lambda's poller backs off the same way.
      await sleep(500);
      continue;
    }
    if (messages.length === 0) continue;
    await deliver(options, messages);
  }
};

const deliver = async (options: SqsEventSourceOptions, messages: Message[]): Promise<void> => {
  const event: SQSEvent = { Records: messages.map((m) => toRecord(m, options)) };
  const started = Date.now();
  let failedIds = new Set<string>();
  let invocationError: unknown;
  try {
    const response = await invokeWithTimeout(options.functionName, options.handler, event, options.timeoutMs ?? 60_000);
    failedIds = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
  } catch (error) {
    // A failed invocation fails the whole batch: every message goes back to the queue.
    invocationError = error;
    failedIds = new Set(event.Records.map((r) => r.messageId));
  }
  const succeeded = messages.filter((m) => m.MessageId && !failedIds.has(m.MessageId));
  if (succeeded.length > 0) {
    await options.sqs
      .send(
        new DeleteMessageBatchCommand({
          QueueUrl: options.queueUrl,
          Entries: succeeded.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
        }),
      )
      .catch(() => undefined);
  }
  options.onInvocation?.({ records: messages.length, failed: failedIds.size, error: invocationError, durationMs: Date.now() - started });
};

const toRecord = (message: Message, options: SqsEventSourceOptions): SQSRecord => {
  const attributes = message.Attributes ?? {};
  return {
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    body: message.Body ?? '',
    attributes: {
      ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? '1',
      SentTimestamp: attributes.SentTimestamp ?? String(Date.now()),
      SenderId: attributes.SenderId ?? 'local',
      ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
    },
    messageAttributes: toLambdaAttributes(message.MessageAttributes ?? {}),
    md5OfBody: message.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: options.queueArn,
    awsRegion: options.region,
  };
};

// Lambda spells message attributes in camelCase, unlike the SQS API.
const toLambdaAttributes = (attributes: Record<string, MessageAttributeValue>): SQSMessageAttributes =>
  Object.fromEntries(
    Object.entries(attributes).map(([name, value]) => [
      name,
      {
        dataType: value.DataType ?? 'String',
        stringValue: value.StringValue,
        binaryValue: value.BinaryValue ? Buffer.from(value.BinaryValue).toString('base64') : undefined,
        stringListValues: [],
        binaryListValues: [],
      },
    ]),
  );

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
