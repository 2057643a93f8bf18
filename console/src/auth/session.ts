/**
 * The signed-in user, through Amplify v6 Auth against the config's user pool. Amplify keeps the tokens
 * (localStorage) and refreshes them, so a reload restores the session and GraphQL calls made with the
 * `userPool` auth mode carry a current token.
 */
import { confirmSignIn, fetchAuthSession, signIn, signOut, type SignInOutput } from 'aws-amplify/auth';
import { ANALYSTS_GROUP } from '../../../functions/core/caller-scope';
import { signInFailure } from './sign-in-errors';

export interface SignedInUser {
  email: string;
  /** In the analysts group: reads everyone's images, cannot upload. */
  analyst: boolean;
}

/** What the user must still answer before the sign-in completes. */
export type SignInChallenge = 'NEW_PASSWORD' | 'TOTP_CODE';

export type SignInStep = { done: true; user: SignedInUser } | { done: false; challenge: SignInChallenge };

/** The ID token's claims the console shows: who, and whether the server treats them as an analyst. */
export const userFromClaims = (claims: Record<string, unknown>): SignedInUser => {
  const groups = claims['cognito:groups'];
  const email = claims.email ?? claims['cognito:username'];
  return {
    email: typeof email === 'string' ? email : 'signed in',
    analyst: Array.isArray(groups) && groups.includes(ANALYSTS_GROUP),
  };
};

/** The user whose tokens Amplify holds (refreshed if needed), or undefined when nobody is signed in. */
export const restoreUser = async (): Promise<SignedInUser | undefined> => {
  try {
    const { tokens } = await fetchAuthSession();
    return tokens?.idToken ? userFromClaims(tokens.idToken.payload) : undefined;
  } catch {
    // A refresh token that expired or was revoked: the user signs in again.
    return undefined;
  }
};

const toStep = async (output: SignInOutput): Promise<SignInStep> => {
  switch (output.nextStep.signInStep) {
    case 'DONE': {
      const user = await restoreUser();
      if (!user) throw signInFailure(new Error('no tokens were stored'), 'challenge');
      return { done: true, user };
    }
    case 'CONFIRM_SIGN_IN_WITH_NEW_PASSWORD_REQUIRED':
      return { done: false, challenge: 'NEW_PASSWORD' };
    case 'CONFIRM_SIGN_IN_WITH_TOTP_CODE':
      return { done: false, challenge: 'TOTP_CODE' };
    default:
      // Sign-up confirmation, password reset, MFA set-up: account administration this console does not do.
      await signOut().catch(() => undefined);
      throw signInFailure(
        new Error(`this account needs a step the console does not offer (${output.nextStep.signInStep}); ask an administrator`),
        'challenge',
      );
  }
};

/**
 * Password sign-in. Cognito itself uses SRP (the password never leaves the page); the local emulator
 * only implements USER_PASSWORD_AUTH, which the deployed app client allows as well.
 */
export const signInWithPassword = async (email: string, password: string, passwordFlow: boolean): Promise<SignInStep> => {
  // Amplify refuses a second signIn while tokens are stored; a half-finished earlier attempt may have left some.
  await signOut().catch(() => undefined);
  try {
    const output = await signIn({ username: email.trim(), password, options: { authFlowType: passwordFlow ? 'USER_PASSWORD_AUTH' : 'USER_SRP_AUTH' } });
    return await toStep(output);
  } catch (thrown) {
    throw signInFailure(thrown, 'credentials');
  }
};

/** Answers the challenge signInWithPassword returned: the new password, or the authenticator code. */
export const answerChallenge = async (answer: string): Promise<SignInStep> => {
  try {
    return await toStep(await confirmSignIn({ challengeResponse: answer }));
  } catch (thrown) {
    throw signInFailure(thrown, 'challenge');
  }
};

export const signOutUser = (): Promise<void> => signOut();
