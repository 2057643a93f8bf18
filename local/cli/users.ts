/**
 * `npx pet-detector users add <email> --password <pw> [--group analysts]`: a confirmed user with a permanent
 * password, on the local stack's pool (.local/outputs.json) or on a deployed one with --user-pool-id (AWS
 * credentials and region from the environment, or --region).
 */
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { ANALYSTS_GROUP } from '../../functions/core/caller-scope';
import { PASSWORD_POLICY } from '../../functions/core/settings';
import { LOCAL_CREDENTIALS } from '../common/naming';
import { DEFAULT_STATE_DIR } from '../common/paths';
import { ensureUser } from '../provision/user-pool';
import { readOutputs } from '../stack/outputs';

const USAGE = `usage: pet-detector users add <email> --password <password> [--group ${ANALYSTS_GROUP}]
                               [--user-pool-id ID [--region REGION] | --outputs FILE]`;

/** The shared policy, checked here so a bad password is refused in words before any call. */
export const passwordProblem = (password: string): string | undefined => {
  const missing = [
    password.length < PASSWORD_POLICY.minLength ? `at least ${PASSWORD_POLICY.minLength} characters` : '',
    PASSWORD_POLICY.requireLowercase && !/[a-z]/.test(password) ? 'a lower-case letter' : '',
    PASSWORD_POLICY.requireUppercase && !/[A-Z]/.test(password) ? 'an upper-case letter' : '',
    PASSWORD_POLICY.requireDigits && !/\d/.test(password) ? 'a digit' : '',
    PASSWORD_POLICY.requireSymbols && !/[^A-Za-z0-9]/.test(password) ? 'a symbol' : '',
  ].filter(Boolean);
  return missing.length > 0 ? `the password needs ${missing.join(', ')}` : undefined;
};

export const main = async (argv: string[]): Promise<number> => {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        password: { type: 'string' },
        group: { type: 'string' },
        'user-pool-id': { type: 'string' },
        region: { type: 'string' },
        outputs: { type: 'string' },
      },
    });
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [action, email] = positionals;
  if (action !== 'add' || !email || !values.password || positionals.length !== 2) {
    console.error(USAGE);
    return 2;
  }
  const problem = passwordProblem(values.password);
  if (problem) {
    console.error(`Refused: ${problem}.`);
    return 2;
  }
  if (values.group && values.group !== ANALYSTS_GROUP) {
    console.error(`Refused: the only group is ${ANALYSTS_GROUP}.`);
    return 2;
  }
  let client: CognitoIdentityProviderClient;
  let userPoolId: string;
  if (values['user-pool-id']) {
    userPoolId = values['user-pool-id'];
    client = new CognitoIdentityProviderClient(values.region ? { region: values.region } : {});
  } else {
    const file = resolve(values.outputs ?? join(DEFAULT_STATE_DIR, 'outputs.json'));
    try {
      const outputs = await readOutputs(file);
      userPoolId = outputs.UserPoolId;
      client = new CognitoIdentityProviderClient({ region: outputs.Region, endpoint: outputs.CognitoEndpoint, credentials: LOCAL_CREDENTIALS });
    } catch (error) {
      console.error(`Cannot read ${file} (${(error as Error).message}). Is the local stack running (npm start)? For a deployed pool, pass --user-pool-id.`);
      return 2;
    }
  }
  try {
    const created = await ensureUser(client, userPoolId, { email, password: values.password, ...(values.group ? { group: values.group } : {}) });
    console.log(`${created ? 'Created' : 'Updated'} ${email} in ${userPoolId}${values.group ? ` (group ${values.group})` : ''}: sign in with this password.`);
    return 0;
  } catch (error) {
    console.error(`Could not add ${email}: ${(error as Error).message}`);
    return 1;
  } finally {
    client.destroy();
  }
};
