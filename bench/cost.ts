/**
 * `npm run cost [-- --stage prod] [-- --images 1000000] [-- --images-per-user 30] [-- --classifier local]`: the cost of classifying
 * images with one stage, per service, with every assumption printed. The deployment facts (memory,
 * timeouts, batch sizes, indexes, subscriptions, alarms) are read off the synthesized CloudFormation
 * template, so the figure follows the stack; the per-image usage is infra/cost/model.ts's DEFAULT_USAGE.
 */
import { FUNCTION_NAMES, STAGES, type Stage, type StageOverrides } from '../infra/config';
import { factsFromTemplate, synthesizeTemplate } from '../infra/cost/facts';
import { costReport, DEFAULT_USAGE, MAU_PRICE, type UserPoolTier } from '../infra/cost/model';
import { PRICES } from '../infra/cost/prices';

const option = (name: string): string | undefined => {
  const args = process.argv.slice(2);
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? args[at + 1] : undefined;
};

const usd = (value: number): string => `$${value.toFixed(2)}`;

const main = (): number => {
  const stage = (option('stage') ?? 'prod') as Stage;
  if (!STAGES.includes(stage)) throw new Error(`--stage must be one of ${STAGES.join(', ')}`);
  const images = Number(option('images') ?? DEFAULT_USAGE.images);
  const classifier = option('classifier') as StageOverrides['classifier'];
  const email = option('notificationEmail');
  const overrides: StageOverrides = { stage, ...(classifier ? { classifier } : {}), ...(email ? { notificationEmail: email } : {}) };

  const { template, prefix } = synthesizeTemplate(overrides);
  const facts = factsFromTemplate(template, stage, prefix);
  const imagesPerUser = Number(option('images-per-user') ?? DEFAULT_USAGE.imagesPerUserPerMonth);
  if (!(imagesPerUser > 0)) throw new Error('--images-per-user must be a positive number');
  const usage = { ...DEFAULT_USAGE, images, imagesPerUserPerMonth: imagesPerUser };
  const report = costReport(facts, usage);

  const perMillion = 1e6 / images;
  console.log(`pet-detector cost model: stage ${stage}, classifier ${facts.classifier}, ${images.toLocaleString('en-US')} images (us-east-1 list prices)\n`);
  console.log('From the synthesized template:');
  for (const name of FUNCTION_NAMES) {
    console.log(`  ${name.padEnd(18)} ${String(facts.functions[name].memoryMb).padStart(5)} MB, timeout ${facts.functions[name].timeoutSeconds} s`);
  }
  console.log(`  SQS batch size ${facts.uploadBatchSize}, stream batch size ${facts.streamBatchSize}, ${facts.indexes.length} GSIs (${facts.indexes.map((i) => `${i.name}:${i.projection}`).join(', ')})`);
  const traced = FUNCTION_NAMES.filter((name) => facts.activeTracing[name]);
  const rule = facts.apiTraceSampling;
  console.log(
    `  X-Ray: ${rule ? `API sampling rule ${rule.ruleName} (reservoir ${rule.reservoirPerSecond}/s, rate ${rule.fixedRate * 100}%)` : 'no API sampling rule (X-Ray default)'}; active tracing on ${traced.length ? traced.join(', ') : 'no function'}`,
  );
  console.log(`  ${facts.emailSubscriptions} email subscription(s), ${facts.alarms} alarms, ${facts.dashboards} dashboard, ${facts.webAcls} web ACL with ${facts.webAclRules} rules, ${facts.kmsKeys} KMS key`);
  console.log(
    `  DetectionLogs item sizes: PENDING ${report.items.pendingBytes} B, PROCESSING ${report.items.processingBytes} B, COMPLETED ${report.items.completedBytes} B (uncertain ${report.items.completedUncertainBytes} B)`,
  );
  console.log(`  => ${report.dynamoWritesPerImage.toFixed(1)} DynamoDB write units and ${report.appSyncOperationsPerImage.toFixed(2)} AppSync operations per image\n`);

  console.log('Assumptions:');
  for (const assumption of report.assumptions) console.log(`  - ${assumption}`);
  console.log('');

  console.log(`${'service'.padEnd(16)} ${'item'.padEnd(46)} ${'per image'.padStart(12)} ${'unit price'.padStart(14)} ${'cost'.padStart(10)}   basis`);
  for (const line of report.lineItems) {
    console.log(
      `${line.service.padEnd(16)} ${line.item.padEnd(46)} ${line.perImage.toPrecision(3).padStart(12)} ${`$${line.unitUsd.toPrecision(3)}`.padStart(14)} ${usd(line.usd).padStart(10)}   ${line.basis}`,
    );
  }
  console.log('\nBy service (per 1M images):');
  for (const s of report.byService) {
    const pct = Number.isNaN(s.percentOfRekognition) ? '' : `${s.percentOfRekognition.toFixed(2)}% of Rekognition`;
    console.log(`  ${s.service.padEnd(16)} ${usd(s.usd * perMillion).padStart(10)}  ${pct}`);
  }
  const nonRekognitionPerMillion = report.nonRekognitionUsd * perMillion;
  console.log(`\n  Rekognition       ${usd(report.rekognitionUsd * perMillion).padStart(10)}`);
  console.log(`  everything else   ${usd(nonRekognitionPerMillion).padStart(10)}  ${Number.isNaN(report.percentOfRekognition) ? '' : `${report.percentOfRekognition.toFixed(2)}% of Rekognition`}`);
  console.log(`  total             ${usd((report.rekognitionUsd + report.nonRekognitionUsd) * perMillion).padStart(10)}  per 1M images, sign-in (Cognito) included`);
  const cognitoUsd = (report.byService.find((s) => s.service === 'Cognito')?.usd ?? 0) * perMillion;
  const users = 1e6 / usage.imagesPerUserPerMonth;
  const onPlan = (tier: UserPoolTier) => usd((MAU_PRICE[tier].usd * 1e6) / usage.imagesPerUserPerMonth);
  console.log(
    `\nSign-in: ${usage.imagesPerUserPerMonth} images per user per month make 1M images ${Math.round(users).toLocaleString('en-US')} monthly active users, ` +
      `${usd(cognitoUsd)} on the pool's ${facts.userPoolTier} plan (Lite ${onPlan('LITE')}, Essentials ${onPlan('ESSENTIALS')}, Plus ${onPlan('PLUS')}); ` +
      `without sign-in the rest would total ${usd((report.rekognitionUsd + report.nonRekognitionUsd) * perMillion - cognitoUsd)}. ` +
      `The first 10,000 MAUs a month are free on Lite and Essentials (not counted). Change the assumption with --images-per-user N.`,
  );
  if (!Number.isNaN(report.percentOfRekognition)) {
    const largest = Math.max(...report.byService.filter((s) => s.service !== 'Rekognition').map((s) => s.percentOfRekognition));
    console.log(
      `\nTarget "everything that is not Rekognition <= 2% of Rekognition": all services together ${report.percentOfRekognition <= 2 ? 'MET' : 'NOT MET'} (${report.percentOfRekognition.toFixed(2)}%); ` +
        `each service on its own ${largest <= 2 ? 'MET' : 'NOT MET'} (largest ${largest.toFixed(2)}%).`,
    );
  }
  console.log(`Worst case: if every invocation ran to its timeout, Lambda would cost ${usd(report.worstCaseLambdaUsd * perMillion)} per 1M images.`);
  console.log(
    `Storage, outside the per-image target: each ${(DEFAULT_USAGE.averageImageBytes / 1024 ** 2).toFixed(1)} MB image is kept at most ${report.storage.daysHeld} days ` +
      `(retention ${facts.objectRetention.days} d + noncurrent version ${facts.objectRetention.noncurrentDays} d + S3's rounding to midnight), ` +
      `${usd(report.storage.usdPerBatch * perMillion)} per 1M images over their whole life in S3 Standard (${PRICES.s3StorageGbMonth.usd} $/GB-month).`,
  );
  console.log(`Fixed monthly: ${report.monthlyFixed.map((f) => `${f.item} ${usd(f.usd)}`).join('; ')} (total ${usd(report.monthlyFixed.reduce((a, f) => a + f.usd, 0))}).`);
  return 0;
};

process.exitCode = main();
