/**
 * AppSync's error shapes. Request-level failures (authentication, malformed requests) are HTTP errors with
 * `{ errors: [{ errorType, message }] }`; field-level failures are GraphQL errors with
 * `{ path, data, errorType, errorInfo, locations: [{ line, column, sourceName }], message }`.
 */
import type { GraphQLError } from 'graphql';

export interface RequestError {
  status: number;
  errorType: string;
  message: string;
}

export interface AppSyncGraphQLError {
  path: readonly (string | number)[] | null;
  /** Present (possibly null) on errors a resolver raised, absent on validation errors, as in AppSync. */
  data?: unknown;
  errorType?: string;
  errorInfo?: unknown;
  locations: { line: number; column: number; sourceName: null }[];
  message: string;
}

export const requestErrorBody = (error: RequestError): { errors: { errorType: string; message: string }[] } => ({
  errors: [{ errorType: error.errorType, message: error.message }],
});

export const MISSING_AUTHORIZATION: RequestError = {
  status: 401,
  errorType: 'UnauthorizedException',
  message: 'Valid authorization header not provided.',
};

export const NOT_AUTHORIZED: RequestError = {
  status: 401,
  errorType: 'UnauthorizedException',
  message: 'You are not authorized to make this call.',
};

/** A field-level failure carrying AppSync's errorType/data/errorInfo through graphql-js. */
export class FieldError extends Error {
  constructor(
    message: string,
    readonly errorType: string,
    readonly data: unknown = null,
    readonly errorInfo: unknown = null,
  ) {
    super(message);
    this.name = 'FieldError';
  }
}

/** AppSync's message when an auth mode may not read a field. */
export const fieldUnauthorized = (typeName: string, fieldName: string): FieldError =>
  new FieldError(`Not Authorized to access ${fieldName} on type ${typeName}`, 'Unauthorized');

const isFieldError = (value: unknown): value is FieldError =>
  typeof value === 'object' && value !== null && typeof (value as { errorType?: unknown }).errorType === 'string';

export const formatGraphQLError = (error: GraphQLError): AppSyncGraphQLError => {
  const original = error.originalError;
  const path = error.path ?? null;
  const locations = (error.locations ?? []).map(({ line, column }) => ({ line, column, sourceName: null as null }));
  if (!isFieldError(original)) return { path, locations, message: error.message };
  return {
    path,
    data: original.data ?? null,
    errorType: original.errorType,
    errorInfo: original.errorInfo ?? null,
    locations,
    message: error.message,
  };
};
