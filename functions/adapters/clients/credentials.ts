import { fromNodeProviderChain } from '@aws-sdk/credential-providers';

/** The default provider chain: the function role's credentials in AWS, the local keys on the local stack. */
export const defaultCredentials = () => fromNodeProviderChain();
