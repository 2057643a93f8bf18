/**
 * The cost model: DynamoDB sizing and index-maintenance rules, the per-service sums, and the facts it
 * reads off a synthesized template (bundling skipped: only the template matters).
 */
import { INDEXES } from '../../functions/core/table-design';
import { stageConfig } from '../../infra/config';
import { factsFromTemplate, synthesizeTemplate } from '../../infra/cost/facts';
import { costReport, DEFAULT_USAGE, itemBytes, sampleRecords, writeUnitsWithIndexes, type DeploymentFacts, type IndexFact } from '../../infra/cost/model';

jest.setTimeout(120_000);

const ALL_INDEXES: IndexFact[] = Object.values(INDEXES).map((i) => ({ name: i.name, partitionKey: i.partitionKey, sortKey: i.sortKey, projection: 'ALL' }));

describe('DynamoDB item size', () => {
  it('counts attribute names and UTF-8 values', () => {
    expect(itemBytes({ ImageID: 'abc' })).toBe('ImageID'.length + 3);
    expect(itemBytes({ Name: 'é' })).toBe(4 + 2);
    expect(itemBytes({ Flag: true })).toBe(4 + 1);
  });

  it('counts numbers at about one byte per two significant digits, plus one', () => {
    expect(itemBytes({ N: 12 })).toBe(1 + 2);
    expect(itemBytes({ N: 99.87654304504395 })).toBe(1 + Math.ceil(16 / 2) + 1);
  });

  it('adds 3 bytes per list or map and 1 per element', () => {
    expect(itemBytes({ L: ['a', 'b'] })).toBe(1 + 3 + (1 + 1) * 2);
    expect(itemBytes({ M: { k: 'v' } })).toBe(1 + 3 + 1 + 1 + 1);
  });
});

describe('write units with index maintenance', () => {
  const { pending, processing, completed, completedUncertain } = sampleRecords();

  it('puts a new PENDING item into the indexes it has keys for (ByCreatedAt, ByStatus), not the sparse ones', () => {
    expect(writeUnitsWithIndexes(undefined, pending, ALL_INDEXES)).toBe(1 + 1 + 1);
  });

  it('costs a delete plus a put in ByStatus when the status changes, and an update in ByCreatedAt', () => {
    expect(writeUnitsWithIndexes(pending, processing, ALL_INDEXES)).toBe(1 + 1 + 2);
  });

  it('adds ByAnimal on completion, and ByUncertain only for uncertain images', () => {
    const certain = writeUnitsWithIndexes(processing, completed, ALL_INDEXES);
    const uncertain = writeUnitsWithIndexes(processing, completedUncertain, ALL_INDEXES);
    // table 2 + ByCreatedAt 2 + ByStatus (1 delete + 2 put) + ByAnimal 2
    expect(certain).toBe(9);
    expect(uncertain).toBe(certain + 2);
  });

  it('costs nothing extra for an index the item is in neither before nor after', () => {
    expect(writeUnitsWithIndexes(pending, processing, [ALL_INDEXES.find((i) => i.name === 'ByAnimal') as IndexFact])).toBe(1);
  });
});

describe('costReport', () => {
  const facts = (overrides: Partial<DeploymentFacts> = {}): DeploymentFacts => ({
    stage: 'prod',
    classifier: 'rekognition',
    functions: Object.fromEntries(Object.entries(stageConfig({ stage: 'prod' }).functions).map(([k, v]) => [k, { memoryMb: v.memoryMb, timeoutSeconds: v.timeoutSeconds }])) as DeploymentFacts['functions'],
    uploadBatchSize: 10,
    streamBatchSize: 100,
    indexes: ALL_INDEXES,
    emailSubscriptions: 0,
    alarms: 17,
    dashboards: 1,
    webAcls: 1,
    webAclRules: 2,
    kmsKeys: 1,
    ...overrides,
  });

  it('prices Rekognition at $1.00 per 1,000 images and sums every line into its service', () => {
    const report = costReport(facts());
    expect(report.rekognitionUsd).toBeCloseTo(1000, 6);
    const total = report.lineItems.reduce((sum, l) => sum + l.usd, 0);
    expect(report.rekognitionUsd + report.nonRekognitionUsd).toBeCloseTo(total, 6);
    expect(report.percentOfRekognition).toBeCloseTo((100 * report.nonRekognitionUsd) / 1000, 6);
  });

  it('charges Lambda compute from the deployed memory: doubling it doubles compute', () => {
    const base = costReport(facts());
    const doubled = costReport(facts({ functions: { ...facts().functions, 'image-processor': { memoryMb: 1024, timeoutSeconds: 30 } } }));
    const compute = (r: typeof base) => r.lineItems.find((l) => l.item === 'image-processor compute')?.usd as number;
    expect(compute(doubled)).toBeCloseTo(2 * compute(base), 6);
  });

  it('adds email deliveries only when the topic has an email subscription', () => {
    const email = (r: ReturnType<typeof costReport>) => r.lineItems.find((l) => l.item === 'email deliveries')?.usd;
    expect(email(costReport(facts()))).toBe(0);
    expect(email(costReport(facts({ emailSubscriptions: 1 })))).toBeCloseTo(DEFAULT_USAGE.images * DEFAULT_USAGE.uncertainRate * (2 / 1e5), 6);
  });

  it('has no Rekognition line with the local model, and a longer processor duration instead', () => {
    const report = costReport(facts({ classifier: 'local' }));
    expect(report.rekognitionUsd).toBe(0);
    expect(report.lineItems.find((l) => l.item === 'image-processor compute')?.basis).toMatch(/1500 ms/);
  });
});

describe('facts from the synthesized template', () => {
  it('reads memory, timeouts, batch sizes and indexes as the stage deploys them', () => {
    const { template, prefix } = synthesizeTemplate({ stage: 'staging', notificationEmail: 'ops@example.com' });
    const facts = factsFromTemplate(template, 'staging', prefix);
    const config = stageConfig({ stage: 'staging' });
    expect(facts.functions['image-processor']).toEqual({ memoryMb: config.functions['image-processor'].memoryMb, timeoutSeconds: config.functions['image-processor'].timeoutSeconds });
    expect(facts.uploadBatchSize).toBe(config.uploadQueue.batchSize);
    expect(facts.streamBatchSize).toBe(config.stream.batchSize);
    expect(facts.indexes.map((i) => i.name).sort()).toEqual(Object.values(INDEXES).map((i) => i.name).sort());
    expect(facts.emailSubscriptions).toBe(1);
    expect(facts.classifier).toBe('rekognition');
    expect(facts.webAclRules).toBe(2);
  });
});
