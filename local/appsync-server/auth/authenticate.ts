/**
 * Request-level authentication, as AppSync does it before any field runs: a SigV4 `Authorization`
 * header means IAM, otherwise an `x-api-key` must match. What may then be read is decided per field
 * (see field-auth.ts).
 */
import { timingSafeEqual } from 'node:crypto';
import { MISSING_AUTHORIZATION, NOT_AUTHORIZED, type RequestError } from '../errors';
import type { AuthMode } from '../schema';
import { isRequestError, isSigV4Authorization, verifySigV4, type LocalCredentials, type SignedRequest } from './sigv4';

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

export type Caller = { mode: 'API_KEY'; identity: null } | { mode: 'AWS_IAM'; identity: IamIdentity };

export interface AuthConfig {
  apiKey: string;
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
  const apiKey = header(request.headers, 'x-api-key');
  if (apiKey === undefined || apiKey === '') return authorization ? NOT_AUTHORIZED : MISSING_AUTHORIZATION;
  return sameSecret(apiKey, config.apiKey) ? { mode: 'API_KEY', identity: null } : NOT_AUTHORIZED;
};

/** AppSync's words for the mode, as util.authType() reports them. */
export const authTypeName = (mode: AuthMode): string => (mode === 'AWS_IAM' ? 'IAM Authorization' : 'API Key Authorization');
