/**
 * AWS's rule for a queue that feeds a Lambda event source: a visibility timeout of at least six times the
 * function's timeout, plus the batching window, so a message is never handed to a second invocation while
 * the first may still run. The CDK stack and the local stack both take it from here.
 */
export const sqsVisibilityTimeoutSeconds = (functionTimeoutSeconds: number, maxBatchingWindowSeconds = 0): number =>
  6 * functionTimeoutSeconds + maxBatchingWindowSeconds;
