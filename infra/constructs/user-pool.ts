/**
 * Sign-in for the API's users (its default auth mode): a Cognito user pool with email sign-in, the shared
 * password policy, optional TOTP MFA and no user-existence leaks, a public app client (no secret: it ships
 * in apps) that allows SRP and password sign-in, and the analysts group, who read everyone's images.
 */
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { ANALYSTS_GROUP } from '../../functions/core/caller-scope';
import { PASSWORD_POLICY } from '../../functions/core/settings';
import type { StageConfig } from '../config';

export class UserPool extends Construct {
  readonly pool: cognito.UserPool;
  readonly client: cognito.UserPoolClient;

  constructor(scope: Construct, id: string, props: { config: StageConfig }) {
    super(scope, id);
    const { config } = props;
    this.pool = new cognito.UserPool(this, 'Pool', {
      userPoolName: `${config.prefix}users`,
      signInAliases: { email: true },
      autoVerify: { email: true },
      selfSignUpEnabled: config.selfSignUp,
      passwordPolicy: { ...PASSWORD_POLICY, tempPasswordValidity: Duration.days(3) },
      mfa: cognito.Mfa.OPTIONAL,
      mfaSecondFactor: { sms: false, otp: true },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      deletionProtection: config.deletionProtection,
      removalPolicy: config.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    Validations.of(this.pool).acknowledge(
      {
        id: 'AwsSolutions-COG2',
        reason:
          'MFA is optional by design (issue 12): every user may enrol a TOTP app, and the product does not force it on pet photos; ' +
          'SMS is off, so no SMS cost or SIM-swap exposure.',
      },
      {
        id: 'AwsSolutions-COG8',
        reason:
          'Essentials feature plan: threat protection (Plus) costs several times the MAU price of Essentials (docs/BENCHMARKS.md cost model); ' +
          'the API is behind a WAF rate rule, and Plus is a one-line change when the user base warrants it.',
      },
    );
    this.client = this.pool.addClient('AppClient', {
      userPoolClientName: `${config.prefix}app`,
      generateSecret: false,
      authFlows: { userSrp: true, userPassword: true },
      preventUserExistenceErrors: true,
      // Apps sign in through the Cognito API (Amplify); no hosted UI, so no OAuth flows or callback URLs.
      disableOAuth: true,
      enableTokenRevocation: true,
    });
    new cognito.CfnUserPoolGroup(this, 'Analysts', {
      userPoolId: this.pool.userPoolId,
      groupName: ANALYSTS_GROUP,
      description: "Reads everyone's images; cannot upload",
    });
  }
}
