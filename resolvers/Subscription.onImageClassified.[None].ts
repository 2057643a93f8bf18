/**
 * onImageClassified(id, detectedAnimal): an enhanced subscription filter built from the arguments,
 * so a subscriber to one id (or one animal) is sent nothing about the others. Without arguments,
 * no filter: every classification is delivered.
 */
import { extensions, util, type Context, type NONERequest } from '@aws-appsync/utils';
import type { Image, SubscriptionOnImageClassifiedArgs } from '../graphql/types';

export function request(_ctx: Context<SubscriptionOnImageClassifiedArgs>): NONERequest {
  return { payload: null };
}

export function response(ctx: Context<SubscriptionOnImageClassifiedArgs>): null {
  const filter: Record<string, { eq: string }> = {};
  if (ctx.args.id) {
    filter.id = { eq: ctx.args.id };
  }
  if (ctx.args.detectedAnimal) {
    filter.detectedAnimal = { eq: ctx.args.detectedAnimal };
  }
  if (Object.keys(filter).length > 0) {
    extensions.setSubscriptionFilter(util.transform.toSubscriptionFilter<Image>(filter));
  }
  return null;
}
