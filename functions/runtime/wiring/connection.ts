import type { AwsCredentialIdentity } from '@smithy/types';
import type { ClientTarget } from '../../adapters/clients/instrument';

/**
 * Where a function's SDK clients connect. Empty in Lambda (AWS itself, the role's credentials); the local
 * stack gives each service its emulator's endpoint and the local keys.
 */
export interface AwsConnection {
  endpoints?: Partial<Record<'dynamodb' | 's3' | 'sns' | 'rekognition', string>>;
  credentials?: AwsCredentialIdentity;
  /** The SDK's attempts per call; 1 hands every failure straight to the event source (fault-injection stacks). */
  maxAttempts?: number;
}

export const clientTarget = (region: string, service: keyof NonNullable<AwsConnection['endpoints']>, connection: AwsConnection): ClientTarget => ({
  region,
  endpoint: connection.endpoints?.[service],
  credentials: connection.credentials,
  maxAttempts: connection.maxAttempts,
});
