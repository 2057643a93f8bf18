/**
 * onImageClassified(id, detectedAnimal): an enhanced subscription filter set on the server, so a subscriber
 * is sent nothing it may not read. The owner condition comes from the caller's verified identity
 * (functions/core/caller-scope.ts), never from arguments; the arguments only narrow it further. Analysts'
 * scope is everyone, so without arguments they get every classification.
 */
import { extensions, util, type Context, type NONERequest } from '@aws-appsync/utils';
import { callerScope } from '../functions/core/caller-scope';
import type { Image, SubscriptionOnImageClassifiedArgs } from '../graphql/types';

export function request(ctx: Context<SubscriptionOnImageClassifiedArgs>): NONERequest {
  if (callerScope(ctx.identity).kind === 'none') {
    util.unauthorized();
  }
  return { payload: null };
}

export function response(ctx: Context<SubscriptionOnImageClassifiedArgs>): null {
  const scope = callerScope(ctx.identity);
  const filter: Record<string, { eq: string }> = {};
  if (scope.kind === 'owner') {
    filter.owner = { eq: scope.owner };
  }
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
