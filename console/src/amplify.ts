/** Amplify, configured once from config.json: sign-in against the user pool, and the GraphQL API. */
import { Amplify } from 'aws-amplify';
import type { ConsoleConfig } from './config';

export const configureAmplify = (config: ConsoleConfig): void => {
  const { userPool } = config;
  Amplify.configure({
    Auth: {
      Cognito: {
        userPoolId: userPool.userPoolId,
        userPoolClientId: userPool.userPoolClientId,
        ...(userPool.endpoint ? { userPoolEndpoint: userPool.endpoint } : {}),
        loginWith: { email: true },
      },
    },
    API: {
      GraphQL: {
        endpoint: config.graphqlUrl,
        region: config.region,
        defaultAuthMode: 'userPool',
        ...(config.apiKey ? { apiKey: config.apiKey } : {}),
      },
    },
  });
};
