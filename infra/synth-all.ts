/**
 * `npm run synth`: every stage into cdk.out, with cdk-nag as a gate (any unacknowledged finding fails
 * the synthesis, and this script exits non-zero). All stages share one App, so each handler is bundled
 * once and the bundle reused by the three stacks.
 */
import { STAGES } from './config';
import { createApp } from './create-app';
import { buildResolverWiring } from './resolvers';

const main = async (): Promise<number> => {
  const started = Date.now();
  const resolvers = await buildResolverWiring();
  const { app, stacks } = createApp({ stages: [...STAGES], resolvers, appProps: { outdir: 'cdk.out' } });
  const assembly = app.synth();
  for (const stack of stacks) {
    const artifact = assembly.getStackByName(stack.stackName);
    const resources = Object.keys((artifact.template as { Resources?: object }).Resources ?? {}).length;
    console.log(`${stack.stackName}: ${resources} resources -> ${artifact.templateFile}`);
  }
  console.log(`synthesized ${stacks.length} stages, cdk-nag AwsSolutions clean, in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return 0;
};

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  },
);
