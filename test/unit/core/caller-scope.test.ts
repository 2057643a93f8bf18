import { ANALYSTS_GROUP, callerScope, canRead, PUBLIC_OWNER, uploadOwner } from '../../../functions/core/caller-scope';

const issuer = 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Example';

describe('callerScope: who may see what, from AppSync ctx.identity', () => {
  it('makes an API-key caller (null identity) the public tenant', () => {
    expect(callerScope(null)).toEqual({ kind: 'owner', owner: PUBLIC_OWNER });
    expect(callerScope(undefined)).toEqual({ kind: 'owner', owner: PUBLIC_OWNER });
  });

  it("scopes a user-pool caller to its own sub, whatever its username or other groups", () => {
    expect(callerScope({ sub: 'sub-a', issuer, username: 'public', groups: ['friends'] })).toEqual({ kind: 'owner', owner: 'sub-a' });
    expect(callerScope({ sub: 'sub-a', issuer, groups: null })).toEqual({ kind: 'owner', owner: 'sub-a' });
  });

  it('lets the analysts group read everyone and upload nothing', () => {
    const scope = callerScope({ sub: 'sub-c', issuer, groups: [ANALYSTS_GROUP] });
    expect(scope).toEqual({ kind: 'everyone' });
    expect(uploadOwner(scope)).toBeNull();
  });

  it('gives an IAM caller, or an identity without sub and issuer, no scope at all', () => {
    expect(callerScope({ accountId: '000000000000', userArn: 'arn:aws:iam::000000000000:user/publisher' })).toEqual({ kind: 'none' });
    expect(callerScope({ sub: '', issuer })).toEqual({ kind: 'none' });
    expect(callerScope({ sub: 'sub-a' })).toEqual({ kind: 'none' });
    expect(callerScope('sub-a')).toEqual({ kind: 'none' });
  });

  it.each([
    [{ kind: 'owner', owner: 'sub-a' } as const, 'sub-a', true],
    [{ kind: 'owner', owner: 'sub-a' } as const, 'sub-b', false],
    [{ kind: 'owner', owner: PUBLIC_OWNER } as const, 'sub-a', false],
    [{ kind: 'owner', owner: 'sub-a' } as const, undefined, false],
    [{ kind: 'everyone' } as const, 'sub-b', true],
    [{ kind: 'everyone' } as const, undefined, true],
    [{ kind: 'none' } as const, 'sub-a', false],
  ])('canRead(%j, %s) is %s', (scope, owner, expected) => {
    expect(canRead(scope, owner)).toBe(expected);
  });
});
