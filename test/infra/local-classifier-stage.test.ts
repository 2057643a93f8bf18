/**
 * A stage deployed with -c classifier=local, read off its template (bundling skipped here: what the
 * bundle carries is asserted in bundling.test.ts, and fetching linux-arm64 sharp needs the registry).
 */
import { synthesizeTemplate, type Template } from '../../infra/cost/facts';
import { stageConfig } from '../../infra/config';

jest.setTimeout(120_000);

describe('prod with the local classifier', () => {
  let template: Template;
  const config = stageConfig({ stage: 'prod', classifier: 'local' });
  const resource = (type: string, name: string, key: string) =>
    Object.values(template.Resources).find((r) => r.Type === type && r.Properties?.[key] === name)?.Properties as Record<string, unknown>;

  beforeAll(() => {
    ({ template } = synthesizeTemplate({ stage: 'prod', classifier: 'local' }));
  });

  it('runs the processor on a full vCPU with CLASSIFIER=local and a longer timeout', () => {
    const processor = resource('AWS::Lambda::Function', `${config.prefix}image-processor`, 'FunctionName');
    expect(processor).toMatchObject({ MemorySize: 1769, Timeout: 60 });
    expect((processor.Environment as { Variables: Record<string, unknown> }).Variables.CLASSIFIER).toBe('local');
  });

  it('keeps the queue visibility timeout at six processor timeouts', () => {
    const queue = resource('AWS::SQS::Queue', `${config.prefix}uploads`, 'QueueName');
    expect(queue.VisibilityTimeout).toBeGreaterThanOrEqual(6 * 60);
  });

  it('grants no Rekognition permission at all', () => {
    const statements = Object.values(template.Resources)
      .filter((r) => r.Type === 'AWS::IAM::Policy')
      .flatMap((r) => (r.Properties?.PolicyDocument as { Statement: Array<{ Action: string | string[] }> }).Statement);
    expect(statements.flatMap((s) => [s.Action].flat()).filter((a) => a.startsWith('rekognition:'))).toEqual([]);
  });

  it('leaves the other functions as they are', () => {
    const reader = resource('AWS::Lambda::Function', `${config.prefix}image-reader`, 'FunctionName');
    expect((reader.Environment as { Variables: Record<string, unknown> }).Variables.CLASSIFIER).toBeUndefined();
    expect(reader.MemorySize).toBe(stageConfig({ stage: 'prod' }).functions['image-reader'].memoryMb);
  });
});
