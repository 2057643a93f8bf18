/**
 * image-reader's use cases: Query.images (a planned index query, read on until the page is full)
 * and Query.imageUrls (short-lived GET links for filed images only).
 */
import { type CallerScope, canRead } from '../caller-scope';
import { type ImageRecord, INPUT_PREFIX } from '../domain';
import { UnauthorizedError, ValidationError } from '../errors';
import type { ImageConnection, ImageUrl, QueryImagesArgs } from '../../../graphql/types';
import { nextTokenFor, planImageQuery } from '../image-query';
import type { Clock, DetectionLog, UploadSigner } from '../ports';
import { recordToImage } from '../record-mapping';

export const MAX_URL_IDS = 100;
/** Long enough to render a gallery page, short enough that a leaked link soon stops working. */
export const IMAGE_URL_TTL_SECONDS = 900;

export const readImages = async (deps: { log: DetectionLog }, scope: CallerScope, args: QueryImagesArgs): Promise<ImageConnection> => {
  const plan = planImageQuery(scope, args.filter, args.limit, args.nextToken, deps.log.indexShards);
  const page = await deps.log.query(plan);
  return { items: page.items.map(recordToImage), nextToken: nextTokenFor(page, plan) };
};

export interface ImageUrlsDeps {
  log: DetectionLog;
  signer: UploadSigner;
  clock: Clock;
}

/** Someone else's id is left out exactly like an id that does not exist. */
export const imageUrls = async (deps: ImageUrlsDeps, scope: CallerScope, ids: readonly string[]): Promise<ImageUrl[]> => {
  if (scope.kind === 'none') throw new UnauthorizedError('imageUrls', 'Query');
  if (!Array.isArray(ids)) throw new ValidationError('InvalidArgument', 'ids must be a list');
  const unique = [...new Set(ids)];
  if (unique.length > MAX_URL_IDS) throw new ValidationError('InvalidArgument', `ids may hold at most ${MAX_URL_IDS} ids`);
  if (unique.length === 0) return [];
  const records = new Map((await deps.log.getMany(unique)).map((r) => [r.id, r]));
  const expiresAt = new Date(deps.clock.now().getTime() + IMAGE_URL_TTL_SECONDS * 1000).toISOString();
  const filed = unique
    .map((id) => records.get(id))
    .filter(
      (r): r is ImageRecord =>
        r !== undefined && canRead(scope, r.owner) && r.status === 'COMPLETED' && !r.objectKey.startsWith(INPUT_PREFIX),
    );
  return Promise.all(
    filed.map(async (r) => ({ id: r.id, url: await deps.signer.presignGet(r.objectKey, IMAGE_URL_TTL_SECONDS), expiresAt })),
  );
};
