/** AppSync Lambda data source "ImageReader": Query.images, Query.imageUrls and Query.imageStats. */
import { callerScope } from '../core/caller-scope';
import { ValidationError } from '../core/errors';
import type { ImageConnection, ImageUrl, QueryImagesArgs, QueryImageStatsArgs, QueryImageUrlsArgs, StatsBucket } from '../../graphql/types';
import type { ResolverEvent, ResolverResult } from '../core/resolver-contract';
import { readImageStats } from '../core/use-cases/image-stats';
import { imageUrls, readImages } from '../core/use-cases/read-images';
import { builtOnFirstCall, instrumented } from '../runtime/instrument';
import { toResolverResult } from '../runtime/resolver-result';
import { fromEnvironment, type ImageReaderHandlerDeps } from '../runtime/wiring/image-reader';

type ReaderEvent = ResolverEvent<QueryImagesArgs | QueryImageUrlsArgs | QueryImageStatsArgs>;
type ReaderData = ImageConnection | ImageUrl[] | StatsBucket[];

export const createHandler = ({ reader, telemetry }: ImageReaderHandlerDeps) =>
  instrumented(
    'imageReader',
    telemetry,
    (event: ReaderEvent): Promise<ResolverResult<ReaderData>> =>
      toResolverResult<ReaderData>(telemetry.logger, async () => {
        const scope = callerScope(event.identity);
        if (event.fieldName === 'images') return readImages(reader, scope, event.arguments as QueryImagesArgs);
        if (event.fieldName === 'imageUrls') {
          const { ids, variant } = event.arguments as QueryImageUrlsArgs;
          return imageUrls(reader, scope, ids, variant);
        }
        if (event.fieldName === 'imageStats') return readImageStats(reader, scope, event.arguments as QueryImageStatsArgs);
        throw new ValidationError('InvalidArgument', `ImageReader does not resolve ${event.parentTypeName}.${event.fieldName}`);
      }),
  );

export const handler = builtOnFirstCall(() => createHandler(fromEnvironment(process.env)));
