/**
 * Every image matching a filter, page by page, through the public `images` query. A page may be short or
 * empty while nextToken is set (the server's read budget, schema.graphql), so only a null nextToken ends it.
 */
import type { ImageFilter } from '../../graphql/types';
import { graphql, type ApiTarget } from '../client/graphql';
import { EXPORT_IMAGE_FIELDS, type ExportedImage } from './rows';

/** The largest page `images` serves (functions/core/image-query.ts MAX_PAGE_SIZE). */
export const EXPORT_PAGE_SIZE = 100;

const EXPORT_IMAGES = `query ExportImages($filter: ImageFilter, $limit: Int, $nextToken: String) {
  images(filter: $filter, limit: $limit, nextToken: $nextToken) { items { ${EXPORT_IMAGE_FIELDS} } nextToken }
}`;

type Connection = { images: { items: ExportedImage[]; nextToken: string | null } };

/** Pages in order, newest first; the next request is made only when the consumer asks for the next page. */
export async function* imagePages(target: ApiTarget, filter: ImageFilter, signal?: AbortSignal): AsyncGenerator<ExportedImage[]> {
  let nextToken: string | null = null;
  do {
    const { images }: Connection = await graphql<Connection>(target, EXPORT_IMAGES, { filter, limit: EXPORT_PAGE_SIZE, nextToken }, { signal });
    yield images.items;
    nextToken = images.nextToken;
  } while (nextToken !== null);
}
