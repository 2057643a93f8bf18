/**
 * Signs a user in to a Cognito user pool with USER_PASSWORD_AUTH (the flow cognito-local supports, and the
 * deployed app client allows) and returns the ID token, which the API takes in `Authorization`.
 */
import { CognitoIdentityProviderClient, InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';

export interface SignInTarget {
  userPoolClientId: string;
  region: string;
  /** cognito-local's address; unset means Cognito itself in `region`. */
  endpoint?: string;
}

export class SignInError extends Error {
  override name = 'SignInError';
}

export const signIn = async (target: SignInTarget, username: string, password: string): Promise<string> => {
  const client = new CognitoIdentityProviderClient({
    region: target.region,
    ...(target.endpoint ? { endpoint: target.endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
  });
  try {
    const out = await client.send(
      new InitiateAuthCommand({
        ClientId: target.userPoolClientId,
        AuthFlow: 'USER_PASSWORD_AUTH',
        AuthParameters: { USERNAME: username, PASSWORD: password },
      }),
    );
    const token = out.AuthenticationResult?.IdToken;
    if (!token) throw new SignInError(`${username} must answer a sign-in challenge (${out.ChallengeName ?? 'unknown'}) first; use the console`);
    return token;
  } catch (error) {
    if (error instanceof SignInError) throw error;
    throw new SignInError(`Sign-in as ${username} failed: ${(error as Error).message}`);
  } finally {
    client.destroy();
  }
};
