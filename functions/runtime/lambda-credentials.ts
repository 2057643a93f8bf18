/**
 * Takes the place of `@aws-sdk/credential-provider-node` in the Lambda bundles only: infra/bundling.ts aliases
 * that package to this module, so every SDK client's default credentials, and fromNodeProviderChain (which
 * imports the same package), resolve here.
 *
 * Why: Lambda always hands the function the execution role's credentials in AWS_ACCESS_KEY_ID,
 * AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN, the first link of the SDK's default chain and the only one
 * that ever answers there. The other links (SSO, shared ini files, credential_process, web identity,
 * container and instance metadata) and the STS/SSO clients they carry never run in Lambda, yet they are
 * about 100 KB of every bundle that a cold start would parse for nothing.
 *
 * The local stack runs the handlers unbundled, so it keeps the SDK's full chain (and this module is unused there).
 */
import { fromEnv, type FromEnvInit } from '@aws-sdk/credential-provider-env';

/** The name and call shape the SDK clients import from @aws-sdk/credential-provider-node. */
export const defaultProvider = (init: FromEnvInit = {}): ReturnType<typeof fromEnv> => fromEnv(init);
