/** cdk-nag as a synthesis gate: a finding fails `app.synth()`, an exact acknowledgement with a reason lets it pass. */
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { addNagChecks, nagFindings } from '../../infra/nag';

const appWithBucket = (acknowledge: (bucket: s3.Bucket) => void = () => undefined) => {
  const app = new App();
  addNagChecks(app);
  const stack = new Stack(app, 'NagGate');
  // Private and encrypted, but without access logs (S1) and without a TLS-only policy (S10).
  const bucket = new s3.Bucket(stack, 'Bucket', { blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL, encryption: s3.BucketEncryption.S3_MANAGED });
  acknowledge(bucket);
  return { app, stack };
};

describe('cdk-nag gate', () => {
  it('fails synthesis on an unacknowledged finding', () => {
    const { app, stack } = appWithBucket();
    expect(nagFindings(stack).map((f) => f.rule).sort()).toEqual(['AwsSolutions-S1', 'AwsSolutions-S10']);
    expect(() => app.synth()).toThrow(/AwsSolutions-S1'[^]*AwsSolutions-S10'/);
  });

  it('passes once every finding is fixed or acknowledged by its exact id', () => {
    const { app, stack } = appWithBucket((bucket) =>
      Validations.of(bucket).acknowledge({ id: 'AwsSolutions-S1', reason: 'test bucket: access logs are not the point of this test' }),
    );
    const bucket = stack.node.findChild('Bucket') as s3.Bucket;
    expect(nagFindings(stack).map((f) => f.rule)).toEqual(['AwsSolutions-S10']);
    Validations.of(bucket).acknowledge({ id: 'AwsSolutions-S10', reason: 'test bucket: proving an acknowledgement clears the gate' });
    expect(nagFindings(stack)).toEqual([]);
    expect(() => app.synth()).not.toThrow();
  });
});
