/** A Lambda `Context` for handlers invoked in-process, with a real deadline behind getRemainingTimeInMillis. */
import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from '../common/naming';

export const createLambdaContext = (functionName: string, timeoutMs: number): Context => {
  const deadline = Date.now() + timeoutMs;
  const requestId = randomUUID();
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:function:${functionName}`,
    memoryLimitInMB: '1024',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `local/${requestId}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
};

export class LambdaTimeoutError extends Error {
  constructor(functionName: string, timeoutMs: number) {
    super(`${functionName} timed out after ${timeoutMs} ms`);
    this.name = 'LambdaTimeoutError';
  }
}

/** Runs one invocation as Lambda would bound it: a timeout fails the invocation (the work is not cancelled). */
export const invokeWithTimeout = async <E, R>(
  functionName: string,
  handler: (event: E, context: Context) => Promise<R>,
  event: E,
  timeoutMs: number,
): Promise<R> => {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new LambdaTimeoutError(functionName, timeoutMs)), timeoutMs);
  });
  try {
    return await Promise.race([handler(event, createLambdaContext(functionName, timeoutMs)), timeout]);
  } finally {
    clearTimeout(timer);
  }
};
