/** AppSync Lambda data source "RequestUpload": Mutation.requestUpload. */
import { callerScope } from '../core/caller-scope';
import type { MutationRequestUploadArgs, UploadTicket } from '../../graphql/types';
import type { ResolverEvent, ResolverResult } from '../core/resolver-contract';
import { requestUpload } from '../core/use-cases/request-upload';
import { instrumented } from '../shared/instrument';
import { logger } from '../shared/powertools';
import { toResolverResult } from '../shared/resolver-result';
import { requestUploadDeps } from '../shared/wiring/request-upload';

export const handler = instrumented(
  'requestUpload',
  (event: ResolverEvent<MutationRequestUploadArgs>): Promise<ResolverResult<UploadTicket>> =>
    toResolverResult(async () => {
      const ticket = await requestUpload(requestUploadDeps, callerScope(event.identity), event.arguments.input);
      // The image id follows the image through every function's logs.
      logger.setCorrelationId(ticket.imageId);
      logger.info('Upload ticket issued', { contentType: event.arguments.input.contentType, maxBytes: ticket.maxBytes });
      return ticket;
    }),
);
