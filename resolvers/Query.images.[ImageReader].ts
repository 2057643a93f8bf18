/** images(filter, limit, nextToken): the ImageReader Lambda pages through the table's indexes. */
import type { Context, LambdaRequest } from '@aws-appsync/utils';
import type { ImageConnection, QueryImagesArgs } from '../graphql/types';
import { invokeWithArguments, lambdaData } from './shared/lambda';

export function request(ctx: Context<QueryImagesArgs>): LambdaRequest {
  return invokeWithArguments(ctx);
}

export function response(ctx: Context<QueryImagesArgs>): ImageConnection {
  return lambdaData<ImageConnection>(ctx);
}
