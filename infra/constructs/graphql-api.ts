/**
 * The AppSync GraphQL API: schema.graphql, Cognito user pools by default, IAM for the stream publisher, and
 * the API key (the public tenant) only where the stage's apiKeyAccess is on,
 * APPSYNC_JS resolvers wired by file name, ERROR-level logging into a log group with a retention, X-Ray
 * with a sampling rule of its own, and a WAF web ACL whose rate-based rule is AppSync's form of request
 * throttling.
 */
import { Duration, Expiration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as appsync from 'aws-cdk-lib/aws-appsync';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import * as xray from 'aws-cdk-lib/aws-xray';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import type { StageConfig } from '../config';

import { QUERY_DEPTH_LIMIT, RESOLVER_COUNT_LIMIT } from '../../functions/core/settings';
import type { DataSourceName } from '../../appsync/resolver-manifest';

/**
 * schema.graphql as deployed: where API-key access is off, its @aws_api_key directives go too, so the schema
 * names no auth mode the API lacks and the key's absence is visible in the deployed schema itself.
 */
export const deployedSchema = (schemaPath: string, apiKeyAccess: boolean): appsync.ISchema => {
  const schema = appsync.SchemaFile.fromAsset(schemaPath);
  if (!apiKeyAccess) schema.definition = schema.definition.replace(/[ \t]*@aws_api_key\b/g, '');
  return schema;
};

/** One resolver to attach: a unit resolver on a data source, or a pipeline of functions. */
export type ResolverWiring =
  | { kind: 'unit'; typeName: string; fieldName: string; dataSource: DataSourceName; code: string }
  | {
      kind: 'pipeline';
      typeName: string;
      fieldName: string;
      code: string;
      functions: Array<{ name: string; dataSource: DataSourceName; code: string }>;
    };

export interface GraphqlApiProps {
  config: StageConfig;
  schemaPath: string;
  table: dynamodb.ITable;
  userPool: cognito.IUserPool;
  /** The app clients whose tokens the API accepts. */
  userPoolClientIds: string[];
  imageReader: lambda.IFunction;
  requestUpload: lambda.IFunction;
  resolvers: ResolverWiring[];
}

export class PetDetectorApi extends Construct {
  readonly api: appsync.GraphqlApi;
  /** Absent when the stage's apiKeyAccess is off. */
  readonly apiKey?: appsync.CfnApiKey;
  /** When the client API key stops working: fixed at synthesis, moved forward by every deployment. */
  readonly apiKeyExpires: Expiration;
  readonly logGroup: logs.LogGroup;
  readonly webAcl: wafv2.CfnWebACL;
  readonly samplingRule: xray.CfnSamplingRule;
  readonly dataSources: Record<DataSourceName, appsync.BaseDataSource>;

  constructor(scope: Construct, id: string, props: GraphqlApiProps) {
    super(scope, id);
    const { config } = props;

    // AppSync writes to the log group named after the API id; the role may write there and nowhere else.
    const logsRole = new iam.Role(this, 'LogsRole', {
      roleName: `${config.prefix}appsync-logs-role`,
      assumedBy: new iam.ServicePrincipal('appsync.amazonaws.com'),
      description: 'Lets AppSync write this API\'s logs',
    });

    this.apiKeyExpires = Expiration.after(Duration.days(config.apiKeyExpiryDays));
    this.api = new appsync.GraphqlApi(this, 'Api', {
      name: `${config.prefix}api`,
      definition: appsync.Definition.fromSchema(deployedSchema(props.schemaPath, config.apiKeyAccess)),
      authorizationConfig: {
        defaultAuthorization: {
          authorizationType: appsync.AuthorizationType.USER_POOL,
          userPoolConfig: {
            userPool: props.userPool,
            // AppSync takes a regex; the ids are alphanumeric, so an alternation of them is exact.
            appIdClientRegex: `^(${props.userPoolClientIds.join('|')})$`,
            defaultAction: appsync.UserPoolDefaultAction.ALLOW,
          },
        },
        additionalAuthorizationModes: [
          { authorizationType: appsync.AuthorizationType.IAM },
          ...(config.apiKeyAccess
            ? [
                {
                  authorizationType: appsync.AuthorizationType.API_KEY,
                  apiKeyConfig: {
                    name: 'Clients',
                    description: `${config.prefix} public-tenant key (its id is a stack output; the value is never in source)`,
                    // Re-deploying moves the expiry forward again; ApiKeyExpiryWarning warns before it passes.
                    expires: this.apiKeyExpires,
                  },
                },
              ]
            : []),
        ],
      },
      xrayEnabled: true,
      // Cost limits per request (functions/core/settings.ts); the local server enforces the same ones.
      queryDepthLimit: QUERY_DEPTH_LIMIT,
      resolverCountLimit: RESOLVER_COUNT_LIMIT,
      introspectionConfig: config.apiIntrospection ? appsync.IntrospectionConfig.ENABLED : appsync.IntrospectionConfig.DISABLED,
    });
    // Set on the L1 resource: GraphqlApi's logConfig always adds a LogRetention custom resource (a Lambda
    // that would own the log group); the LogGroup below owns it instead, with its retention.
    (this.api.node.defaultChild as appsync.CfnGraphQLApi).logConfig = {
      cloudWatchLogsRoleArn: logsRole.roleArn,
      fieldLogLevel: appsync.FieldLogLevel.ERROR,
      // Verbose content is request headers and resolver context: useful while developing, and in prod a copy
      // of callers' headers in the logs that nobody needs to diagnose an error.
      excludeVerboseContent: !config.apiVerboseLogs,
    };
    if (!config.apiVerboseLogs) {
      Validations.of(this.api).acknowledge({
        id: 'AwsSolutions-ASC3',
        reason:
          'Request logging is on (ERROR-level field logs, X-Ray, WAF metrics); only verbose content is excluded in prod, because it ' +
          'copies every caller\'s request headers into the logs, which error diagnosis does not need (issue 11, item 15).',
      });
    }
    if (config.apiKeyAccess) this.apiKey = this.api.node.findChild('ClientsApiKey') as appsync.CfnApiKey;

    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      logGroupName: `/aws/appsync/apis/${this.api.apiId}`,
      retention: config.logRetentionDays as logs.RetentionDays,
      removalPolicy: config.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    this.logGroup.grantWrite(logsRole);

    this.dataSources = this.createDataSources(props);
    for (const wiring of props.resolvers) this.attachResolver(wiring);

    this.webAcl = this.createWebAcl(config);
    this.samplingRule = this.createSamplingRule(config);
  }

  /**
   * Without a rule of its own the API falls under X-Ray's default rule (the first request each second,
   * then 5%), which at this product's ~1 request/s traces most requests. The rule matches this API only;
   * the Lambda data sources follow AppSync's decision, so it sets their sampling too.
   */
  private createSamplingRule(config: StageConfig): xray.CfnSamplingRule {
    const ruleName = `${config.prefix}appsync`;
    // X-Ray's limit on rule names.
    if (ruleName.length > 32) throw new Error(`X-Ray sampling rule name ${ruleName} is longer than 32 characters`);
    return new xray.CfnSamplingRule(this, 'TraceSampling', {
      samplingRule: {
        ruleName,
        // Any priority beats the default rule (evaluated last); lower numbers win among custom rules.
        priority: 100,
        reservoirSize: config.apiTraceSampling.reservoirPerSecond,
        fixedRate: config.apiTraceSampling.fixedRate,
        serviceType: 'AWS::AppSync::GraphQLAPI',
        resourceArn: this.api.arn,
        serviceName: '*',
        host: '*',
        httpMethod: '*',
        urlPath: '*',
        version: 1,
      },
    });
  }

  private createDataSources(props: GraphqlApiProps): Record<DataSourceName, appsync.BaseDataSource> {
    const { config } = props;
    // Each data source gets a role with exactly what its resolvers do. The CDK data-source constructs would
    // grant more (all read actions including Scan; invoking every version of a function), so they are handed
    // the role through withoutPolicyUpdates() and the grants below are the only ones.
    const roleFor = (name: string, statement: iam.PolicyStatement): iam.IRole => {
      const role = new iam.Role(this, `${name}Role`, {
        roleName: `${config.prefix}appsync-${name.toLowerCase()}-role`,
        assumedBy: new iam.ServicePrincipal('appsync.amazonaws.com'),
        description: `AppSync data source ${name}`,
      });
      role.addToPolicy(statement);
      return role.withoutPolicyUpdates();
    };
    const invoke = (fn: lambda.IFunction) =>
      new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [fn.functionArn] });

    return {
      DetectionLogs: new appsync.DynamoDbDataSource(this, 'DetectionLogs', {
        api: this.api,
        name: 'DetectionLogs',
        description: 'DetectionLogs table (Query.image: GetItem)',
        table: props.table,
        serviceRole: roleFor(
          'DetectionLogs',
          new iam.PolicyStatement({ actions: ['dynamodb:GetItem'], resources: [props.table.tableArn] }),
        ),
      }),
      ImageReader: new appsync.LambdaDataSource(this, 'ImageReader', {
        api: this.api,
        name: 'ImageReader',
        description: 'image-reader Lambda (Query.images, Query.imageUrls)',
        lambdaFunction: props.imageReader,
        serviceRole: roleFor('ImageReader', invoke(props.imageReader)),
      }),
      RequestUpload: new appsync.LambdaDataSource(this, 'RequestUpload', {
        api: this.api,
        name: 'RequestUpload',
        description: 'request-upload Lambda (Mutation.requestUpload)',
        lambdaFunction: props.requestUpload,
        serviceRole: roleFor('RequestUpload', invoke(props.requestUpload)),
      }),
      None: new appsync.NoneDataSource(this, 'None', {
        api: this.api,
        name: 'None',
        description: 'Local resolvers: publishImageClassified and the onImageClassified subscription',
      }),
    };
  }

  private attachResolver(wiring: ResolverWiring): void {
    const id = `${wiring.typeName}${wiring.fieldName[0]?.toUpperCase()}${wiring.fieldName.slice(1)}`;
    const runtime = appsync.FunctionRuntime.JS_1_0_0;
    if (wiring.kind === 'unit') {
      new appsync.Resolver(this, `${id}Resolver`, {
        api: this.api,
        typeName: wiring.typeName,
        fieldName: wiring.fieldName,
        dataSource: this.dataSources[wiring.dataSource],
        runtime,
        code: appsync.Code.fromInline(wiring.code),
      });
      return;
    }
    const functions = wiring.functions.map(
      (step, index) =>
        new appsync.AppsyncFunction(this, `${id}Step${index + 1}`, {
          api: this.api,
          name: `${wiring.typeName}_${wiring.fieldName}_${index + 1}_${step.name}`.replace(/[^A-Za-z0-9_]/g, '_'),
          dataSource: this.dataSources[step.dataSource],
          runtime,
          code: appsync.Code.fromInline(step.code),
        }),
    );
    new appsync.Resolver(this, `${id}Resolver`, {
      api: this.api,
      typeName: wiring.typeName,
      fieldName: wiring.fieldName,
      pipelineConfig: functions,
      runtime,
      code: appsync.Code.fromInline(wiring.code),
    });
  }

  private createWebAcl(config: StageConfig): wafv2.CfnWebACL {
    const visibility = (metricName: string): wafv2.CfnWebACL.VisibilityConfigProperty => ({
      cloudWatchMetricsEnabled: true,
      sampledRequestsEnabled: true,
      metricName,
    });
    const webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      name: `${config.prefix}api-acl`,
      description: 'Rate limit per client IP and known-bad inputs, in front of the GraphQL API',
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: visibility(`${config.prefix}api-acl`),
      rules: [
        {
          name: 'rate-limit-per-ip',
          priority: 0,
          action: { block: {} },
          statement: {
            rateBasedStatement: { limit: config.wafRateLimitPer5Min, aggregateKeyType: 'IP', evaluationWindowSec: 300 },
          },
          visibilityConfig: visibility(`${config.prefix}rate-limit-per-ip`),
        },
        {
          name: 'aws-known-bad-inputs',
          priority: 1,
          overrideAction: { none: {} },
          statement: { managedRuleGroupStatement: { vendorName: 'AWS', name: 'AWSManagedRulesKnownBadInputsRuleSet' } },
          visibilityConfig: visibility(`${config.prefix}known-bad-inputs`),
        },
      ],
    });
    new wafv2.CfnWebACLAssociation(this, 'WebAclAssociation', { resourceArn: this.api.arn, webAclArn: webAcl.attrArn });
    return webAcl;
  }

  /** The realtime (subscriptions) endpoint, wss://... */
  get realtimeUrl(): string {
    return (this.api.node.defaultChild as appsync.CfnGraphQLApi).attrRealtimeUrl;
  }

  /** Grants the IAM-only publish mutation, and nothing else on the API. */
  grantPublish(grantee: iam.IGrantable): void {
    this.api.grantMutation(grantee, 'publishImageClassified');
  }
}
