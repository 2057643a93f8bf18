import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { SnsNotifier } from '../../../functions/adapters/sns-notifier';

const sns = mockClient(SNSClient);

describe('SnsNotifier', () => {
  it('publishes one message with the id, animal, confidence, location and labels', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    const topic = 'arn:aws:sns:us-east-1:000000000000:serverlessapp-local-uncertain';
    await new SnsNotifier(new SNSClient({ region: 'us-east-1' }), topic).notifyUncertain({
      imageId: 'img-1',
      animal: 'DOG',
      confidence: 66.666,
      s3Location: 's3://b/dogs/img-1.jpg',
      labels: [{ name: 'Dog', confidence: 66.666, boundingBoxes: [{ left: 0, top: 0, width: 1, height: 1 }] }],
    });
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    const input = sns.commandCalls(PublishCommand)[0]!.args[0].input;
    expect(input.TopicArn).toBe(topic);
    expect(input.Subject).toBe('Uncertain classification: DOG 66.7%');
    expect(JSON.parse(input.Message!)).toEqual({
      imageId: 'img-1',
      animal: 'DOG',
      confidence: 66.666,
      s3Location: 's3://b/dogs/img-1.jpg',
      labels: [{ name: 'Dog', confidence: 66.666 }],
    });
    expect(input.MessageAttributes?.animal).toEqual({ DataType: 'String', StringValue: 'DOG' });
  });
});
