/** AppSync Lambda data source "ImageReader": Query.images and Query.imageUrls. */
import { callerScope } from '../core/caller-scope';
import { ValidationError } from '../core/errors';
import type { ImageConnection, ImageUrl, QueryImagesArgs, QueryImageUrlsArgs } from '../../graphql/types';
import type { ResolverEvent, ResolverResult } from '../core/resolver-contract';
import { imageUrls, readImages } from '../core/use-cases/read-images';
import { instrumented } from '../shared/instrument';
import { toResolverResult } from '../shared/resolver-result';
import { imageReaderDeps } from '../shared/wiring/image-reader';

type ReaderEvent = ResolverEvent<QueryImagesArgs | QueryImageUrlsArgs>;

export const handler = instrumented(
  'imageReader',
  (event: ReaderEvent): Promise<ResolverResult<ImageConnection | ImageUrl[]>> =>
    toResolverResult<ImageConnection | ImageUrl[]>(async () => {
      const scope = callerScope(event.identity);
      if (event.fieldName === 'images') return readImages(imageReaderDeps, scope, event.arguments as QueryImagesArgs);
      if (event.fieldName === 'imageUrls') {
        const { ids, variant } = event.arguments as QueryImageUrlsArgs;
        return imageUrls(imageReaderDeps, scope, ids, variant);
      }
      throw new ValidationError('InvalidArgument', `ImageReader does not resolve ${event.parentTypeName}.${event.fieldName}`);
    }),
);
