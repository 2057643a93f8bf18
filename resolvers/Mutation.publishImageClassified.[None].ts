/**
 * publishImageClassified(input): a NONE data source, so the input itself is the result; AppSync then
 * pushes it to onImageClassified subscribers. IAM-only is enforced by the schema's @aws_iam.
 */
import type { Context, NONERequest } from '@aws-appsync/utils';
import type { Image, MutationPublishImageClassifiedArgs } from '../graphql/types';

export function request(ctx: Context<MutationPublishImageClassifiedArgs>): NONERequest {
  return { payload: ctx.args.input };
}

export function response(ctx: Context<MutationPublishImageClassifiedArgs, object, object, object, Image>): Image {
  return ctx.result;
}
