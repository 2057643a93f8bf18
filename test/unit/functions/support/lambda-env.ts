/**
 * The environment a deployed function gets, set before any handler module is loaded (handlers read
 * their configuration once, at import). POWERTOOLS_DEV sends Powertools output through the global
 * console, where tests capture it; metrics stay enabled so EMF output can be asserted.
 */
import type { Context } from 'aws-lambda';

export const LAMBDA_ENV = {
  TABLE_NAME: 'serverlessapp-test-detection-logs',
  INDEX_SHARDS: '4',
  BUCKET_NAME: 'serverlessapp-test-images',
  TOPIC_ARN: 'arn:aws:sns:us-east-1:000000000000:serverlessapp-test-uncertain',
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'AKIDTEST',
  AWS_SECRET_ACCESS_KEY: 'test-secret',
  POWERTOOLS_SERVICE_NAME: 'pet-detector-test',
  POWERTOOLS_METRICS_NAMESPACE: 'pet-detector',
  POWERTOOLS_DEV: 'true',
  POWERTOOLS_METRICS_DISABLED: 'false',
  POWERTOOLS_TRACE_ENABLED: 'false',
};
Object.assign(process.env, LAMBDA_ENV);

export const lambdaContext = (functionName: string): Context => ({
  callbackWaitsForEmptyEventLoop: false,
  functionName,
  functionVersion: '$LATEST',
  invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${functionName}`,
  memoryLimitInMB: '512',
  awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
  logGroupName: `/aws/lambda/${functionName}`,
  logStreamName: '2026/11/22/[$LATEST]abcdef',
  getRemainingTimeInMillis: () => 30_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
});

/** Captures (and silences) console output; `metrics()` returns the EMF documents printed. */
export const captureConsole = () => {
  const lines: string[] = [];
  const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((level) =>
    jest.spyOn(console, level).mockImplementation((...args: unknown[]) => {
      lines.push(args.map(String).join(' '));
    }),
  );
  return {
    lines,
    metrics: () =>
      lines
        .filter((l) => l.includes('"_aws"'))
        .map((l) => JSON.parse(l) as Record<string, unknown> & { _aws: { CloudWatchMetrics: Array<{ Metrics: Array<{ Name: string }> }> } }),
    restore: () => spies.forEach((s) => s.mockRestore()),
  };
};
