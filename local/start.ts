/**
 * `npm start`: the whole product offline. Options: `-- --reset` wipes .local/data; PORT (default 4000)
 * and HTTPS_PORT choose the API's ports; CLASSIFIER=local|rekognition (default local); LOCAL_STATE_DIR
 * moves .local elsewhere.
 */
import { resolve } from 'node:path';
import { z } from 'zod';
import { DEFAULT_MODEL_WORKERS } from '../classifier/worker-pool';
import { EmulatorStartError } from './emulators/errors';
import { CONSOLE_BUILD_DIR, ensureConsoleBuild } from './stack/console-build';
import { startLocalStack, type LocalStack } from './stack/local-stack';
import { consoleLogger } from './stack/logger';
import { LOCAL_NAMES } from './common/naming';
import { DEFAULT_STATE_DIR } from './common/paths';

const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  HTTPS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  CLASSIFIER: z.enum(['local', 'rekognition']).default('local'),
  LOCAL_CLASSIFIER_WORKERS: z.coerce.number().int().min(1).max(16).default(DEFAULT_MODEL_WORKERS),
  LOG_LEVEL: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR']).default('WARN'),
  LOCAL_STATE_DIR: z.string().min(1).default(DEFAULT_STATE_DIR),
});

const banner = (stack: LocalStack, seconds: number, stateDir: string): string => {
  const o = stack.outputs;
  const classifier = stack.classifier.available
    ? `${stack.classifier.kind}${stack.classifier.note ? ` (${stack.classifier.note})` : ''}`
    : `NONE - ${stack.classifier.note}`;
  const rows: Array<[string, string | undefined]> = [
    ['GraphQL (HTTP)', o.GraphQLApiUrl],
    ['GraphQL (HTTPS)', o.GraphQLApiUrlHttps],
    ['Realtime', o.RealtimeUrl],
    ['Realtime (WSS)', stack.endpoints.realtimeUrlHttps],
    ['Sign in (demo user)', `${stack.userPool.demoUser.email}  password ${stack.userPool.demoUser.password}`],
    ['Cognito (local)', `${o.CognitoEndpoint}  pool ${o.UserPoolId}  client ${o.UserPoolClientId}`],
    ['API key', o.GraphQLApiKey && `${o.GraphQLApiKey}  (the shared public tenant: sees only API-key uploads)`],
    ['Local CA', o.CaCertificatePath],
    ['Console', o.ConsoleUrl],
    ['SNS alerts (JSON)', o.GraphQLApiUrl.replace(/\/graphql$/, '/local/alerts')],
    ['S3 (upload gateway)', `${o.S3Endpoint}  bucket ${o.BucketName}`],
    ['DynamoDB Local', `${o.DynamoDbEndpoint}  table ${o.TableName}`],
    // The jar has no bind option (docs/local-stack.md): say so where the operator looks.
    ['', `(Java listens on every interface, port ${new URL(o.DynamoDbEndpoint).port}: firewall it on an untrusted network)`],
    ['SQS/SNS (fauxqs)', `${stack.endpoints.sqs}  topic ${LOCAL_NAMES.topic}`],
    ['Classifier', classifier],
    ['Outputs', resolve(stateDir, 'outputs.json')],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  const lines = rows.filter(([, v]) => v).map(([k, v]) => `  ${k.padEnd(width)}  ${v}`);
  return [`\npet-detector local stack ready in ${seconds.toFixed(1)} s`, ...lines, '\nCtrl+C stops everything.\n'].join('\n');
};

const main = async (): Promise<number> => {
  // package.json's engines pin Node 20 knowingly; the SDK's notice about Node 22 would bury the banner.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const env = EnvSchema.parse(process.env);
  const args = process.argv.slice(2);
  const started = Date.now();
  const logger = consoleLogger('[local] ');
  // The console is built on first start (and after it changes): a fresh clone has no console/dist.
  const consoleServed = await ensureConsoleBuild().then(
    (built) => {
      if (built) logger.info('built the web console (console/dist)');
      return true;
    },
    (error: unknown) => {
      logger.warn(`the web console could not be built, so it is not served: ${error instanceof Error ? error.message : String(error)}`);
      return false;
    },
  );
  // Installed before start-up so that a signal during it still stops what was already started.
  let signalled: string | undefined;
  let onSignal: (signal: string) => void = (signal) => (signalled = signal);
  process.once('SIGINT', () => onSignal('SIGINT'));
  process.once('SIGTERM', () => onSignal('SIGTERM'));
  // `npm start` runs us under npm and a shell; npm does not pass a SIGTERM on, so when our launcher is
  // killed we are re-parented. Treat that as the signal it got, so no emulator or Java child outlives it.
  const launcher = process.ppid;
  const orphanWatch = setInterval(() => {
    if (process.ppid === launcher) return;
    clearInterval(orphanWatch);
    onSignal('launcher exited');
  }, 500);
  orphanWatch.unref();
  let stack: LocalStack;
  try {
    stack = await startLocalStack({
      port: env.PORT,
      httpsPort: env.HTTPS_PORT,
      reset: args.includes('--reset'),
      stateDir: env.LOCAL_STATE_DIR,
      classifier: env.CLASSIFIER,
      localClassifierWorkers: env.LOCAL_CLASSIFIER_WORKERS,
      staticDir: consoleServed ? CONSOLE_BUILD_DIR : undefined,
      logLevel: env.LOG_LEVEL,
      logger,
      // A child died after start-up; the stack has stopped itself. Say so and exit non-zero.
      onFatal: (message) => {
        console.error(`\nThe local stack stopped: ${message}\n`);
        process.exit(1);
      },
    });
  } catch (error) {
    // Start-up errors are for people: one clear sentence, no stack trace.
    if (error instanceof EmulatorStartError) console.error(`\nCannot start the local stack: ${error.message}\n`);
    else {
      const message = error instanceof Error ? error.message : String(error);
      const hint = message.includes('EADDRINUSE') ? ' (another process has that port: set PORT, or PORT=0 for a free one)' : '';
      console.error(`\nCannot start the local stack: ${message}${hint}\n`);
    }
    return 1;
  }
  if (!signalled) console.log(banner(stack, (Date.now() - started) / 1000, env.LOCAL_STATE_DIR));

  await new Promise<void>((done) => {
    const shutdown = (signal: string) => {
      console.log(`\n${signal}: stopping the local stack...`);
      void stack.stop().then(done);
    };
    if (signalled) shutdown(signalled);
    else onSignal = shutdown;
  });
  console.log('stopped.');
  return 0;
};

void main().then((code) => {
  process.exitCode = code;
  // Handler modules may keep timers (SDK agents, worker pools); everything we own has been stopped.
  setTimeout(() => process.exit(code), 200).unref();
});
