/**
 * config.json, as both of its writers make it (the local stack's route, a deployment's BucketDeployment),
 * read by the console's own parser: the keys written are the keys read.
 */
import { ConfigError, DEFAULT_MAX_UPLOAD_BYTES, parseConfig } from '../../../console/src/config';
import { deployedConsoleConfig } from '../../../infra/constructs/console-site';
import { localConsoleConfig } from '../../../local/stack/console-config';
import { LOCAL_API_KEY } from '../../../local/common/naming';

const PAGE = 'http://localhost:4000/';
const DEPLOYED_PAGE = 'https://d111111abcdef8.cloudfront.net/';
const deployed = {
  graphqlUrl: 'https://abc.appsync-api.eu-west-1.amazonaws.com/graphql',
  realtimeUrl: 'wss://abc.appsync-realtime-api.eu-west-1.amazonaws.com/graphql',
  userPoolId: 'eu-west-1_AbCdEf',
  userPoolClientId: '4abc',
  region: 'eu-west-1',
};

describe('config.json', () => {
  it('locally: the relative API, the local API key, and the user pool on cognito-local', () => {
    const raw = localConsoleConfig({ userPoolId: 'local_1', userPoolClientId: 'client1', endpoint: 'http://127.0.0.1:9229' }, 'us-east-1');
    expect(parseConfig(raw, PAGE)).toEqual({
      graphqlUrl: 'http://localhost:4000/graphql',
      apiKey: LOCAL_API_KEY,
      region: 'us-east-1',
      userPool: { userPoolId: 'local_1', userPoolClientId: 'client1', endpoint: 'http://127.0.0.1:9229' },
      local: true,
      alertsUrl: 'http://localhost:4000/local/alerts',
      maxUploadBytes: DEFAULT_MAX_UPLOAD_BYTES,
    });
  });

  it('deployed with apiKeyAccess off: the user pool, no API key, no emulator endpoint', () => {
    const raw = deployedConsoleConfig(deployed);
    expect(Object.keys(raw)).not.toContain('GraphQLApiKey');
    const config = parseConfig(JSON.parse(JSON.stringify(raw)), DEPLOYED_PAGE);
    expect(config.apiKey).toBeUndefined();
    expect(config.userPool).toEqual({ userPoolId: deployed.userPoolId, userPoolClientId: deployed.userPoolClientId });
    expect(config).toMatchObject({ graphqlUrl: deployed.graphqlUrl, region: 'eu-west-1', local: false, alertsUrl: undefined });
  });

  it('deployed with apiKeyAccess on: the API key as well, for the public tenant', () => {
    expect(parseConfig(deployedConsoleConfig({ ...deployed, apiKey: 'da2-key' }), DEPLOYED_PAGE).apiKey).toBe('da2-key');
  });

  it.each([
    ['UserPoolId', { UserPoolId: undefined }, 'config.json: "UserPoolId" is missing or empty'],
    ['UserPoolClientId', { UserPoolClientId: '' }, 'config.json: "UserPoolClientId" is missing or empty'],
    ['GraphQLApiUrl', { GraphQLApiUrl: undefined }, 'config.json: "GraphQLApiUrl" is missing or empty'],
    ['a non-string API key', { GraphQLApiKey: 42 }, 'config.json: "GraphQLApiKey" must be a string'],
  ])('refuses a config without a valid %s, by name', (_what, change, message) => {
    const raw = { ...deployedConsoleConfig(deployed), ...change };
    expect(() => parseConfig(raw, DEPLOYED_PAGE)).toThrow(new ConfigError(message));
  });
});
