/**
 * A minimal AppSync client for people-facing tools (CLI, bench) and the integration tests: GraphQL over
 * HTTP with an API key, and the operations the product exposes, spelled as a client would spell them.
 */
import { readPages } from '../../graphql/read-pages';
import type { Image, ImageFilter } from '../../graphql/types';

export interface GraphQLErrorShape {
  message: string;
  errorType?: string;
  path?: Array<string | number>;
}

export interface GraphQLResponse<T> {
  data?: T | null;
  errors?: GraphQLErrorShape[];
}

export class GraphQLRequestError extends Error {
  constructor(
    readonly errors: GraphQLErrorShape[],
    readonly status: number,
  ) {
    super(errors.map((e) => `${e.errorType ?? 'Error'}: ${e.message}`).join('; ') || `HTTP ${status}`);
    this.name = 'GraphQLRequestError';
  }
}

export const IMAGE_FIELDS = `id status detectedAnimal confidence uncertain s3Location fileName fileSize imageFormat
  labels { name confidence boundingBoxes { left top width height } } failureReason createdAt classifiedAt
  width height takenAt cameraMake cameraModel orientation hasLocation`;

export const REQUEST_UPLOAD = `mutation RequestUpload($input: RequestUploadInput!) {
  requestUpload(input: $input) { imageId uploadUrl uploadFields expiresAt maxBytes }
}`;

export const GET_IMAGE = `query Image($id: ID!) { image(id: $id) { ${IMAGE_FIELDS} } }`;

export const LIST_IMAGES = `query Images($filter: ImageFilter, $limit: Int, $nextToken: String) {
  images(filter: $filter, limit: $limit, nextToken: $nextToken) { items { ${IMAGE_FIELDS} } nextToken }
}`;

export const IMAGE_URLS = `query ImageUrls($ids: [ID!]!, $variant: ImageVariant) {
  imageUrls(ids: $ids, variant: $variant) { id url expiresAt }
}`;

export const ON_IMAGE_CLASSIFIED = `subscription OnImageClassified($id: ID, $detectedAnimal: Animal) {
  onImageClassified(id: $id, detectedAnimal: $detectedAnimal) { ${IMAGE_FIELDS} }
}`;

export type { Image, UploadTicket } from '../../graphql/types';

export interface ApiTarget {
  graphqlUrl: string;
  apiKey?: string;
  /** Extra headers (e.g. a SigV4 Authorization) in place of the API key. */
  headers?: Record<string, string>;
}

export interface RequestOptions {
  /** Aborts the request (Ctrl-C in a CLI). */
  signal?: AbortSignal | undefined;
}

/** Sends one operation; returns the raw response (errors included) for callers that assert on them. */
export const graphqlRaw = async <T>(
  target: ApiTarget,
  query: string,
  variables: Record<string, unknown> = {},
  options: RequestOptions = {},
): Promise<{ status: number; body: GraphQLResponse<T> }> => {
  const response = await fetch(target.graphqlUrl, {
    method: 'POST',
    signal: options.signal ?? null,
    headers: {
      'content-type': 'application/json',
      ...(target.apiKey ? { 'x-api-key': target.apiKey } : {}),
      ...target.headers,
    },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as GraphQLResponse<T>;
  return { status: response.status, body };
};

/** Sends one operation and returns its data, throwing GraphQLRequestError on any error. */
export const graphql = async <T>(
  target: ApiTarget,
  query: string,
  variables: Record<string, unknown> = {},
  options: RequestOptions = {},
): Promise<T> => {
  const { status, body } = await graphqlRaw<T>(target, query, variables, options);
  if (body.errors?.length || !body.data) throw new GraphQLRequestError(body.errors ?? [], status);
  return body.data;
};

/** The page size `images` accepts at most (functions/core/image-query.ts MAX_PAGE_SIZE). */
const MAX_IMAGES_PER_CALL = 100;

/**
 * Up to `want` images matching the filter, newest first, from `nextToken` on: pages on past short and
 * empty pages (the server's read budget, schema.graphql) and returns the token to continue from.
 */
export const listImages = (
  target: ApiTarget,
  filter: ImageFilter,
  want: number,
  nextToken: string | null = null,
): Promise<{ items: Image[]; nextToken: string | null; calls: number }> =>
  readPages(
    async (token, limit) =>
      (
        await graphql<{ images: { items: Image[]; nextToken: string | null } }>(target, LIST_IMAGES, {
          filter,
          limit: Math.min(limit, MAX_IMAGES_PER_CALL),
          nextToken: token,
        })
      ).images,
    want,
    nextToken,
  );
