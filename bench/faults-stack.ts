/**
 * The stack `npm run bench:faults` kills and restarts: a persistent local stack in its own process group
 * (so one SIGKILL takes Java and the emulators with it), whose classifier is the real local model behind a
 * fault injector that throws Rekognition's ThrottlingException on a share of calls. Prints one JSON line
 * with its endpoints once it serves. Options come as JSON in FAULTS_STACK_OPTIONS.
 */
import { createLocalClassifier } from '../classifier';
import type { Classifier } from '../functions/core/ports';
import { startLocalStack } from '../local/stack/local-stack';

const options = JSON.parse(process.env.FAULTS_STACK_OPTIONS ?? '{}') as { stateDir: string; throttleShare: number; workers: number; sdkMaxAttempts: number };
const model = createLocalClassifier({ workers: options.workers });
let calls = 0;
let throttled = 0;

const throttling: Classifier = {
  detectLabels: async (image) => {
    calls += 1;
    if (Math.random() < options.throttleShare) {
      throttled += 1;
      throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    }
    return model.detectLabels(image);
  },
};

const main = async () => {
  const stack = await startLocalStack({
    port: 0,
    httpsPort: 0,
    stateDir: options.stateDir,
    persist: true,
    writeOutputs: false,
    classifier: { inject: throttling },
    // Throttling is what the SDK's standard retry mode is for; the queue's redelivery is the fallback.
    sdkMaxAttempts: options.sdkMaxAttempts,
    onFatal: (message) => {
      console.error(message);
      process.exit(1);
    },
  });
  console.log(JSON.stringify({ ready: true, graphqlUrl: stack.endpoints.graphqlUrl, realtimeUrl: stack.endpoints.realtimeUrl, apiKey: stack.apiKey, dynamodb: stack.endpoints.dynamodb }));
  // What the driver reads at the end: how many classifier calls were made and throttled in this life.
  setInterval(() => console.log(JSON.stringify({ calls, throttled })), 1_000);
};

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
