/**
 * The deployment facts the cost model needs, read off a synthesized template (so the cost follows the
 * stack, not a copy of its settings). Synthesis here skips bundling: only the template matters.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { FUNCTION_NAMES, stageConfig, type FunctionName, type Stage, type StageOverrides } from '../config';
import { createApp, stackName } from '../create-app';
import type { DeploymentFacts, IndexFact, UserPoolTier } from './model';

type Resource = { Type: string; Properties?: Record<string, unknown> };
export type Template = { Resources: Record<string, Resource> };

/** Synthesizes the stage without bundling: only the template's settings matter here. */
export const synthesizeTemplate = (overrides: StageOverrides): { template: Template; prefix: string } => {
  const outdir = mkdtempSync(path.join(tmpdir(), 'pet-detector-cost-'));
  try {
    const { app } = createApp({
      stages: [overrides],
      // Resolvers cost nothing to deploy and the model counts operations from the client flow.
      resolvers: [],
      nag: false,
      // An empty bundling list makes NodejsFunction skip esbuild (what `cdk deploy` does for other stacks).
      appProps: { outdir, context: { 'aws:cdk:bundling-stacks': [] } },
    });
    const config = stageConfig(overrides);
    return { template: app.synth().getStackByName(stackName(config)).template as Template, prefix: config.prefix };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
};

const ofType = (template: Template, type: string): Resource[] => Object.values(template.Resources).filter((r) => r.Type === type);

export const factsFromTemplate = (template: Template, stage: Stage, prefix: string): DeploymentFacts => {
  const functionResource = (name: FunctionName): Resource => {
    const fn = ofType(template, 'AWS::Lambda::Function').find((r) => r.Properties?.FunctionName === `${prefix}${name}`);
    if (!fn) throw new Error(`function ${prefix}${name} not in the template`);
    return fn;
  };
  const functions = Object.fromEntries(
    FUNCTION_NAMES.map((name) => {
      const fn = functionResource(name);
      return [name, { memoryMb: fn.Properties?.MemorySize as number, timeoutSeconds: fn.Properties?.Timeout as number }];
    }),
  ) as Record<FunctionName, { memoryMb: number; timeoutSeconds: number }>;
  const activeTracing = Object.fromEntries(
    FUNCTION_NAMES.map((name) => [name, (functionResource(name).Properties?.TracingConfig as { Mode?: string } | undefined)?.Mode === 'Active']),
  ) as Record<FunctionName, boolean>;
  // The rule that matches the GraphQL API (its ServiceType); any other rule does not sample AppSync.
  const apiRule = ofType(template, 'AWS::XRay::SamplingRule')
    .map((r) => r.Properties?.SamplingRule as { RuleName: string; ServiceType: string; ReservoirSize: number; FixedRate: number } | undefined)
    .find((rule) => rule?.ServiceType === 'AWS::AppSync::GraphQLAPI');
  const processor = ofType(template, 'AWS::Lambda::Function').find((r) => r.Properties?.FunctionName === `${prefix}image-processor`);
  const classifier = (processor?.Properties?.Environment as { Variables: Record<string, string> }).Variables.CLASSIFIER === 'local' ? 'local' : 'rekognition';
  const mappings = ofType(template, 'AWS::Lambda::EventSourceMapping');
  const batchSize = (predicate: (r: Resource) => boolean) => (mappings.find(predicate)?.Properties?.BatchSize as number | undefined) ?? 1;
  const table = ofType(template, 'AWS::DynamoDB::Table')[0];
  const indexes = ((table?.Properties?.GlobalSecondaryIndexes ?? []) as Array<{
    IndexName: string;
    KeySchema: Array<{ AttributeName: string; KeyType: string }>;
    Projection: { ProjectionType: IndexFact['projection']; NonKeyAttributes?: string[] };
  }>).map((gsi) => ({
    name: gsi.IndexName,
    partitionKeys: gsi.KeySchema.filter((k) => k.KeyType === 'HASH').map((k) => k.AttributeName),
    sortKey: gsi.KeySchema.find((k) => k.KeyType === 'RANGE')?.AttributeName,
    projection: gsi.Projection.ProjectionType,
    ...(gsi.Projection.NonKeyAttributes ? { nonKeyAttributes: gsi.Projection.NonKeyAttributes } : {}),
  }));
  const readerEnv = (functionResource('image-reader').Properties?.Environment as { Variables: Record<string, string> }).Variables;
  const webAcls = ofType(template, 'AWS::WAFv2::WebACL');
  // The images bucket is the one whose lifecycle expires every object (a rule with no prefix).
  const lifecycleRules = ofType(template, 'AWS::S3::Bucket').flatMap(
    (b) => ((b.Properties?.LifecycleConfiguration as { Rules?: Array<Record<string, unknown>> } | undefined)?.Rules ?? []).map((rule) => ({ bucket: b, rule })),
  );
  const retentionRule = lifecycleRules.find(({ rule }) => rule.Prefix === undefined && typeof rule.ExpirationInDays === 'number' && rule.Id === 'expire-with-record');
  if (!retentionRule) throw new Error('no lifecycle rule expires the images (expire-with-record)');
  const noncurrent = lifecycleRules.find(({ bucket, rule }) => bucket === retentionRule.bucket && rule.NoncurrentVersionExpiration !== undefined);
  // A new pool without UserPoolTier is on Essentials (Cognito's default, and CDK's featurePlan default).
  const pool = ofType(template, 'AWS::Cognito::UserPool')[0];
  if (!pool) throw new Error('no Cognito user pool in the template');
  const userPoolTier = (pool.Properties?.UserPoolTier as UserPoolTier | undefined) ?? 'ESSENTIALS';
  const sweepSchedule = ofType(template, 'AWS::Scheduler::Schedule').find((r) => r.Properties?.Name === `${prefix}record-sweeper`);
  const sweepRate = /^rate\((\d+) minutes?\)$/.exec(String(sweepSchedule?.Properties?.ScheduleExpression));
  if (!sweepRate) throw new Error('no rate(<n> minutes) schedule for the record sweeper');
  return {
    stage,
    classifier,
    userPoolTier,
    functions,
    uploadBatchSize: batchSize((r) => r.Properties?.StartingPosition === undefined),
    streamBatchSize: batchSize((r) => r.Properties?.StartingPosition !== undefined),
    indexes,
    indexShards: Number(readerEnv.INDEX_SHARDS),
    emailSubscriptions: ofType(template, 'AWS::SNS::Subscription').filter((r) => r.Properties?.Protocol === 'email').length,
    alarms: ofType(template, 'AWS::CloudWatch::Alarm').length,
    dashboards: ofType(template, 'AWS::CloudWatch::Dashboard').length,
    webAcls: webAcls.length,
    webAclRules: webAcls.reduce((sum, acl) => sum + ((acl.Properties?.Rules as unknown[]) ?? []).length, 0),
    kmsKeys: ofType(template, 'AWS::KMS::Key').length,
    activeTracing,
    // The average month (365.25 / 12 days) of runs.
    sweepsPerMonth: Math.round(((365.25 / 12) * 24 * 60) / Number(sweepRate[1])),
    objectRetention: {
      days: retentionRule.rule.ExpirationInDays as number,
      noncurrentDays: (noncurrent?.rule.NoncurrentVersionExpiration as { NoncurrentDays: number } | undefined)?.NoncurrentDays ?? 0,
    },
    ...(apiRule ? { apiTraceSampling: { ruleName: apiRule.RuleName, reservoirPerSecond: apiRule.ReservoirSize, fixedRate: apiRule.FixedRate } } : {}),
  };
};
