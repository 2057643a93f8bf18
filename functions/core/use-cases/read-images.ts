/**
 * image-reader's use cases: Query.images (a planned index query, read on until the page is full or the
 * read budget is spent; none for a filter that matches nothing by definition)
 * and Query.imageUrls (short-lived GET links for filed images only).
 */
import { type CallerScope, canRead } from '../caller-scope';
import { type ImageRecord, INPUT_PREFIX } from '../domain';
import { UnauthorizedError, ValidationError } from '../errors';
import type { ImageConnection, ImageUrl, ImageVariant, QueryImagesArgs } from '../../../graphql/types';
import { nextTokenFor, planImageQuery } from '../image-query';
import type { Clock, DetectionLog, UploadSigner } from '../ports';
import { recordToImage } from '../record-mapping';

export const MAX_URL_IDS = 100;
/** Long enough to render a gallery page, short enough that a leaked link soon stops working. */
export const IMAGE_URL_TTL_SECONDS = 900;

export const readImages = async (deps: { log: DetectionLog }, scope: CallerScope, args: QueryImagesArgs): Promise<ImageConnection> => {
  const plan = planImageQuery(scope, args.filter, args.limit, args.nextToken, deps.log.indexShards);
  const page = plan.matchesNothing ? { items: [] } : await deps.log.query(plan);
  return { items: page.items.map(recordToImage), nextToken: nextTokenFor(page, plan) };
};

export interface ImageUrlsDeps {
  log: DetectionLog;
  signer: UploadSigner;
  clock: Clock;
}

/** The key a variant's URL points at; undefined when the image has no such rendition (yet). */
const variantKey = (record: ImageRecord, variant: ImageVariant): string | undefined =>
  variant === 'THUMBNAIL' ? record.thumbnailKey : record.objectKey;

/** Someone else's id is left out exactly like an id that does not exist. */
export const imageUrls = async (
  deps: ImageUrlsDeps,
  scope: CallerScope,
  ids: readonly string[],
  variant: ImageVariant | null = 'ORIGINAL',
): Promise<ImageUrl[]> => {
  if (scope.kind === 'none') throw new UnauthorizedError('imageUrls', 'Query');
  if (variant !== null && variant !== 'ORIGINAL' && variant !== 'THUMBNAIL') {
    throw new ValidationError('InvalidArgument', 'variant must be ORIGINAL or THUMBNAIL');
  }
  if (!Array.isArray(ids)) throw new ValidationError('InvalidArgument', 'ids must be a list');
  const unique = [...new Set(ids)];
  if (unique.length > MAX_URL_IDS) throw new ValidationError('InvalidArgument', `ids may hold at most ${MAX_URL_IDS} ids`);
  if (unique.length === 0) return [];
  const records = new Map((await deps.log.getMany(unique)).map((r) => [r.id, r]));
  const expiresAt = new Date(deps.clock.now().getTime() + IMAGE_URL_TTL_SECONDS * 1000).toISOString();
  const filed = unique.flatMap((id) => {
    const record = records.get(id);
    if (!record || !canRead(scope, record.owner)) return [];
    if (record.status !== 'COMPLETED' || record.objectKey.startsWith(INPUT_PREFIX)) return [];
    const key = variantKey(record, variant ?? 'ORIGINAL');
    return key ? [{ id, key }] : [];
  });
  return Promise.all(
    filed.map(async ({ id, key }) => ({ id, url: await deps.signer.presignGet(key, IMAGE_URL_TTL_SECONDS), expiresAt })),
  );
};
