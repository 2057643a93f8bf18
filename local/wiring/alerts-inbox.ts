/**
 * The local stand-in for the uncertain-alerts e-mail subscriber: drains the topic's SQS subscription,
 * keeps the most recent notifications for GET /local/alerts (the web console) and tells the log.
 */
import { DeleteMessageBatchCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';

export interface Alert {
  messageId: string;
  topicArn: string;
  subject?: string;
  /** The notifier's message, parsed when it is JSON. */
  message: unknown;
  receivedAt: string;
}

export interface AlertsInbox {
  list(): Alert[];
  stop(): Promise<void>;
}

const KEEP = 200;

export const startAlertsInbox = (options: {
  sqs: SQSClient;
  queueUrl: string;
  onAlert?: (alert: Alert) => void;
}): AlertsInbox => {
  const alerts: Alert[] = [];
  const abort = new AbortController();
  const loop = (async () => {
    while (!abort.signal.aborted) {
      try {
        const { Messages = [] } = await options.sqs.send(
          new ReceiveMessageCommand({ QueueUrl: options.queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 5 }),
          { abortSignal: abort.signal },
        );
        for (const message of Messages) {
          const alert = parseEnvelope(message.Body ?? '{}', message.MessageId ?? '');
          alerts.push(alert);
          if (alerts.length > KEEP) alerts.shift();
          options.onAlert?.(alert);
        }
        if (Messages.length > 0) {
          await options.sqs.send(
            new DeleteMessageBatchCommand({
              QueueUrl: options.queueUrl,
              Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
            }),
          );
        }
      } catch {
        if (abort.signal.aborted) return;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  })();
  return {
    list: () => [...alerts],
    stop: async () => {
      abort.abort();
      await loop;
    },
  };
};

/** An SQS subscription receives SNS's JSON envelope (raw delivery is off, as in the CDK stack). */
const parseEnvelope = (body: string, fallbackId: string): Alert => {
  const envelope = JSON.parse(body) as { MessageId?: string; TopicArn?: string; Subject?: string; Message?: string };
  let message: unknown = envelope.Message;
  try {
    message = JSON.parse(envelope.Message ?? '');
  } catch {
    // A plain-text notification stays text.
  }
  return {
    messageId: envelope.MessageId ?? fallbackId,
    topicArn: envelope.TopicArn ?? '',
    subject: envelope.Subject,
    message,
    receivedAt: new Date().toISOString(),
  };
};
