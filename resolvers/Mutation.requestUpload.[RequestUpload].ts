/** requestUpload(input): the RequestUpload Lambda validates, records PENDING and presigns the POST. */
import type { Context, LambdaRequest } from '@aws-appsync/utils';
import type { MutationRequestUploadArgs, UploadTicket } from '../graphql/types';
import { invokeWithArguments, lambdaData } from './shared/lambda';

export function request(ctx: Context<MutationRequestUploadArgs>): LambdaRequest {
  return invokeWithArguments(ctx);
}

export function response(ctx: Context<MutationRequestUploadArgs>): UploadTicket {
  return lambdaData<UploadTicket>(ctx);
}
