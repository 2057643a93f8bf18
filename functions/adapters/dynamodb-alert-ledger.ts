/**
 * AlertLedger on the image's own record: `AlertSentAt` set by one conditional update, so only the first
 * delivery of a stream record claims the alert. The update changes no status, so the stream filter
 * (transitions into a final status only) never wakes the publisher for it.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TransientError } from '../core/errors';
import type { AlertLedger } from '../core/ports';
import { ALERT_SENT_ATTRIBUTE, TABLE_PARTITION_KEY } from '../core/table-design';

export class DynamoDbAlertLedger implements AlertLedger {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async claim(imageId: string, at: string): Promise<boolean> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [TABLE_PARTITION_KEY]: imageId },
          UpdateExpression: 'SET #sent = :at',
          // The record must exist: an update would otherwise create an item for an id that has none.
          ConditionExpression: 'attribute_exists(#id) AND attribute_not_exists(#sent)',
          ExpressionAttributeNames: { '#id': TABLE_PARTITION_KEY, '#sent': ALERT_SENT_ATTRIBUTE },
          ExpressionAttributeValues: { ':at': at },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw new TransientError('DependencyUnavailable', 'The detection log is unavailable, try again', { cause: error });
    }
  }

  async release(imageId: string): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { [TABLE_PARTITION_KEY]: imageId },
        UpdateExpression: 'REMOVE #sent',
        ConditionExpression: 'attribute_exists(#id)',
        ExpressionAttributeNames: { '#id': TABLE_PARTITION_KEY, '#sent': ALERT_SENT_ATTRIBUTE },
      }),
    ).catch(() => undefined);
  }
}
