/**
 * Request-level authentication, as AppSync does it before any field runs: a SigV4 `Authorization`
 * header means IAM, any other `Authorization` header is a Cognito user-pool token (auth/user-pool.ts),
 * otherwise an `x-api-key` must match, where API-key access is on. What may then be read is decided per
 * field (schema.ts allowedModes).
 */
import { timingSafeEqual } from 'node:crypto';
import { MISSING_AUTHORIZATION, NOT_AUTHORIZED, type RequestError } from '../errors';
import type { AuthMode } from '../schema';
import { isRequestError, isSigV4Authorization, verifySigV4, type LocalCredentials, type SignedRequest } from './sigv4';
import { bearerToken, type UserPoolIdentity, type UserPoolVerifier } from './user-pool';

/** ctx.identity for an IAM caller, in AppSync's shape (API-key callers have a null identity). */
export interface IamIdentity {
  accountId: string;
  cognitoIdentityPoolId: null;
  cognitoIdentityId: null;
  sourceIp: string[];
  username: string;
  userArn: string;
  cognitoIdentityAuthType: null;
  cognitoIdentityAuthProvider: null;
}

export type Caller =
  | { mode: 'API_KEY'; identity: null }
  | { mode: 'AWS_IAM'; identity: IamIdentity }
  | { mode: 'AMAZON_COGNITO_USER_POOLS'; identity: UserPoolIdentity };

export interface AuthConfig {
  /** Unset when API-key access is off (the stage's apiKeyAccess): every x-api-key is then refused. */
  apiKey?: string;
  /** Set when the API accepts Cognito user-pool tokens. */
  userPool?: UserPoolVerifier;
  iamCredentials: LocalCredentials;
  region: string;
  /** The local stack's pretend account, used in the caller's ARN. */
  accountId?: string;
  now?: () => number;
}

const LOCAL_ACCOUNT_ID = '000000000000';

const sameSecret = (a: string, b: string): boolean => {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
};

const header = (headers: SignedRequest['headers'], name: string): string | undefined =>
  Object.entries(headers).find(([key]) => key.toLowerCase() === name)?.[1];

export const authenticate = async (
  request: SignedRequest & { sourceIp?: string },
  config: AuthConfig,
): Promise<Caller | RequestError> => {
  const authorization = header(request.headers, 'authorization');
  if (isSigV4Authorization(authorization)) {
    const verified = await verifySigV4(request, {
      credentials: config.iamCredentials,
      region: config.region,
      ...(config.now ? { now: config.now } : {}),
    });
    if (isRequestError(verified)) return verified;
    const accountId = config.accountId ?? LOCAL_ACCOUNT_ID;
    return {
      mode: 'AWS_IAM',
      identity: {
        accountId,
        cognitoIdentityPoolId: null,
        cognitoIdentityId: null,
        sourceIp: request.sourceIp ? [request.sourceIp] : [],
        username: verified.accessKeyId,
        userArn: `arn:aws:iam::${accountId}:user/local`,
        cognitoIdentityAuthType: null,
        cognitoIdentityAuthProvider: null,
      },
    };
  }
  if (authorization && config.userPool) {
    const identity = await config.userPool(bearerToken(authorization), request.sourceIp);
    return isRequestError(identity) ? identity : { mode: 'AMAZON_COGNITO_USER_POOLS', identity };
  }
  const apiKey = header(request.headers, 'x-api-key');
  if (apiKey === undefined || apiKey === '') return authorization ? NOT_AUTHORIZED : MISSING_AUTHORIZATION;
  return config.apiKey !== undefined && sameSecret(apiKey, config.apiKey) ? { mode: 'API_KEY', identity: null } : NOT_AUTHORIZED;
};

const AUTH_TYPE_NAMES: Record<AuthMode, string> = {
  API_KEY: 'API Key Authorization',
  AWS_IAM: 'IAM Authorization',
  AMAZON_COGNITO_USER_POOLS: 'User Pool Authorization',
};

/** AppSync's words for the mode, as util.authType() reports them. */
export const authTypeName = (mode: AuthMode): string => AUTH_TYPE_NAMES[mode];
