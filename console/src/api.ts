/**
 * The console's only door to the backend: the standard Amplify v6 GraphQL client, signed in with the
 * user pool (the server scopes every read and subscription to the caller) or, where the stage has one,
 * with the API key as the shared public tenant.
 * Operation documents are written against schema.graphql; result types come from its codegen.
 */
import { generateClient, type GraphQLResult, type GraphQLSubscription } from 'aws-amplify/api';
import type {
  Image,
  ImageConnection,
  ImageFilter,
  ImageUrl,
  ImageVariant,
  RequestUploadInput,
  StatsBucket,
  StatsGranularity,
  UploadTicket,
} from '../../graphql/types';

export type { Animal, BoundingBox, Image, ImageFilter, ProcessingStatus, StatsBucket, StatsGranularity } from '../../graphql/types';

const IMAGE_FIELDS = /* GraphQL */ `
  id status detectedAnimal confidence uncertain s3Location fileName fileSize imageFormat
  labels { name confidence boundingBoxes { left top width height } }
  failureReason createdAt classifiedAt
  width height takenAt cameraMake cameraModel orientation hasLocation
`;

const IMAGE_QUERY = `query Image($id: ID!) { image(id: $id) { ${IMAGE_FIELDS} } }`;
const IMAGES_QUERY = `query Images($filter: ImageFilter, $limit: Int, $nextToken: String) {
  images(filter: $filter, limit: $limit, nextToken: $nextToken) { items { ${IMAGE_FIELDS} } nextToken }
}`;
const IMAGE_URLS_QUERY = `query ImageUrls($ids: [ID!]!, $variant: ImageVariant) {
  imageUrls(ids: $ids, variant: $variant) { id url expiresAt }
}`;
const IMAGE_STATS_QUERY = `query ImageStats($from: AWSDateTime!, $to: AWSDateTime!, $granularity: StatsGranularity) {
  imageStats(from: $from, to: $to, granularity: $granularity) { start total cats dogs others uncertain failed }
}`;
const REQUEST_UPLOAD = `mutation RequestUpload($input: RequestUploadInput!) {
  requestUpload(input: $input) { imageId uploadUrl uploadFields expiresAt maxBytes }
}`;
const ON_IMAGE_CLASSIFIED = `subscription OnImageClassified($id: ID) { onImageClassified(id: $id) { ${IMAGE_FIELDS} } }`;

/** A GraphQL error as AppSync reports it: the errorType names the product's error code. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly errorType: string,
    message: string,
  ) {
    super(message);
  }
}

/** Amplify rejects with the whole GraphQL response ({ errors: [...] }); keep the first error's type and words. */
const toApiError = (thrown: unknown): ApiError => {
  const errors = (thrown as { errors?: Array<{ errorType?: string; message?: string }> } | null)?.errors;
  const first = Array.isArray(errors) ? errors[0] : undefined;
  if (first) return new ApiError(first.errorType ?? 'Error', first.message ?? 'The API reported an error');
  return new ApiError('NetworkError', thrown instanceof Error ? thrown.message : 'The API could not be reached');
};

export interface ParsedUploadTicket extends Omit<UploadTicket, 'uploadFields'> {
  uploadFields: Record<string, string>;
}

export interface Subscription {
  unsubscribe(): void;
}

/** How calls are authorised: the signed-in user's token, or the public tenant's API key. */
export type ApiAuthMode = 'userPool' | 'apiKey';

/** Amplify must be configured first (configureAmplify). */
export const createApi = (authMode: ApiAuthMode) => {
  const client = generateClient({ authMode });

  const run = async <T>(query: string, variables: Record<string, unknown>): Promise<T> => {
    try {
      // Documents are plain strings here, so Amplify cannot infer the result type; T is the document's shape.
      const result = (await client.graphql<unknown>({ query, variables })) as GraphQLResult<T>;
      if (!result.data) throw new ApiError('EmptyResponse', 'The API returned no data');
      return result.data;
    } catch (thrown) {
      throw thrown instanceof ApiError ? thrown : toApiError(thrown);
    }
  };

  return {
    image: async (id: string): Promise<Image | null> =>
      (await run<{ image: Image | null }>(IMAGE_QUERY, { id })).image,

    images: async (filter: ImageFilter, limit: number, nextToken?: string | null): Promise<ImageConnection> =>
      (await run<{ images: ImageConnection }>(IMAGES_QUERY, { filter, limit, nextToken: nextToken ?? null })).images,

    /** THUMBNAIL for lists (a 320 px WebP, a few KB); ORIGINAL, the upload itself, for the detail view. */
    imageUrls: async (ids: string[], variant: ImageVariant = 'ORIGINAL'): Promise<ImageUrl[]> =>
      ids.length === 0 ? [] : (await run<{ imageUrls: ImageUrl[] }>(IMAGE_URLS_QUERY, { ids, variant })).imageUrls,

    /** Counts per UTC bucket overlapping [from, to); refused with StatsRangeTooLarge beyond 744 buckets. */
    imageStats: async (from: string, to: string, granularity: StatsGranularity): Promise<StatsBucket[]> =>
      (await run<{ imageStats: StatsBucket[] }>(IMAGE_STATS_QUERY, { from, to, granularity })).imageStats,

    requestUpload: async (input: RequestUploadInput): Promise<ParsedUploadTicket> => {
      const { requestUpload: ticket } = await run<{ requestUpload: UploadTicket }>(REQUEST_UPLOAD, { input });
      // AWSJSON arrives as a JSON string over the wire.
      const fields: unknown = typeof ticket.uploadFields === 'string' ? JSON.parse(ticket.uploadFields) : ticket.uploadFields;
      return { ...ticket, uploadFields: fields as Record<string, string> };
    },

    onImageClassified: (
      id: string | null,
      handlers: { next: (image: Image) => void; error: (error: ApiError) => void },
    ): Subscription => {
      const observable = client.graphql<GraphQLSubscription<{ onImageClassified: Image | null }>>({
        query: ON_IMAGE_CLASSIFIED,
        variables: { id },
      });
      return observable.subscribe({
        next: ({ data }) => {
          if (data?.onImageClassified) handlers.next(data.onImageClassified);
        },
        error: (thrown: unknown) => handlers.error(toApiError(thrown)),
      });
    },
  };
};

export type Api = ReturnType<typeof createApi>;
