/**
 * The web console as a static site: a private bucket read by CloudFront through Origin Access Control.
 * The build in console/dist is stage-independent; its config.json is written at deploy time from the
 * stack's own attributes: the user pool and its app client, and the API key only where the stage's
 * apiKeyAccess is on (its value never in source or in the synthesized template: CloudFormation resolves
 * the GetAtt during the deployment).
 */
import { Aws, CfnElement, DefaultStackSynthesizer, Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { MAX_UPLOAD_BYTES } from '../../functions/core/upload-validation';
import type { StageConfig } from '../config';

export interface ConsoleSiteProps {
  config: StageConfig;
  /** The built console (console/dist). */
  assetDir: string;
  graphqlUrl: string;
  realtimeUrl: string;
  /** Only where API-key access is on. */
  apiKey?: string;
  userPoolId: string;
  userPoolClientId: string;
  accessLogBucket: s3.IBucket;
}

/**
 * The deployed console's config.json. The keys are the stack outputs' names, which the console reads
 * (console/src/config.ts). Without an API key the console offers sign-in only.
 */
export const deployedConsoleConfig = (
  props: Pick<ConsoleSiteProps, 'graphqlUrl' | 'realtimeUrl' | 'apiKey' | 'userPoolId' | 'userPoolClientId'> & { region: string },
) => ({
  GraphQLApiUrl: props.graphqlUrl,
  ...(props.apiKey ? { GraphQLApiKey: props.apiKey } : {}),
  UserPoolId: props.userPoolId,
  UserPoolClientId: props.userPoolClientId,
  RealtimeUrl: props.realtimeUrl,
  Region: props.region,
  Local: false,
  MaxUploadBytes: MAX_UPLOAD_BYTES,
});

export class ConsoleSite extends Construct {
  readonly bucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;
  /** https://<distribution domain>, for the images bucket's CORS rule. */
  readonly origin: string;

  constructor(scope: Construct, id: string, props: ConsoleSiteProps) {
    super(scope, id);
    const { config } = props;

    this.bucket = new s3.Bucket(this, 'Site', {
      bucketName: `${config.prefix}console-${Aws.ACCOUNT_ID}-${Aws.REGION}`,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: props.accessLogBucket,
      serverAccessLogsPrefix: 'console/',
      // The site is rebuilt from console/dist on every deploy: nothing in it is worth retaining.
      removalPolicy: RemovalPolicy.DESTROY,
    });

    // CloudFront standard logs are delivered with object ACLs, so they need their own ACL-enabled bucket.
    const distributionLogs = new s3.Bucket(this, 'DistributionLogs', {
      bucketName: `${config.prefix}console-logs-${Aws.ACCOUNT_ID}-${Aws.REGION}`,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ id: 'expire-distribution-logs', expiration: Duration.days(Math.max(config.logRetentionDays, 30)) }],
      removalPolicy: config.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    Validations.of(distributionLogs).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This bucket receives CloudFront access logs; logging the log bucket would only log log deliveries.',
    });

    const origin = origins.S3BucketOrigin.withOriginAccessControl(this.bucket);
    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: `${config.prefix}console`,
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin,
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: cloudfront.ResponseHeadersPolicy.SECURITY_HEADERS,
      },
      additionalBehaviors: {
        // Re-read on every page load, so a redeploy (new API key, new URL) takes effect at once.
        '/config.json': {
          origin,
          viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
          cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
          responseHeadersPolicy: cloudfront.ResponseHeadersPolicy.SECURITY_HEADERS,
        },
      },
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
      enableLogging: true,
      logBucket: distributionLogs,
      logFilePrefix: 'distribution/',
    });
    Validations.of(this.distribution).acknowledge(
      {
        id: 'AwsSolutions-CFR1',
        reason: 'The console is a public static page; who may use the API is decided by the API key and the API\'s WAF, not by geography.',
      },
      {
        id: 'AwsSolutions-CFR2',
        reason:
          'The distribution serves static files only; every request that does work goes to the AppSync API, which has its own WAF web ACL. ' +
          'A CloudFront web ACL would have to live in us-east-1 and cost a second ACL for no protected resource.',
      },
      {
        id: 'AwsSolutions-CFR4',
        reason:
          'No custom domain is configured, so the distribution uses the default *.cloudfront.net certificate, whose security policy ' +
          'CloudFront fixes; a custom domain with an ACM certificate and minimumProtocolVersion TLS_V1_2_2021 lifts it.',
      },
    );
    this.origin = `https://${this.distribution.distributionDomainName}`;

    new s3deploy.BucketDeployment(this, 'Deploy', {
      destinationBucket: this.bucket,
      sources: [
        s3deploy.Source.asset(props.assetDir),
        s3deploy.Source.jsonData('config.json', deployedConsoleConfig({ ...props, region: Aws.REGION })),
      ],
      distribution: this.distribution,
      distributionPaths: ['/*'],
      prune: true,
      memoryLimit: 256,
    });
    this.acknowledgeDeploymentHandler();
  }

  /**
   * BucketDeployment's handler (a CDK-owned singleton Lambda) reads the CDK asset bucket and replaces the
   * site's objects; CDK writes its grants with wildcard actions. Each finding is acknowledged by its exact id.
   */
  private acknowledgeDeploymentHandler(): void {
    const stack = Stack.of(this);
    const handler = stack.node.children.find((c) => c.node.id.startsWith('Custom::CDKBucketDeployment'));
    if (!handler) return;
    const partition = Token.isUnresolved(stack.region) ? '<AWS::Partition>' : RegionInfo.get(stack.region).partition ?? 'aws';
    const region = Token.isUnresolved(stack.region) ? '<AWS::Region>' : stack.region;
    const assetBucket = `arn:${partition}:s3:::cdk-${DefaultStackSynthesizer.DEFAULT_QUALIFIER}-assets-<AWS::AccountId>-${region}/*`;
    const siteBucket = `<${stack.getLogicalId(this.bucket.node.defaultChild as CfnElement)}.Arn>/*`;
    const reason =
      'CDK-owned BucketDeployment handler: CDK grants it read on its own asset bucket and read/write/delete on the site bucket ' +
      '(prune) with these wildcard actions; it runs only during deployments.';
    Validations.of(handler).acknowledge(
      ...['Action::s3:GetBucket*', 'Action::s3:GetObject*', 'Action::s3:List*', 'Action::s3:Abort*', 'Action::s3:DeleteObject*']
        .concat([`Resource::${assetBucket}`, `Resource::${siteBucket}`])
        .map((finding) => ({ id: `AwsSolutions-IAM5[${finding}]`, reason })),
    );
  }
}
