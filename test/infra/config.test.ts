/** The typed per-stage configuration and the command-line context that may override it. */
import { overridesFromContext, STAGES, stageConfig } from '../../infra/config';
import { heifPeakMb } from '../../functions/core/image-validation';

describe('stageConfig', () => {
  it.each(STAGES)('%s: every name starts serverlessapp-<stage>- and the region defaults to us-east-1', (stage) => {
    const config = stageConfig({ stage });
    expect(config.prefix).toBe(`serverlessapp-${stage}-`);
    expect(config.region).toBe('us-east-1');
    expect(config.classifier).toBe('rekognition');
    expect(config.deployConsole).toBe(false);
    expect(config.bundleAwsSdk).toBe(true);
  });

  it.each(STAGES)('%s: holds sane, internally consistent settings', (stage) => {
    const config = stageConfig({ stage });
    expect(config.thresholds.uncertainMin).toBeLessThan(config.thresholds.confident);
    expect(config.uploadUrlTtlSeconds).toBeGreaterThanOrEqual(300);
    expect(config.uploadUrlTtlSeconds).toBeLessThanOrEqual(900);
    expect(config.apiKeyExpiryDays).toBeGreaterThanOrEqual(1);
    expect(config.apiKeyExpiryDays).toBeLessThanOrEqual(365);
    expect(config.uploadQueue.maxReceiveCount).toBe(3);
    expect(Number.isInteger(config.apiTraceSampling.reservoirPerSecond) && config.apiTraceSampling.reservoirPerSecond >= 0).toBe(true);
    expect(config.apiTraceSampling.fixedRate).toBeGreaterThan(0);
    expect(config.apiTraceSampling.fixedRate).toBeLessThanOrEqual(1);
    for (const fn of Object.values(config.functions)) {
      // The SQS poller's maximum concurrency is at least 2, so no reservation may be lower.
      expect(fn.reservedConcurrency).toBeGreaterThanOrEqual(2);
      expect(fn.timeoutSeconds).toBeLessThanOrEqual(900);
    }
  });

  it.each(STAGES)('%s: the processor holds the largest HEIC it decodes with a tenth of its memory to spare, so such a photo ends FAILED, never out of memory', (stage) => {
    for (const classifier of ['rekognition', 'local'] as const) {
      expect(heifPeakMb()).toBeLessThanOrEqual(0.9 * stageConfig({ stage, classifier }).functions['image-processor'].memoryMb);
    }
  });

  it('keeps data and protects the table only in prod', () => {
    expect(STAGES.map((stage) => [stage, stageConfig({ stage }).retainData, stageConfig({ stage }).deletionProtection])).toEqual([
      ['dev', false, false],
      ['staging', false, false],
      ['prod', true, true],
    ]);
  });

  it('gives the processor a full vCPU and a longer timeout when it runs the local model', () => {
    const rekognition = stageConfig({ stage: 'prod' }).functions['image-processor'];
    const local = stageConfig({ stage: 'prod', classifier: 'local' }).functions['image-processor'];
    expect(local.memoryMb).toBeGreaterThanOrEqual(1769);
    expect(local.timeoutSeconds).toBeGreaterThan(rekognition.timeoutSeconds);
    expect(local.reservedConcurrency).toBe(rekognition.reservedConcurrency);
  });

  it('applies the command-line overrides', () => {
    const config = stageConfig({
      stage: 'staging',
      region: 'eu-west-1',
      notificationEmail: 'ops@example.com',
      console: 'true',
      corsOrigins: 'https://a.example, https://b.example',
      bundleAwsSdk: 'false',
    });
    expect(config).toMatchObject({
      region: 'eu-west-1',
      notificationEmail: 'ops@example.com',
      deployConsole: true,
      corsOrigins: ['https://a.example', 'https://b.example'],
      bundleAwsSdk: false,
    });
  });

  it.each([
    [{ stage: 'qa' }, /stage must be one of dev, staging, prod/],
    [{ stage: 'dev', notificationEmail: 'not-an-email' }, /notificationEmail/],
    [{ stage: 'dev', region: 'mars' }, /region must look like us-east-1/],
    [{ stage: 'dev', classifier: 'magic' }, /classifier/],
  ])('rejects %j, naming what is wrong', (overrides, message) => {
    expect(() => stageConfig(overrides as never)).toThrow(message);
  });
});

describe('overridesFromContext', () => {
  it('defaults to dev and drops empty values', () => {
    const context: Record<string, unknown> = { notificationEmail: '', region: undefined };
    expect(overridesFromContext((key) => context[key])).toEqual({ stage: 'dev' });
  });

  it('reads -c values as strings', () => {
    const context: Record<string, unknown> = { stage: 'prod', console: true, classifier: 'local' };
    expect(overridesFromContext((key) => context[key])).toEqual({ stage: 'prod', console: 'true', classifier: 'local' });
  });
});
