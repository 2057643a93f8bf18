/**
 * The environment a deployed function gets, handed to the configuration loaders as an argument (nothing here
 * touches process.env), and the local keys its SDK clients sign with. Metrics stay enabled so EMF output can be
 * asserted; tracing is off (there is no X-Ray daemon).
 */
import type { Context } from 'aws-lambda';
import type { AwsConnection } from '../../../../functions/runtime/wiring/connection';

export const LAMBDA_ENV = {
  TABLE_NAME: 'serverlessapp-test-detection-logs',
  INDEX_SHARDS: '4',
  STATS_TABLE_NAME: 'serverlessapp-test-image-stats',
  BUCKET_NAME: 'serverlessapp-test-images',
  TOPIC_ARN: 'arn:aws:sns:us-east-1:000000000000:serverlessapp-test-uncertain',
  AWS_REGION: 'us-east-1',
  POWERTOOLS_SERVICE_NAME: 'pet-detector-test',
  POWERTOOLS_METRICS_NAMESPACE: 'pet-detector',
  POWERTOOLS_METRICS_DISABLED: 'false',
  POWERTOOLS_TRACE_ENABLED: 'false',
};

/** Presigning needs credentials; the SDK clients themselves are mocked. */
export const TEST_CONNECTION: AwsConnection = { credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test-secret' } };

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

/**
 * Captures (and silences) what Powertools prints: its logger and metrics write JSON lines to process.stdout
 * and process.stderr. `metrics()` returns the EMF documents printed.
 */
export const captureConsole = () => {
  const lines: string[] = [];
  const spies = [process.stdout, process.stderr].map((stream) =>
    jest.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(...String(chunk).split('\n').filter((line) => line.trim() !== ''));
      return true;
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
