/**
 * `npm run capacity [-- --stage prod]`: each stage's sustained ceiling in images/s and the component that
 * binds it, from the synthesized template (reserved concurrency, event-source batching and concurrency,
 * memory, tables and their index keys, API logging) and the quotas in infra/capacity/quotas.ts, each
 * printed with its source. Prod is shown twice: on account defaults, and with the increases it needs.
 */
import { STAGES, type Stage } from '../infra/config';
import { capacityFactsFromTemplate } from '../infra/capacity/facts';
import { CAPACITY_ASSUMPTIONS, capacityReport, type StageCapacity } from '../infra/capacity/model';
import { DEFAULT_QUOTA_VALUES, PROD_QUOTA_INCREASES, PROD_TARGET_IMAGES_PER_SECOND, prodQuotaValues, QUOTAS, type Quota, type QuotaName } from '../infra/capacity/quotas';
import { synthesizeTemplate } from '../infra/cost/facts';

const option = (name: string): string | undefined => {
  const args = process.argv.slice(2);
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? args[at + 1] : undefined;
};

const int = (n: number): string => (Number.isFinite(n) ? Math.floor(n).toLocaleString('en-US') : 'unbounded');

const printTable = (title: string, report: StageCapacity): void => {
  console.log(`\n### ${title}\n`);
  console.log('| component | images/s | basis |');
  console.log('|---|---:|---|');
  for (const c of report.components) console.log(`| ${c === report.bottleneck ? `**${c.component}**` : c.component} | ${int(c.imagesPerSecond)} | ${c.basis} |`);
  console.log(`\nSustained ceiling: **${int(report.ceiling)} images/s**, bottleneck: **${report.bottleneck.component}**.`);
  for (const check of report.checks) console.log(`- ${check}`);
};

const main = (): number => {
  const only = option('stage') as Stage | undefined;
  if (only && !STAGES.includes(only)) throw new Error(`--stage must be one of ${STAGES.join(', ')}`);
  console.log('# pet-detector capacity (npm run capacity)\n');
  console.log('Quotas (us-east-1):');
  for (const quota of Object.values(QUOTAS) as Quota[]) {
    const code = quota.quotaCode ? ` [${quota.serviceCode} ${quota.quotaCode}]` : '';
    console.log(`- ${quota.name}: ${int(quota.value)} ${quota.unit}${code}, ${quota.adjustable ? 'adjustable' : 'fixed'}. ${quota.source}`);
  }
  console.log('\nAssumptions:');
  console.log(
    `- image-processor: ${CAPACITY_ASSUMPTIONS.processorWaitMs} ms of S3 + DetectLabels I/O per image (overlapped within a batch: Powertools' BatchProcessor runs records concurrently) ` +
      `+ ${CAPACITY_ASSUMPTIONS.processorCpuMsAt512Mb} ms of media CPU at 512 MB (added up); the cost model's 1,000 ms per image, not measured in AWS`,
  );
  console.log(`- stream-publisher: ${CAPACITY_ASSUMPTIONS.publisherWaitMs} ms per batch + ${CAPACITY_ASSUMPTIONS.publisherCpuMsPerRecord} ms CPU per record; request-upload, image-reader: the cost model's durations`);
  console.log(`- ${CAPACITY_ASSUMPTIONS.tokensPerRequest} AppSync token per request; uncertain 10%, 1 subscriber per image, a gallery page per 24 images (the cost model's usage)`);
  console.log('- index writes: the outcome mix in infra/capacity/partition-load.ts (37% cats, 37% dogs, 26% others of 95% completed, 10% of them uncertain, 5% failed), and one owner uploading everything (ByOwner\'s worst case)');
  console.log(`- imageStats: every image from another owner (${CAPACITY_ASSUMPTIONS.statsActionsPerImage} transaction actions each), the worst case for transactions per batch`);

  const stages = only ? [only] : [...STAGES];
  for (const stage of stages) {
    const { template, prefix } = synthesizeTemplate({ stage });
    const facts = capacityFactsFromTemplate(template, stage, prefix);
    printTable(`${stage}: account default quotas`, capacityReport(facts, DEFAULT_QUOTA_VALUES));
    if (stage === 'prod') {
      const raised = capacityReport(facts, prodQuotaValues());
      printTable('prod: with the quota increases below', raised);
      console.log('\nQuota increases prod needs (Service Quotas, us-east-1):');
      for (const [name, increase] of Object.entries(PROD_QUOTA_INCREASES)) {
        const quota: Quota = QUOTAS[name as QuotaName];
        console.log(`- ${quota.name} [${quota.serviceCode} ${quota.quotaCode}]: ${int(quota.value)} -> ${int(increase?.value ?? 0)}: ${increase?.why}`);
      }
      const stats = raised.statsAt(PROD_TARGET_IMAGES_PER_SECOND);
      console.log(
        `\nAt ${int(PROD_TARGET_IMAGES_PER_SECOND)} images/s the ImageStats ALL counters take ${stats.batchesPerSecond.toFixed(0)} stream batches/s, ` +
          `${stats.transactionsPerSecond.toFixed(0)} transactions/s and ${stats.wcuPerSecond.toFixed(0)} WCU/s each.`,
      );
      const others = raised.components.filter((c) => c.quota !== 'rekognitionDetectLabelsTps');
      const met = raised.ceiling >= PROD_TARGET_IMAGES_PER_SECOND && raised.bottleneck.quota === 'rekognitionDetectLabelsTps';
      console.log(
        `Target: prod sustains >= ${int(PROD_TARGET_IMAGES_PER_SECOND)} images/s and only Rekognition's quota binds: ${met ? 'MET' : 'NOT MET'} ` +
          `(ceiling ${int(raised.ceiling)}; the next component, ${others[0]?.component}, at ${int(others[0]?.imagesPerSecond ?? 0)}).`,
      );
      if (!met) process.exitCode = 1;
    }
  }
  return process.exitCode === 1 ? 1 : 0;
};

process.exitCode = main();
