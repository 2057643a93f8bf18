import type { AwsCredentialIdentity } from '@smithy/types';

/** Lets the caller wrap each SDK client it creates (the Powertools Tracer does). */
export type Instrument = <T>(client: T) => T;
export const asIs: Instrument = (client) => client;

/**
 * Where one SDK client connects. In Lambda only the region is set: the endpoint, the credentials (the role's)
 * and the retries are the SDK's defaults. The local stack points each client at its emulator with the local keys.
 */
export interface ClientTarget {
  region: string;
  endpoint?: string;
  credentials?: AwsCredentialIdentity;
  /** The SDK's total attempts per call (its default is 3). */
  maxAttempts?: number;
}

/** The target as SDK client configuration: only the keys that are set, so the SDK's defaults apply to the rest. */
export const clientConfig = ({ region, endpoint, credentials, maxAttempts }: ClientTarget) => ({
  region,
  ...(endpoint === undefined ? {} : { endpoint }),
  ...(credentials === undefined ? {} : { credentials }),
  ...(maxAttempts === undefined ? {} : { maxAttempts }),
});
