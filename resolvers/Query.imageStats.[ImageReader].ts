/** imageStats(from, to, granularity): the ImageReader Lambda reads the caller's counters in one Query. */
import type { Context, LambdaRequest } from '@aws-appsync/utils';
import type { QueryImageStatsArgs, StatsBucket } from '../graphql/types';
import { invokeWithArguments, lambdaData } from './shared/lambda';

export function request(ctx: Context<QueryImageStatsArgs>): LambdaRequest {
  return invokeWithArguments(ctx);
}

export function response(ctx: Context<QueryImageStatsArgs>): StatsBucket[] {
  return lambdaData<StatsBucket[]>(ctx);
}
