/**
 * The web console's config.json on the local stack, served by the local AppSync server at /config.json
 * (a route, because the user pool's ids and cognito-local's port are only known once the stack runs).
 * Same keys as the deployed console's (infra/constructs/console-site.ts), plus CognitoEndpoint, which the
 * console hands Amplify as Auth.Cognito.userPoolEndpoint.
 */
import { LOCAL_API_KEY } from '../common/naming';

export interface LocalUserPool {
  userPoolId: string;
  userPoolClientId: string;
  /** cognito-local's address. */
  endpoint: string;
}

export const localConsoleConfig = (userPool: LocalUserPool, region: string) => ({
  // Relative: whatever origin serves the page (the local server, or Vite's dev server proxying to it).
  GraphQLApiUrl: '/graphql',
  // The fixed, non-secret local key: the public tenant, offered as "continue without signing in".
  GraphQLApiKey: LOCAL_API_KEY,
  Region: region,
  Local: true,
  UserPoolId: userPool.userPoolId,
  UserPoolClientId: userPool.userPoolClientId,
  CognitoEndpoint: userPool.endpoint,
});
