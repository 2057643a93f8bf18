/**
 * Lambda data source: the handler runs in-process with a Lambda-shaped context. A thrown error becomes
 * ctx.error with AppSync's 'Lambda:Unhandled' type, which the resolver's response handler decides about.
 *
 * Payload and result cross as JSON, as over the Invoke API, without a copy here: the payload is the resolver's
 * request, already parsed from the JSON its handler returned, and the result goes into the response handler's
 * ctx, which is serialized into the resolver (appsync/runtime/evaluate.ts). A second round trip here cost as
 * much as that one (a page of 24 items or a year of stats buckets is ~30 KB).
 */
import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { isRecord, type DataSource, type LocalLambdaHandler } from './types';

const DEFAULT_TIMEOUT_MS = 30_000;
const LOCAL_ACCOUNT_ID = '000000000000';

const lambdaContext = (functionName: string, region: string, timeoutMs: number): Context => {
  const deadline = Date.now() + timeoutMs;
  const requestId = randomUUID();
  const unsupported = (name: string) => () => {
    throw new Error(`context.${name} is not supported by the local Lambda data source; return or throw instead`);
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${region}:${LOCAL_ACCOUNT_ID}:function:${functionName}`,
    memoryLimitInMB: '1024',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `local/[$LATEST]${requestId.replace(/-/g, '')}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: unsupported('done'),
    fail: unsupported('fail'),
    succeed: unsupported('succeed'),
  };
};

export const createLambdaDataSource = (options: {
  name: string;
  handler: LocalLambdaHandler;
  region: string;
  functionName?: string;
  timeoutMs?: number;
}): DataSource => ({
  invoke: async (request) => {
    if (!isRecord(request) || request.operation !== 'Invoke') {
      return { result: null, error: { type: 'Lambda:InvalidRequest', message: "A Lambda request needs operation 'Invoke'" } };
    }
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const context = lambdaContext(options.functionName ?? options.name, options.region, timeoutMs);
    if (request.invocationType === 'Event') {
      // Asynchronous invocation: AppSync does not wait, and a failure never reaches the resolver.
      void Promise.resolve()
        .then(() => options.handler(request.payload ?? null, context))
        .catch(() => undefined);
      return { result: null };
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds`)), timeoutMs);
    });
    try {
      const output = await Promise.race([options.handler(request.payload ?? null, context), timeout]);
      return { result: output ?? null };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return { result: null, error: { type: 'Lambda:Unhandled', message } };
    } finally {
      clearTimeout(timer);
    }
  },
});
