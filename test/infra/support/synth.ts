/**
 * Synthesizes stages for the infra tests. All stacks of one test file share one output directory, so
 * CDK's asset cache bundles each handler once and every further stack (another stage, the console
 * variant) reuses the bundle instead of running esbuild again.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import type { Stage, StageOverrides } from '../../../infra/config';
import { createApp } from '../../../infra/create-app';
import type { ResolverWiring } from '../../../infra/constructs/graphql-api';
import { buildResolverWiring } from '../../../infra/resolvers';
import type { PetDetectorStack } from '../../../infra/stack';

export interface Synthesized {
  stack: PetDetectorStack;
  template: Template;
}

let resolvers: Promise<ResolverWiring[]> | undefined;
const outdir = mkdtempSync(path.join(tmpdir(), 'pet-detector-infra-test-'));
// Registered by the importing test file: its bundles and templates go when it ends.
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

/** This test file's own resolver bundles (not dist/, which other test processes may be rewriting). */
export const resolverOutDir = path.join(outdir, 'resolvers');

/** Builds the resolver bundles once per test file, as `npm run synth` does. */
export const resolverWiring = (): Promise<ResolverWiring[]> => (resolvers ??= buildResolverWiring({ outDir: resolverOutDir }));

export const synthStages = async (
  stages: Array<Stage | StageOverrides>,
  options: { consoleAssetDir?: string } = {},
): Promise<Synthesized[]> => {
  const { stacks } = createApp({
    stages,
    resolvers: await resolverWiring(),
    // cdk-nag is asserted per stack with nagFindings(); as a synthesis plugin it would only repeat that work.
    nag: false,
    appProps: { outdir },
    ...(options.consoleAssetDir ? { consoleAssetDir: options.consoleAssetDir } : {}),
  });
  return stacks.map((stack) => ({ stack, template: Template.fromStack(stack) }));
};

/** Everything of one CloudFormation type in a template, by logical id. */
export const resourcesOf = (template: Template, type: string): Record<string, { Properties?: Record<string, unknown> } & Record<string, unknown>> =>
  template.findResources(type) as Record<string, { Properties?: Record<string, unknown> } & Record<string, unknown>>;
