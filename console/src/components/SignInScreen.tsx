/** The sign-in form, then the challenge Cognito may ask for (a new password, an authenticator code). */
import { useState } from 'preact/hooks';
import type { SignInChallenge, SignInStep } from '../auth/session';

interface SignInScreenProps {
  /** Runs the sign-in; rejects with a sentence fit for the user (SignInFailed). */
  onSignIn: (email: string, password: string) => Promise<SignInStep>;
  onAnswer: (answer: string) => Promise<SignInStep>;
  onSignedIn: (step: Extract<SignInStep, { done: true }>) => void;
  /** Offered only where the stage has an API key: the shared public tenant. */
  onContinuePublic?: () => void;
  local: boolean;
  /** Why the user is here again (a session that expired), if that is why. */
  notice?: string;
}

const CHALLENGES: Record<SignInChallenge, { label: string; hint: string }> = {
  NEW_PASSWORD: {
    label: 'New password',
    hint: 'This account was given a temporary password: choose your own to finish signing in.',
  },
  TOTP_CODE: {
    label: 'Authenticator code',
    hint: 'Enter the 6-digit code your authenticator app shows for this account.',
  },
};

export const SignInScreen = ({ onSignIn, onAnswer, onSignedIn, onContinuePublic, local, notice }: SignInScreenProps) => {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [challenge, setChallenge] = useState<SignInChallenge>();

  const run = async (attempt: () => Promise<SignInStep>) => {
    setBusy(true);
    setError(undefined);
    try {
      const step = await attempt();
      if (step.done) onSignedIn(step);
      else setChallenge(step.challenge);
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
    } finally {
      setBusy(false);
    }
  };

  const onSubmit = (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const value = (name: string) => String(form.get(name) ?? '');
    void run(() => (challenge ? onAnswer(challenge === 'TOTP_CODE' ? value('answer').trim() : value('answer')) : onSignIn(value('email'), value('password'))));
  };

  const asked = challenge && CHALLENGES[challenge];
  return (
    <main class="sign-in">
      <section class="panel" aria-labelledby="sign-in-title">
        <h1>Pet detector</h1>
        <h2 id="sign-in-title">Sign in</h2>
        {notice && !error && <p class="muted">{notice}</p>}
        <form key={challenge ?? 'credentials'} onSubmit={onSubmit} aria-busy={busy}>
          {asked ? (
            <>
              <p class="muted">{asked.hint}</p>
              <label>
                {asked.label}
                {challenge === 'NEW_PASSWORD' ? (
                  <input name="answer" type="password" autocomplete="new-password" required disabled={busy} />
                ) : (
                  <input name="answer" type="text" inputMode="numeric" autocomplete="one-time-code" required disabled={busy} />
                )}
              </label>
            </>
          ) : (
            <>
              <label>
                Email
                <input name="email" type="email" autocomplete="username" required disabled={busy} />
              </label>
              <label>
                Password
                <input name="password" type="password" autocomplete="current-password" required disabled={busy} />
              </label>
            </>
          )}
          {error && (
            <p class="error" role="alert">
              {error}
            </p>
          )}
          <button type="submit" class="button" disabled={busy}>
            {busy ? 'Signing in…' : asked ? 'Continue' : 'Sign in'}
          </button>
        </form>
        {local && !asked && <p class="muted small">The local stack's demo user is printed in the banner of <code>npm start</code>.</p>}
        {onContinuePublic && !asked && (
          <p class="small">
            <button type="button" class="link" onClick={onContinuePublic} disabled={busy}>
              Continue without signing in
            </button>{' '}
            <span class="muted">(the shared public tenant: only photos uploaded without signing in)</span>
          </p>
        )}
      </section>
    </main>
  );
};
