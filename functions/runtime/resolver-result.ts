/**
 * Lambda data sources answer AppSync with data or a named error and never throw for a client
 * mistake: the resolver turns { error } into util.error(message, type). Unexpected failures get a
 * generic message; their details go to the log only (never JSON.stringify(error) to a client).
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { PetDetectorError } from '../core/errors';
import type { ResolverResult } from '../core/resolver-contract';

export const toResolverResult = async <T>(logger: Logger, work: () => Promise<T>): Promise<ResolverResult<T>> => {
  try {
    return { data: await work() };
  } catch (error) {
    if (error instanceof PetDetectorError && !error.retryable) {
      logger.info('Request refused', { errorType: error.code, reason: error.message });
      return { error: { type: error.code, message: error.message } };
    }
    if (error instanceof PetDetectorError) {
      logger.warn('Dependency failed', { errorType: error.code, error: error as Error });
      return { error: { type: error.code, message: error.message } };
    }
    logger.error('Unexpected failure', error as Error);
    return { error: { type: 'InternalError', message: 'An internal error occurred' } };
  }
};
