/**
 * The stream-publisher's trigger filters (Lambda event filtering patterns, OR-ed), in a module free of CDK
 * so that the CDK stack (infra/constructs/stream-publishing.ts) and the local stream poller apply the same
 * patterns. A transition into a final status is a MODIFY whose new image is final and whose old image is
 * not; an INSERT that is already final (a record written straight to FAILED) counts too. Everything else
 * (PENDING/PROCESSING writes, re-writes of a final record, TTL deletions) never wakes the function.
 */
import { FINAL_STATUSES } from '../core/domain';
import { statusToItem } from '../core/record-mapping';

/** ProcessingStatus as items store it ('completed', 'failed'). */
export const FINAL_ITEM_STATUSES = FINAL_STATUSES.map(statusToItem);

export const STREAM_FILTER_PATTERNS = [
  {
    eventName: ['MODIFY'],
    dynamodb: {
      NewImage: { ProcessingStatus: { S: FINAL_ITEM_STATUSES } },
      OldImage: { ProcessingStatus: { S: [{ 'anything-but': FINAL_ITEM_STATUSES }] } },
    },
  },
  {
    eventName: ['INSERT'],
    dynamodb: { NewImage: { ProcessingStatus: { S: FINAL_ITEM_STATUSES } } },
  },
];
