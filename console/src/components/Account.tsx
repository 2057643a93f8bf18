/** The header's account line: who is signed in (and whether as an analyst), with sign-out. */
import type { SignedInUser } from '../auth/session';

interface AccountProps {
  /** Undefined for the public tenant (the API key). */
  user?: SignedInUser;
  onSignOut: () => void;
}

export const Account = ({ user, onSignOut }: AccountProps) => (
  <div class="account" data-account={user ? 'user' : 'public'}>
    {user ? (
      <>
        <span>
          Signed in as <strong data-user-email>{user.email}</strong>
        </span>
        {user.analyst && (
          <span class="badge analyst" title="Analysts see everyone's images and cannot upload">
            Analyst
          </span>
        )}
      </>
    ) : (
      <span>Public tenant (not signed in)</span>
    )}
    <button type="button" class="link" onClick={onSignOut}>
      {user ? 'Sign out' : 'Sign in'}
    </button>
  </div>
);
