/**
 * The SQS queues and the SNS topic, created in fauxqs through the SDK as the CDK stack declares them:
 * uploads queue + DLQ (DEFAULT_MAX_RECEIVE_COUNT receives), the stream's on-failure queue, and the uncertain-alerts topic
 * with an SQS subscription standing in for the e-mail subscriber (fauxqs delivers to SQS only).
 * fauxqs keeps no state across restarts, so this runs on every start.
 */
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { CreateTopicCommand, SubscribeCommand, type SNSClient } from '@aws-sdk/client-sns';
import { DEFAULT_MAX_RECEIVE_COUNT } from '../../functions/core/settings';
import { LOCAL_NAMES } from '../common/naming';

export interface Queue {
  url: string;
  arn: string;
}

export interface Messaging {
  uploads: Queue;
  uploadsDlq: Queue;
  streamFailures: Queue;
  alerts: Queue;
  topicArn: string;
}

export const provisionMessaging = async (
  clients: { sqs: SQSClient; sns: SNSClient },
  options: { visibilityTimeoutSeconds: number },
): Promise<Messaging> => {
  const createQueue = async (name: string, attributes: Record<string, string> = {}): Promise<Queue> => {
    const { QueueUrl } = await clients.sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
    if (!QueueUrl) throw new Error(`CreateQueue ${name} returned no URL`);
    const { Attributes } = await clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
    const arn = Attributes?.QueueArn;
    if (!arn) throw new Error(`Queue ${name} has no ARN`);
    return { url: QueueUrl, arn };
  };

  const [uploadsDlq, streamFailures, alerts] = await Promise.all([
    createQueue(LOCAL_NAMES.uploadDlq),
    createQueue(LOCAL_NAMES.streamFailureQueue),
    createQueue(LOCAL_NAMES.alertsQueue),
  ]);
  const uploads = await createQueue(LOCAL_NAMES.uploadQueue, {
    VisibilityTimeout: String(options.visibilityTimeoutSeconds),
    RedrivePolicy: JSON.stringify({ deadLetterTargetArn: uploadsDlq.arn, maxReceiveCount: String(DEFAULT_MAX_RECEIVE_COUNT) }),
  });
  const { TopicArn } = await clients.sns.send(new CreateTopicCommand({ Name: LOCAL_NAMES.topic }));
  if (!TopicArn) throw new Error('CreateTopic returned no ARN');
  await clients.sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: alerts.arn }));
  return { uploads, uploadsDlq, streamFailures, alerts, topicArn: TopicArn };
};
