/**
 * image(id): one GetItem on DetectionLogs. A missing id is null, not an error, and so is someone else's:
 * the caller's scope (functions/core/caller-scope.ts) decides, so existence never leaks.
 */
import { util, type Context, type DynamoDBGetItemRequest } from '@aws-appsync/utils';
import { callerScope, canRead } from '../functions/core/caller-scope';
import type { Image, QueryImageArgs } from '../graphql/types';
import { itemToImage, type DetectionLogItem } from '../functions/core/record-mapping';
import { TABLE_PARTITION_KEY } from '../functions/core/table-design';

export function request(ctx: Context<QueryImageArgs>): DynamoDBGetItemRequest {
  if (callerScope(ctx.identity).kind === 'none') {
    util.unauthorized();
  }
  if (!ctx.args.id) {
    util.error('id must not be empty', 'InvalidArgument');
  }
  return {
    operation: 'GetItem',
    key: util.dynamodb.toMapValues({ [TABLE_PARTITION_KEY]: ctx.args.id }),
    // Clients re-read an image right after its subscription event; a stale read would undo that.
    consistentRead: true,
  };
}

export function response(ctx: Context<QueryImageArgs, object, object, object, DetectionLogItem | null>): Image | null {
  if (ctx.error) {
    util.error(ctx.error.message, ctx.error.type);
  }
  if (!ctx.result || !canRead(callerScope(ctx.identity), ctx.result.Owner)) {
    return null;
  }
  return itemToImage(ctx.result);
}
