/**
 * The capacity model (npm run capacity) on the synthesized prod template: its facts are the template's,
 * prod reaches the target with the named quota increases and only Rekognition binds, and each component's
 * ceiling moves with the setting it divides.
 */
import { stageConfig } from '../../infra/config';
import { capacityFactsFromTemplate, type CapacityFacts } from '../../infra/capacity/facts';
import { CAPACITY_ASSUMPTIONS, capacityReport, statsCounterLoad } from '../../infra/capacity/model';
import { DEFAULT_QUOTA_VALUES, PROD_QUOTA_INCREASES, PROD_TARGET_IMAGES_PER_SECOND, prodQuotaValues } from '../../infra/capacity/quotas';
import { synthesizeTemplate } from '../../infra/cost/facts';
import { DEFAULT_USAGE } from '../../infra/cost/model';

jest.setTimeout(120_000);

describe('capacity of the prod template', () => {
  let facts: CapacityFacts;
  beforeAll(() => {
    const { template, prefix } = synthesizeTemplate({ stage: 'prod' });
    facts = capacityFactsFromTemplate(template, 'prod', prefix);
  });
  const component = (report: ReturnType<typeof capacityReport>, name: string) => report.components.find((c) => c.component === name)?.imagesPerSecond as number;

  it('reads reserved concurrency, event-source batching and parallelization off the template', () => {
    const config = stageConfig({ stage: 'prod' });
    expect(facts.functions['image-processor'].reservedConcurrency).toBe(config.functions['image-processor'].reservedConcurrency);
    expect(facts.uploadEvents).toEqual({
      batchSize: config.uploadQueue.batchSize,
      maxBatchingWindowSeconds: config.uploadQueue.maxBatchingWindowSeconds,
      maxConcurrency: config.functions['image-processor'].reservedConcurrency,
    });
    expect(facts.streamEvents.parallelizationFactor).toBe(config.stream.parallelizationFactor);
    expect(facts.tables.map((t) => t.billingMode)).toEqual(['PAY_PER_REQUEST', 'PAY_PER_REQUEST']);
    expect(facts.cost.indexShards).toBe(config.indexShards);
    expect(facts.totalReservedConcurrency).toBe(Object.values(config.functions).reduce((sum, f) => sum + f.reservedConcurrency, 0));
  });

  it('sustains the target with the named increases, and only Rekognition\'s quota binds', () => {
    const report = capacityReport(facts, prodQuotaValues());
    expect(report.ceiling).toBeGreaterThanOrEqual(PROD_TARGET_IMAGES_PER_SECOND);
    expect(report.bottleneck.quota).toBe('rekognitionDetectLabelsTps');
    const next = report.components[1];
    expect(next?.imagesPerSecond).toBeGreaterThan(PROD_TARGET_IMAGES_PER_SECOND * 1.25);
    expect(Object.keys(PROD_QUOTA_INCREASES)).toContain('rekognitionDetectLabelsTps');
  });

  it('is bound by Rekognition\'s default 50 TPS before any increase', () => {
    const report = capacityReport(facts, DEFAULT_QUOTA_VALUES);
    expect(report.bottleneck.component).toBe('Rekognition DetectLabels');
    expect(report.ceiling).toBe(50);
  });

  it('scales the processor with its reservation and each index with its write shards', () => {
    const base = capacityReport(facts, prodQuotaValues());
    const halved = capacityReport({ ...facts, functions: { ...facts.functions, 'image-processor': { ...facts.functions['image-processor'], reservedConcurrency: 150 } }, uploadEvents: { ...facts.uploadEvents, maxConcurrency: 150 } }, prodQuotaValues());
    expect(component(halved, 'image-processor (SQS -> Lambda)')).toBeCloseTo(component(base, 'image-processor (SQS -> Lambda)') / 2, 6);
    const single = capacityReport({ ...facts, cost: { ...facts.cost, indexShards: 1 } }, prodQuotaValues());
    expect(component(single, 'DynamoDB ByCreatedAt partition writes')).toBeCloseTo(component(base, 'DynamoDB ByCreatedAt partition writes') / 8, 6);
    // One partition per key takes fewer than 1,000 images/s: the reason for the shards.
    expect(single.ceiling).toBeLessThan(PROD_TARGET_IMAGES_PER_SECOND);
    expect(single.bottleneck.component).toMatch(/^DynamoDB By\w+ partition writes$/);
  });
});

describe('capacity assumptions', () => {
  it('split the processor\'s per-image time exactly as the cost model states it', () => {
    expect(CAPACITY_ASSUMPTIONS.processorWaitMs + CAPACITY_ASSUMPTIONS.processorCpuMsAt512Mb).toBe(DEFAULT_USAGE.durationMs['image-processor']);
    expect(CAPACITY_ASSUMPTIONS.publisherWaitMs).toBe(DEFAULT_USAGE.durationMs['stream-publisher']);
  });

  it('count ImageStats transactions per stream batch: one per window per lane when batches are small, one per ~32 images when full', () => {
    expect(statsCounterLoad(10, 10, 100, 1)).toEqual({ batchesPerSecond: 10, transactionsPerSecond: 10, wcuPerWrite: 4, wcuPerSecond: 40 });
    expect(statsCounterLoad(10_000, 10, 100, 1).transactionsPerSecond).toBe(100 * 4);
  });
});
