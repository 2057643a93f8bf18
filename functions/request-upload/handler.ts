/** AppSync Lambda data source "RequestUpload": Mutation.requestUpload. */
import { callerScope } from '../core/caller-scope';
import type { MutationRequestUploadArgs, UploadTicket } from '../../graphql/types';
import type { ResolverEvent, ResolverResult } from '../core/resolver-contract';
import { requestUpload } from '../core/use-cases/request-upload';
import { builtOnFirstCall, instrumented } from '../runtime/instrument';
import { toResolverResult } from '../runtime/resolver-result';
import { fromEnvironment, type RequestUploadHandlerDeps } from '../runtime/wiring/request-upload';

export const createHandler = ({ requestUpload: deps, telemetry }: RequestUploadHandlerDeps) =>
  instrumented(
    'requestUpload',
    telemetry,
    (event: ResolverEvent<MutationRequestUploadArgs>): Promise<ResolverResult<UploadTicket>> =>
      toResolverResult(telemetry.logger, async () => {
        const ticket = await requestUpload(deps, callerScope(event.identity), event.arguments.input);
        // The image id follows the image through every function's logs.
        telemetry.logger.setCorrelationId(ticket.imageId);
        telemetry.logger.info('Upload ticket issued', { contentType: event.arguments.input.contentType, maxBytes: ticket.maxBytes });
        return ticket;
      }),
  );

export const handler = builtOnFirstCall(() => createHandler(fromEnvironment(process.env)));
