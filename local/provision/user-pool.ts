/**
 * The local user pool, made on the Cognito API (cognito-local locally, Cognito itself for `users add
 * --user-pool-id`): a pool with email sign-in, a public app client that allows password and SRP sign-in,
 * the analysts group, and confirmed users. Every step looks for what exists first, so a restart reuses the
 * pool, its id and its users.
 */
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminGetUserCommand,
  AdminSetUserPasswordCommand,
  CreateGroupCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  ListGroupsCommand,
  ListUserPoolClientsCommand,
  ListUserPoolsCommand,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { ANALYSTS_GROUP } from '../../functions/core/caller-scope';
import { PASSWORD_POLICY } from '../../functions/core/settings';

export interface UserPoolInfo {
  userPoolId: string;
  userPoolClientId: string;
}


const isUserMissing = (error: unknown): boolean => error instanceof Error && error.name === 'UserNotFoundException';

const findPool = async (client: CognitoIdentityProviderClient, name: string): Promise<string | undefined> => {
  let nextToken: string | undefined;
  do {
    const page = await client.send(new ListUserPoolsCommand({ MaxResults: 60, NextToken: nextToken }));
    const found = page.UserPools?.find((p) => p.Name === name)?.Id;
    if (found) return found;
    nextToken = page.NextToken;
  } while (nextToken);
  return undefined;
};

const findClient = async (client: CognitoIdentityProviderClient, userPoolId: string, name: string): Promise<string | undefined> => {
  const page = await client.send(new ListUserPoolClientsCommand({ UserPoolId: userPoolId, MaxResults: 60 }));
  return page.UserPoolClients?.find((c) => c.ClientName === name)?.ClientId;
};

export const ensureUserPool = async (
  client: CognitoIdentityProviderClient,
  names: { pool: string; client: string },
): Promise<UserPoolInfo> => {
  let userPoolId = await findPool(client, names.pool);
  if (!userPoolId) {
    const created = await client.send(
      new CreateUserPoolCommand({
        PoolName: names.pool,
        UsernameAttributes: ['email'],
        AutoVerifiedAttributes: ['email'],
        Policies: {
          PasswordPolicy: {
            MinimumLength: PASSWORD_POLICY.minLength,
            RequireLowercase: PASSWORD_POLICY.requireLowercase,
            RequireUppercase: PASSWORD_POLICY.requireUppercase,
            RequireNumbers: PASSWORD_POLICY.requireDigits,
            RequireSymbols: PASSWORD_POLICY.requireSymbols,
          },
        },
      }),
    );
    userPoolId = created.UserPool?.Id;
    if (!userPoolId) throw new Error(`CreateUserPool returned no id for ${names.pool}`);
  }
  let userPoolClientId = await findClient(client, userPoolId, names.client);
  if (!userPoolClientId) {
    const created = await client.send(
      new CreateUserPoolClientCommand({
        UserPoolId: userPoolId,
        ClientName: names.client,
        GenerateSecret: false,
        ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      }),
    );
    userPoolClientId = created.UserPoolClient?.ClientId;
    if (!userPoolClientId) throw new Error(`CreateUserPoolClient returned no id for ${names.client}`);
  }
  await ensureGroup(client, userPoolId, ANALYSTS_GROUP);
  return { userPoolId, userPoolClientId };
};

const ensureGroup = async (client: CognitoIdentityProviderClient, userPoolId: string, groupName: string): Promise<void> => {
  // ListGroups rather than GetGroup: cognito-local answers GetGroup for a missing group with a 500.
  const { Groups } = await client.send(new ListGroupsCommand({ UserPoolId: userPoolId, Limit: 60 }));
  if (Groups?.some((g) => g.GroupName === groupName)) return;
  await client.send(new CreateGroupCommand({ UserPoolId: userPoolId, GroupName: groupName, Description: "Reads everyone's images; cannot upload" }));
};

export interface NewUser {
  email: string;
  password: string;
  group?: string;
}

/**
 * A confirmed user with this permanent password (set again when the user exists, so the printed password
 * is always the one that works), in the group when one is given. Returns whether the user was created.
 */
export const ensureUser = async (client: CognitoIdentityProviderClient, userPoolId: string, user: NewUser): Promise<boolean> => {
  let created = false;
  try {
    await client.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: user.email }));
  } catch (error) {
    if (!isUserMissing(error)) throw error;
    await client.send(
      new AdminCreateUserCommand({
        UserPoolId: userPoolId,
        Username: user.email,
        MessageAction: 'SUPPRESS',
        UserAttributes: [
          { Name: 'email', Value: user.email },
          { Name: 'email_verified', Value: 'true' },
        ],
      }),
    );
    created = true;
  }
  await client.send(new AdminSetUserPasswordCommand({ UserPoolId: userPoolId, Username: user.email, Password: user.password, Permanent: true }));
  if (user.group) {
    if (user.group === ANALYSTS_GROUP) await ensureGroup(client, userPoolId, ANALYSTS_GROUP);
    await client.send(new AdminAddUserToGroupCommand({ UserPoolId: userPoolId, Username: user.email, GroupName: user.group }));
  }
  return created;
};
