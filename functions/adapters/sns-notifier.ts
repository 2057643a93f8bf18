/** Notifier on SNS: one message per uncertain classification, for a person to review. */
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { Notifier, UncertainAlert } from '../core/ports';

export class SnsNotifier implements Notifier {
  constructor(
    private readonly sns: SNSClient,
    private readonly topicArn: string,
  ) {}

  async notifyUncertain(alert: UncertainAlert): Promise<void> {
    const confidence = Math.round(alert.confidence * 10) / 10;
    await this.sns.send(
      new PublishCommand({
        TopicArn: this.topicArn,
        // Email subscribers see the subject; keep it short, ASCII and under SNS's 100 characters.
        Subject: `Uncertain classification: ${alert.animal} ${confidence}%`,
        Message: JSON.stringify({
          imageId: alert.imageId,
          animal: alert.animal,
          confidence: alert.confidence,
          s3Location: alert.s3Location,
          labels: alert.labels.map((l) => ({ name: l.name, confidence: l.confidence })),
        }),
        MessageAttributes: {
          animal: { DataType: 'String', StringValue: alert.animal },
          imageId: { DataType: 'String', StringValue: alert.imageId },
        },
      }),
    );
  }
}
