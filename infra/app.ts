/**
 * The CDK app `cdk deploy` runs (cdk.json): one stage, chosen with -c stage=dev|staging|prod.
 * Optional context: region, classifier=local, notificationEmail=..., console=true, corsOrigins=a,b.
 */
import { App } from 'aws-cdk-lib';
import { overridesFromContext } from './config';
import { createApp } from './create-app';
import { buildResolverWiring } from './resolvers';

const main = async (): Promise<void> => {
  // The context arrives in CDK_CONTEXT_JSON; a throwaway App reads it the same way the real one will.
  // autoSynth off: otherwise it would write its empty assembly over the real one when the process exits.
  const context = new App({ autoSynth: false });
  const overrides = overridesFromContext((key) => context.node.tryGetContext(key));
  const resolvers = await buildResolverWiring();
  const { app } = createApp({ stages: [overrides], resolvers });
  app.synth();
};

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
