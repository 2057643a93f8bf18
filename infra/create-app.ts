/**
 * Builds the CDK app for one or more stages: the one place that turns context into stacks, used by
 * infra/app.ts (cdk deploy), infra/synth-all.ts (npm run synth) and the infra tests.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { App, type AppProps } from 'aws-cdk-lib';
import { CURRENTLY_RECOMMENDED_FLAGS } from 'aws-cdk-lib/cx-api';
import { REPO_ROOT } from './bundling';
import { stageConfig, type Stage, type StageConfig, type StageOverrides } from './config';
import type { ResolverWiring } from './constructs/graphql-api';
import { addNagChecks } from './nag';
import { PetDetectorStack } from './stack';

export const CONSOLE_DIST = path.join(REPO_ROOT, 'console', 'dist');

export const stackName = (config: StageConfig): string => `${config.prefix}pet-detector`;

export interface CreateAppOptions {
  stages: Array<Stage | StageOverrides>;
  resolvers: ResolverWiring[];
  appProps?: AppProps;
  /** Defaults to console/dist; must contain index.html when a stage deploys the console. */
  consoleAssetDir?: string;
  /** cdk-nag as a synthesis gate (default true). */
  nag?: boolean;
}

export const createApp = (options: CreateAppOptions): { app: App; stacks: PetDetectorStack[] } => {
  // The feature flags `cdk init` writes into a new project's cdk.json (e.g. S3 access logs delivered through
  // a bucket policy rather than ACLs), applied in code so tests and npm run synth get them too.
  const app = new App({ ...options.appProps, context: { ...CURRENTLY_RECOMMENDED_FLAGS, ...options.appProps?.context } });
  if (options.nag !== false) addNagChecks(app);
  const stacks = options.stages.map((stage) => {
    const config = stageConfig(typeof stage === 'string' ? { stage } : stage);
    const consoleAssetDir = options.consoleAssetDir ?? CONSOLE_DIST;
    if (config.deployConsole && !existsSync(path.join(consoleAssetDir, 'index.html'))) {
      throw new Error(`-c console=true needs the built console in ${consoleAssetDir}: run \`npm run build:console\` first`);
    }
    return new PetDetectorStack(app, stackName(config), {
      config,
      resolvers: options.resolvers,
      consoleAssetDir,
      env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: config.region },
      description: `pet-detector (${config.stage}): AppSync + S3 + Lambda + DynamoDB cat/dog classifier`,
    });
  });
  return { app, stacks };
};
