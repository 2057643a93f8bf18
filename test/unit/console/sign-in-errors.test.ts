/** What the sign-in screen says when Cognito (or cognito-local) refuses. */
import { SignInFailed, signInFailure, WRONG_CREDENTIALS } from '../../../console/src/auth/sign-in-errors';

const cognitoError = (name: string, message = 'the service message') => Object.assign(new Error(message), { name });

describe('sign-in failures', () => {
  it.each(['NotAuthorizedException', 'UserNotFoundException', 'InvalidPasswordException'])(
    'says the same generic sentence for %s at the credentials step, so no email is shown to exist',
    (name) => expect(signInFailure(cognitoError(name), 'credentials').message).toBe(WRONG_CREDENTIALS),
  );

  it("shows a refused new password's policy message", () => {
    expect(signInFailure(cognitoError('InvalidPasswordException', 'Password must have symbols'), 'challenge').message).toBe(
      'That password is not accepted: Password must have symbols',
    );
  });

  it('names an unreachable sign-in service', () => {
    expect(signInFailure(new TypeError('Failed to fetch'), 'credentials').message).toMatch(/could not be reached/);
    expect(signInFailure(cognitoError('NetworkError'), 'credentials').message).toMatch(/could not be reached/);
  });

  it('passes on a failure it already worded, and words any other', () => {
    const worded = new SignInFailed('already said');
    expect(signInFailure(worded, 'challenge')).toBe(worded);
    expect(signInFailure(cognitoError('SomethingNew', 'odd'), 'credentials').message).toBe('Sign-in failed: odd');
  });
});
