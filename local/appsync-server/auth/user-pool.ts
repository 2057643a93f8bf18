/**
 * Amazon Cognito user-pool tokens, checked the way AppSync checks them before any field runs: an RS256
 * signature by a key of the pool's JWKS, the pool's issuer, exp and nbf, `token_use` of `id` or `access`
 * (AppSync takes either), and the app client (`aud` of an ID token, `client_id` of an access token).
 *
 * `jose` does the cryptography and the JWKS: createRemoteJWKSet fetches the set once, keeps it, and fetches
 * again only for a key id it has not seen (at most once per cooldown), so a request costs one signature check.
 * aws-jwt-verify was the other candidate; it refuses an http: JWKS, which is what the local pool serves.
 */
import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload } from 'jose';
import { NOT_AUTHORIZED, type RequestError } from '../errors';

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

export const createUserPoolVerifier = (config: UserPoolConfig): UserPoolVerifier => {
  const jwks = createRemoteJWKSet(new URL(config.jwksUri ?? `${config.issuer}/.well-known/jwks.json`), {
    timeoutDuration: JWKS_TIMEOUT_MS,
    cooldownDuration: JWKS_COOLDOWN_MS,
  });
  return async (token, sourceIp) => {
    let payload: JWTPayload;
    try {
      // algorithms pins RS256, which is what refuses `alg: none` and HMAC tokens signed with a public key.
      ({ payload } = await jwtVerify(token, jwks, { issuer: config.issuer, algorithms: ['RS256'] }));
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
      sourceIp: sourceIp ? [sourceIp] : [],
      defaultAuthStrategy: 'ALLOW',
      groups: Array.isArray(groups) ? groups.filter((g): g is string => typeof g === 'string') : null,
    };
  };
};

/** The token of an `Authorization` header: AppSync takes it bare, and so does Amplify send it. */
export const bearerToken = (authorization: string): string => authorization.replace(/^Bearer\s+/i, '').trim();
