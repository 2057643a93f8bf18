import { fromNodeProviderChain } from '@aws-sdk/credential-providers';

/**
 * The credentials the AppSync publisher signs with. Unbundled (the local stack, tests) this is the SDK's full
 * default chain, which finds the local keys in the environment. In the Lambda bundles the chain's package,
 * @aws-sdk/credential-provider-node, is aliased to functions/runtime/lambda-credentials.ts (infra/bundling.ts),
 * so the same call reads the role's credentials from the environment Lambda sets, and nothing else.
 */
export const defaultCredentials = () => fromNodeProviderChain();
