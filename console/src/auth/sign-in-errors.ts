/**
 * Sign-in failures as sentences. Wrong password and unknown user read the same, whatever the pool
 * answers (Cognito with prevent-user-existence says NotAuthorizedException for both; cognito-local says
 * UserNotFound/InvalidPassword), so the screen never tells which emails have accounts.
 */

export class SignInFailed extends Error {
  override name = 'SignInFailed';
}

export const WRONG_CREDENTIALS = 'Incorrect email or password.';

/** Errors that mean "these credentials do not sign anyone in". */
const CREDENTIAL_ERRORS = new Set(['NotAuthorizedException', 'UserNotFoundException', 'InvalidPasswordException']);

const MESSAGES: Record<string, string> = {
  PasswordResetRequiredException: 'This account must reset its password before it can sign in; ask an administrator.',
  UserNotConfirmedException: 'This account is not confirmed yet; ask an administrator to confirm it.',
  TooManyRequestsException: 'Too many attempts. Wait a moment, then try again.',
  LimitExceededException: 'Too many attempts. Wait a moment, then try again.',
  CodeMismatchException: 'That code is not right. Try the current code from your authenticator app.',
  ExpiredCodeException: 'That code has expired. Sign in again.',
  NetworkError: 'The sign-in service could not be reached. Check the connection and try again.',
};

/** `step` says what was being answered: a new password's policy message is worth showing as it is. */
export const signInFailure = (thrown: unknown, step: 'credentials' | 'challenge'): SignInFailed => {
  if (thrown instanceof SignInFailed) return thrown;
  const name = thrown instanceof Error ? thrown.name : undefined;
  if (name && step === 'credentials' && CREDENTIAL_ERRORS.has(name)) return new SignInFailed(WRONG_CREDENTIALS);
  if (name === 'InvalidPasswordException' && thrown instanceof Error) return new SignInFailed(`That password is not accepted: ${thrown.message}`);
  if (name === 'NotAuthorizedException') return new SignInFailed('The sign-in session has expired. Sign in again.');
  if (name && MESSAGES[name]) return new SignInFailed(MESSAGES[name]);
  // A fetch that never got an answer surfaces as a TypeError ("Failed to fetch").
  if (thrown instanceof TypeError) return new SignInFailed(MESSAGES.NetworkError);
  return new SignInFailed(`Sign-in failed: ${thrown instanceof Error ? thrown.message : String(thrown)}`);
};
