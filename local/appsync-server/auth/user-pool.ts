/**
 * Amazon Cognito user-pool tokens, checked the way AppSync checks them before any field runs: an RS256
 * signature by a key of the pool's JWKS, the pool's issuer, exp and nbf, `token_use` of `id` or `access`
 * (AppSync takes either), and the app client (`aud` of an ID token, `client_id` of an access token).
 *
 * `jose` does the cryptography and the JWKS: createRemoteJWKSet fetches the set once, keeps it, and fetches
 * again only for a key id it has not seen (at most once per cooldown), so a request costs one signature check.
 * A client sends the same token with every request for its hour or day of life, so a token that passed is
 * remembered for a while (VERIFIED_TTL_MS) and only its exp and nbf are checked again on the next request.
 * aws-jwt-verify was the other candidate; it refuses an http: JWKS, which is what the local pool serves.
 */
import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload } from 'jose';
import { NOT_AUTHORIZED, type RequestError } from '../errors';
import { isRequestError } from './sigv4';

/** ctx.identity for a user-pool caller, in AppSync's shape (AppSyncIdentityCognito). */
export interface UserPoolIdentity {
  sub: string;
  issuer: string;
  username: string;
  claims: JWTPayload;
  sourceIp: string[];
  defaultAuthStrategy: 'ALLOW';
  groups: string[] | null;
}

export interface UserPoolConfig {
  /** The pool's issuer: https://cognito-idp.<region>.amazonaws.com/<poolId> in AWS, <endpoint>/<poolId> locally. */
  issuer: string;
  /** App clients whose tokens are accepted (AppSync's appIdClientRegex, as a list). */
  clientIds: readonly string[];
  /** Defaults to <issuer>/.well-known/jwks.json, where Cognito publishes it. */
  jwksUri?: string;
}

export type UserPoolVerifier = (token: string, sourceIp?: string) => Promise<UserPoolIdentity | RequestError>;

export const TOKEN_EXPIRED: RequestError = { status: 401, errorType: 'UnauthorizedException', message: 'Token has expired.' };
export const UNPARSABLE_TOKEN: RequestError = { status: 401, errorType: 'UnauthorizedException', message: 'Unable to parse JWT token.' };

/** A JWKS that cannot be fetched within this is a refusal, not a hung request. */
const JWKS_TIMEOUT_MS = 5_000;
/** An unknown key id fetches the set again at most this often, so forged key ids cannot hammer the pool. */
const JWKS_COOLDOWN_MS = 30_000;
/**
 * How long a verified token is taken on its claims without checking its signature again: a key the pool
 * withdraws stops being honoured within this. Bounded in number too (oldest forgotten first).
 */
const VERIFIED_TTL_MS = 60_000;
const MAX_VERIFIED_TOKENS = 1_000;

const stringClaim = (payload: JWTPayload, name: string): string | undefined => {
  const value = payload[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
};

/** The app client a token was issued to: `aud` of an ID token, `client_id` of an access token. */
const clientOf = (payload: JWTPayload): string | undefined => {
  const use = payload.token_use;
  if (use === 'id') return typeof payload.aud === 'string' ? payload.aud : undefined;
  if (use === 'access') return stringClaim(payload, 'client_id');
  return undefined;
};

type VerifiedToken = Omit<UserPoolIdentity, 'sourceIp'>;

/** jose's own time checks, in its order and without clock tolerance (epoch seconds): nbf > now, then exp <= now. */
const timeCheck = (claims: JWTPayload, nowMs: number): RequestError | undefined => {
  const now = Math.floor(nowMs / 1000);
  if (typeof claims.nbf === 'number' && claims.nbf > now) return NOT_AUTHORIZED;
  if (typeof claims.exp === 'number' && claims.exp <= now) return TOKEN_EXPIRED;
  return undefined;
};

export const createUserPoolVerifier = (config: UserPoolConfig, clock: { now: () => number } = Date): UserPoolVerifier => {
  const jwks = createRemoteJWKSet(new URL(config.jwksUri ?? `${config.issuer}/.well-known/jwks.json`), {
    timeoutDuration: JWKS_TIMEOUT_MS,
    cooldownDuration: JWKS_COOLDOWN_MS,
  });
  const verified = new Map<string, { token: VerifiedToken; until: number }>();

  const verify = async (token: string, now: number): Promise<VerifiedToken | RequestError> => {
    let payload: JWTPayload;
    try {
      // algorithms pins RS256, which is what refuses `alg: none` and HMAC tokens signed with a public key.
      ({ payload } = await jwtVerify(token, jwks, { issuer: config.issuer, algorithms: ['RS256'], currentDate: new Date(now) }));
    } catch (error) {
      if (error instanceof errors.JWTExpired) return TOKEN_EXPIRED;
      if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) return UNPARSABLE_TOKEN;
      return NOT_AUTHORIZED;
    }
    const client = clientOf(payload);
    const sub = stringClaim(payload, 'sub');
    if (!client || !config.clientIds.includes(client) || !sub) return NOT_AUTHORIZED;
    const username = stringClaim(payload, payload.token_use === 'id' ? 'cognito:username' : 'username') ?? sub;
    const groups = payload['cognito:groups'];
    return {
      sub,
      issuer: config.issuer,
      username,
      claims: payload,
      defaultAuthStrategy: 'ALLOW',
      groups: Array.isArray(groups) ? groups.filter((g): g is string => typeof g === 'string') : null,
    };
  };

  return async (token, sourceIp) => {
    const now = clock.now();
    const known = verified.get(token);
    let identity: VerifiedToken | RequestError;
    if (known && known.until > now) {
      const refused = timeCheck(known.token.claims, now);
      if (refused) verified.delete(token);
      identity = refused ?? known.token;
    } else {
      verified.delete(token);
      identity = await verify(token, now);
      if (!isRequestError(identity)) {
        if (verified.size >= MAX_VERIFIED_TOKENS) verified.delete(verified.keys().next().value as string);
        verified.set(token, { token: identity, until: now + VERIFIED_TTL_MS });
      }
    }
    if (isRequestError(identity)) return identity;
    return { ...identity, sourceIp: sourceIp ? [sourceIp] : [] };
  };
};

/** The token of an `Authorization` header: AppSync takes it bare, and so does Amplify send it. */
export const bearerToken = (authorization: string): string => authorization.replace(/^Bearer\s+/i, '').trim();
