/**
 * Which API a CLI command talks to, and as whom: one place for every command (upload, list, export), so that
 * they resolve endpoints and credentials the same way. The local stack's .local/outputs.json by default, or a
 * deployed stack with --endpoint or --outputs; signed in with --username/--password, else the API key where
 * there is one, else a message saying how to sign in.
 */
import { join, resolve } from 'node:path';
import { signIn } from '../client/sign-in';
import { readOutputs } from '../stack/outputs';
import { DEFAULT_STATE_DIR } from '../common/paths';

export interface Target {
  graphqlUrl: string;
  realtimeUrl: string;
  /** Exactly one of the two: the API key (public tenant) or a signed-in user's ID token. */
  apiKey?: string;
  token?: string;
  headers?: Record<string, string>;
  ca?: Buffer;
}

export interface TargetOptions {
  endpoint?: string;
  'api-key'?: string;
  outputs?: string;
  username?: string;
  password?: string;
  'user-pool-client-id'?: string;
  region?: string;
}

/** The options every command that calls the API accepts, for node:util parseArgs. */
export const TARGET_OPTIONS = {
  endpoint: { type: 'string' },
  'api-key': { type: 'string' },
  outputs: { type: 'string' },
  username: { type: 'string' },
  password: { type: 'string' },
  'user-pool-client-id': { type: 'string' },
  region: { type: 'string' },
} as const;

/** The usage lines for TARGET_OPTIONS. */
export const TARGET_USAGE = `[--username EMAIL --password PASSWORD]
[--endpoint URL (--api-key KEY | --user-pool-client-id ID --region REGION) | --outputs FILE]`;

/**
 * There is no API key to fall back on (the stage's apiKeyAccess is off, so its outputs carry none, or an
 * --endpoint was given without --api-key) and no sign-in was asked for. The message says how to sign in.
 */
export class SignInRequiredError extends Error {
  override name = 'SignInRequiredError';
  constructor() {
    super(
      'This API takes no API key here: sign in with --username <email> --password <password> ' +
        '(a user is added with `npx pet-detector users add <email> --password <pw>`; locally, the banner of `npm start` prints a demo user).',
    );
  }
}

/** The exit codes upload and list share: 1 a failed run, 2 bad usage, 3 a sign-in is needed. */
export const EXIT = { failed: 1, usage: 2, signInRequired: 3 } as const;

/** Signed in when a username is given, else the API key where there is one, else a message saying how to sign in. */
const credentialsFor = async (
  values: TargetOptions,
  apiKey: string | undefined,
  pool: { userPoolClientId?: string; region: string; endpoint?: string },
): Promise<Pick<Target, 'apiKey' | 'token' | 'headers'>> => {
  if (values.username || values.password) {
    if (!values.username || !values.password) throw new Error('--username and --password go together');
    if (!pool.userPoolClientId) throw new Error('Signing in needs the user pool client id (--user-pool-client-id, or an outputs file with UserPoolClientId)');
    const token = await signIn({ userPoolClientId: pool.userPoolClientId, region: pool.region, ...(pool.endpoint ? { endpoint: pool.endpoint } : {}) }, values.username, values.password);
    return { token, headers: { authorization: token } };
  }
  if (apiKey) return { apiKey };
  throw new SignInRequiredError();
};

/** AppSync's real-time host for a managed endpoint; a custom or local one serves it under /realtime. */
export const realtimeUrlFor = (graphqlUrl: string): string => {
  const url = new URL(graphqlUrl);
  if (/\.appsync-api\./.test(url.hostname)) {
    url.hostname = url.hostname.replace('.appsync-api.', '.appsync-realtime-api.');
    url.protocol = 'wss:';
    return url.toString();
  }
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.pathname = `${url.pathname.replace(/\/$/, '')}/realtime`;
  return url.toString();
};

export const resolveTarget = async (values: TargetOptions): Promise<Target> => {
  if (values.endpoint) {
    const pool = { userPoolClientId: values['user-pool-client-id'], region: values.region ?? process.env.AWS_REGION ?? 'us-east-1' };
    return { graphqlUrl: values.endpoint, realtimeUrl: realtimeUrlFor(values.endpoint), ...(await credentialsFor(values, values['api-key'], pool)) };
  }
  const file = resolve(values.outputs ?? join(DEFAULT_STATE_DIR, 'outputs.json'));
  let outputs;
  try {
    outputs = await readOutputs(file);
  } catch (error) {
    throw new Error(`Cannot read ${file} (${(error as Error).message}). Is the local stack running (npm start)?`);
  }
  const credentials = await credentialsFor(values, values['api-key'] ?? outputs.GraphQLApiKey, {
    userPoolClientId: outputs.UserPoolClientId,
    region: outputs.Region,
    endpoint: outputs.CognitoEndpoint,
  });
  return { graphqlUrl: outputs.GraphQLApiUrl, realtimeUrl: outputs.RealtimeUrl ?? realtimeUrlFor(outputs.GraphQLApiUrl), ...credentials };
};
