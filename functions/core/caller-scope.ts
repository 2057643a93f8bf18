/**
 * Who may see what: the one mapping from AppSync's `ctx.identity` to the images a caller may read and
 * the owner an upload is recorded under. Resolvers (APPSYNC_JS), the image-reader and requestUpload all
 * decide through here, so the rule is written once.
 *
 * - API key: identity is null. The caller is the shared public tenant: it owns and reads PUBLIC_OWNER's images.
 * - Cognito user pool: identity carries `sub` and `issuer`. The caller owns and reads the images of its `sub`,
 *   unless it is in the ANALYSTS_GROUP, which reads everyone's and cannot upload.
 * - Anything else (IAM: the stream publisher) reads nothing.
 *
 * APPSYNC_JS-safe on purpose (bundled into resolvers): no classes, no try/catch, no regex.
 */

/** The owner recorded for an API-key upload. Never a Cognito `sub` (those are UUIDs). */
export const PUBLIC_OWNER = 'public';
/** Cognito group whose members read everyone's images. */
export const ANALYSTS_GROUP = 'analysts';

/** The fields of AppSync's user-pool identity this module reads (`AppSyncIdentityCognito`). */
export interface UserPoolIdentity {
  sub: string;
  issuer: string;
  username?: string;
  groups?: string[] | null;
}

export type CallerScope =
  /** Reads, uploads and subscribes to one owner's images only. */
  | { kind: 'owner'; owner: string }
  /** Reads and subscribes to everyone's images; cannot upload. */
  | { kind: 'everyone' }
  /** Reads nothing. */
  | { kind: 'none' };

const isUserPoolIdentity = (identity: unknown): identity is UserPoolIdentity => {
  if (identity === null || typeof identity !== 'object') return false;
  const { sub, issuer } = identity as { sub?: unknown; issuer?: unknown };
  return typeof sub === 'string' && sub !== '' && typeof issuer === 'string' && issuer !== '';
};

export const callerScope = (identity: unknown): CallerScope => {
  if (identity === null || identity === undefined) return { kind: 'owner', owner: PUBLIC_OWNER };
  if (!isUserPoolIdentity(identity)) return { kind: 'none' };
  const groups = identity.groups;
  if (Array.isArray(groups) && groups.indexOf(ANALYSTS_GROUP) !== -1) return { kind: 'everyone' };
  return { kind: 'owner', owner: identity.sub };
};

/** Whether a record with this owner is visible in the scope. A record without an owner is an analyst's only. */
export const canRead = (scope: CallerScope, owner: string | null | undefined): boolean => {
  if (scope.kind === 'everyone') return true;
  if (scope.kind === 'owner') return owner === scope.owner;
  return false;
};

/** The owner an upload in this scope is recorded under, or null when the caller may not upload. */
export const uploadOwner = (scope: CallerScope): string | null => (scope.kind === 'owner' ? scope.owner : null);
