/**
 * Run-time configuration. The console fetches `config.json` from next to index.html, so the same build
 * serves the local stack and any deployed stage. Keys are the stack outputs' names (contract 5).
 */
export interface ConsoleConfig {
  /** Absolute GraphQL endpoint (a relative one in config.json is resolved against the page). */
  graphqlUrl: string;
  /** The public tenant's API key: only on stages whose apiKeyAccess is on. */
  apiKey?: string;
  region: string;
  /** The Cognito user pool users sign in to. */
  userPool: UserPoolConfig;
  /**
   * Local mode: the API is plain http (only the local stack serves that). Subscriptions then go over
   * ws:// to the same host, and the local SNS alerts are listed.
   */
  local: boolean;
  /** GET endpoint returning the locally raised SNS alerts, or undefined when there is none. */
  alertsUrl?: string;
  /** Largest file the console offers to upload, in bytes (the API enforces its own limit too). */
  maxUploadBytes: number;
}

export interface UserPoolConfig {
  userPoolId: string;
  userPoolClientId: string;
  /** The local stack's Cognito emulator (Amplify's Auth.Cognito.userPoolEndpoint); unset means Cognito itself. */
  endpoint?: string;
}

/** Rekognition's limit for S3 objects: no bigger file could ever be classified. */
export const DEFAULT_MAX_UPLOAD_BYTES = 15 * 1024 * 1024;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const optionalString = (raw: Record<string, unknown>, key: string): string | undefined => {
  const value = raw[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new ConfigError(`config.json: "${key}" must be a string`);
  return value.trim() === '' ? undefined : value.trim();
};

const requireString = (raw: Record<string, unknown>, key: string): string => {
  const value = optionalString(raw, key);
  if (value === undefined) throw new ConfigError(`config.json: "${key}" is missing or empty`);
  return value;
};

/**
 * Checks the parsed config.json. Hand-written rather than zod: a handful of keys do not justify adding a
 * schema library to every page load.
 */
export const parseConfig = (raw: unknown, pageUrl: string): ConsoleConfig => {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ConfigError('config.json must hold a JSON object');
  }
  const record = raw as Record<string, unknown>;
  const graphqlUrl = new URL(requireString(record, 'GraphQLApiUrl'), pageUrl);
  const apiKey = optionalString(record, 'GraphQLApiKey');
  const cognitoEndpoint = optionalString(record, 'CognitoEndpoint');
  const userPool: UserPoolConfig = {
    userPoolId: requireString(record, 'UserPoolId'),
    userPoolClientId: requireString(record, 'UserPoolClientId'),
    ...(cognitoEndpoint ? { endpoint: new URL(cognitoEndpoint, pageUrl).toString().replace(/\/$/, '') } : {}),
  };
  const region = typeof record.Region === 'string' && record.Region ? record.Region : 'us-east-1';
  const local = typeof record.Local === 'boolean' ? record.Local : graphqlUrl.protocol === 'http:';
  const alertsSetting = record.LocalAlertsUrl;
  const alertsUrl =
    typeof alertsSetting === 'string' && alertsSetting
      ? new URL(alertsSetting, pageUrl).toString()
      : local
        ? new URL('/local/alerts', graphqlUrl).toString()
        : undefined;
  const maxSetting = record.MaxUploadBytes;
  const maxUploadBytes =
    typeof maxSetting === 'number' && Number.isInteger(maxSetting) && maxSetting > 0 ? maxSetting : DEFAULT_MAX_UPLOAD_BYTES;
  return { graphqlUrl: graphqlUrl.toString(), ...(apiKey ? { apiKey } : {}), region, userPool, local, alertsUrl, maxUploadBytes };
};

export const loadConfig = async (): Promise<ConsoleConfig> => {
  const url = new URL('config.json', document.baseURI);
  let response: Response;
  try {
    response = await fetch(url, { cache: 'no-store' });
  } catch {
    throw new ConfigError(`Could not fetch ${url}: is the server running?`);
  }
  if (!response.ok) {
    throw new ConfigError(`${url} answered ${response.status}: the server must serve the console's config.json`);
  }
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    throw new ConfigError(`${url} is not valid JSON`);
  }
  return parseConfig(body, document.baseURI);
};
