/** imageUrls(ids): presigned GET URLs come from the ImageReader Lambda (APPSYNC_JS cannot sign). */
import type { Context, LambdaRequest } from '@aws-appsync/utils';
import type { ImageUrl, QueryImageUrlsArgs } from '../graphql/types';
import { invokeWithArguments, lambdaData } from './shared/lambda';

export function request(ctx: Context<QueryImageUrlsArgs>): LambdaRequest {
  return invokeWithArguments(ctx);
}

export function response(ctx: Context<QueryImageUrlsArgs>): ImageUrl[] {
  return lambdaData<ImageUrl[]>(ctx);
}
