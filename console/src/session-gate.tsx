/**
 * Who the page acts for: the signed-in user (user-pool auth), the public tenant (the API key, only where
 * the stage has one), or nobody yet (the sign-in screen). The console below is mounted afresh for each
 * session, with a GraphQL client in that session's auth mode, so nothing one user saw or subscribed to
 * outlives their sign-out.
 */
import { useCallback, useEffect, useState } from 'preact/hooks';
import { Hub } from 'aws-amplify/utils';
import { createApi, type Api } from './api';
import { App } from './app';
import { answerChallenge, restoreUser, signInWithPassword, signOutUser, type SignedInUser } from './auth/session';
import { Account } from './components/Account';
import { SignInScreen } from './components/SignInScreen';
import type { ConsoleConfig } from './config';

type Session =
  | { kind: 'restoring' }
  | { kind: 'signed-out'; notice?: string }
  /** `id` keys the console: a new session mounts a new one. */
  | { kind: 'user'; user: SignedInUser; api: Api; id: number }
  | { kind: 'public'; api: Api; id: number };

/** The public-tenant choice lasts for the tab (a reload keeps it), as Amplify's stored tokens do for a user. */
const PUBLIC_CHOICE_KEY = 'pet-detector:public-tenant';
const publicChosen = (): boolean => sessionStorage.getItem(PUBLIC_CHOICE_KEY) === 'yes';

let sessionCount = 0;
const userSession = (user: SignedInUser): Session => ({ kind: 'user', user, api: createApi('userPool'), id: ++sessionCount });
const publicSession = (): Session => ({ kind: 'public', api: createApi('apiKey'), id: ++sessionCount });

export const SessionGate = ({ config }: { config: ConsoleConfig }) => {
  const [session, setSession] = useState<Session>({ kind: 'restoring' });

  useEffect(() => {
    let cancelled = false;
    if (config.apiKey && publicChosen()) {
      setSession(publicSession());
    } else {
      void restoreUser().then((user) => {
        if (!cancelled) setSession(user ? userSession(user) : { kind: 'signed-out' });
      });
    }
    // Amplify could not refresh the tokens (the refresh token expired or was revoked): back to the form.
    const stopListening = Hub.listen('auth', ({ payload }) => {
      if (payload.event === 'tokenRefresh_failure') {
        void signOutUser().catch(() => undefined);
        setSession({ kind: 'signed-out', notice: 'Your session has expired. Sign in again.' });
      }
    });
    return () => {
      cancelled = true;
      stopListening();
    };
  }, []);

  const signOut = useCallback(() => {
    // The console unmounts (closing its subscriptions) before the tokens go.
    setSession({ kind: 'signed-out' });
    sessionStorage.removeItem(PUBLIC_CHOICE_KEY);
    void signOutUser().catch(() => undefined);
  }, []);

  const continuePublic = useCallback(() => {
    sessionStorage.setItem(PUBLIC_CHOICE_KEY, 'yes');
    setSession(publicSession());
  }, []);

  if (session.kind === 'restoring') {
    return (
      <main class="sign-in">
        <p class="panel muted" role="status">
          Checking your session…
        </p>
      </main>
    );
  }
  if (session.kind === 'signed-out') {
    return (
      <SignInScreen
        local={config.local}
        notice={session.notice}
        onSignIn={(email, password) => signInWithPassword(email, password, Boolean(config.userPool.endpoint))}
        onAnswer={answerChallenge}
        onSignedIn={({ user }) => setSession(userSession(user))}
        onContinuePublic={config.apiKey ? continuePublic : undefined}
      />
    );
  }
  const user = session.kind === 'user' ? session.user : undefined;
  return (
    <App
      key={session.id}
      api={session.api}
      config={config}
      account={<Account user={user} onSignOut={signOut} />}
      canUpload={!user?.analyst}
    />
  );
};
