/**
 * A Lambda function the way this product deploys every one of them: esbuild-bundled TypeScript on
 * nodejs24.x/arm64, X-Ray active, Powertools configured from the environment, its own log group with a
 * retention, its own role that starts with no permission but writing to that log group, reserved
 * concurrency, and alarms on errors, throttles and p99 duration.
 */
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { ENV, METRIC_NAMESPACE } from '../../functions/core/settings';
import type { FunctionName, StageConfig } from '../config';
import { bundlingOptions, handlerEntry, LAMBDA_RUNTIME } from '../bundling';

export interface ObservedFunctionProps {
  config: StageConfig;
  name: FunctionName;
  description: string;
  environment: Record<string, string>;
  alarmTopic: sns.ITopic;
}

export class ObservedFunction extends Construct {
  readonly fn: nodejs.NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
  readonly functionName: string;
  readonly alarms: cloudwatch.Alarm[];

  constructor(scope: Construct, id: string, props: ObservedFunctionProps) {
    super(scope, id);
    const { config, name } = props;
    const settings = config.functions[name];
    this.functionName = `${config.prefix}${name}`;

    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      logGroupName: `/aws/lambda/${this.functionName}`,
      retention: config.logRetentionDays as logs.RetentionDays,
      removalPolicy: config.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });

    // An explicit role instead of CDK's default one: the default attaches AWSLambdaBasicExecutionRole,
    // which may write to every log group in the account.
    this.role = new iam.Role(this, 'Role', {
      roleName: `${this.functionName}-role`,
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${this.functionName}`,
    });
    this.logGroup.grantWrite(this.role);

    this.fn = new nodejs.NodejsFunction(this, 'Function', {
      functionName: this.functionName,
      description: props.description,
      entry: handlerEntry(name, config.classifier),
      handler: 'handler',
      runtime: LAMBDA_RUNTIME,
      architecture: lambda.Architecture.ARM_64,
      memorySize: settings.memoryMb,
      timeout: Duration.seconds(settings.timeoutSeconds),
      reservedConcurrentExecutions: settings.reservedConcurrency,
      tracing: lambda.Tracing.ACTIVE,
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      bundling: bundlingOptions(name, config),
      environment: {
        ...props.environment,
        [ENV.serviceName]: this.functionName,
        [ENV.metricsNamespace]: METRIC_NAMESPACE,
        [ENV.logLevel]: config.powertoolsLogLevel,
        // Responses stay out of X-Ray: upload tickets and presigned URLs carry the role's session token.
        [ENV.tracerCaptureResponse]: 'false',
        // Stack traces point at the TypeScript sources through the bundled source maps.
        NODE_OPTIONS: '--enable-source-maps',
      },
    });
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Resource * is granted only for actions that have no resource-level permissions: X-Ray PutTraceSegments/PutTelemetryRecords ' +
        '(active tracing), and where added by the caller rekognition:DetectLabels and dynamodb:ListStreams. test/infra checks the actions.',
    });

    this.alarms = this.createAlarms(props, settings.timeoutSeconds);
  }

  private createAlarms(props: ObservedFunctionProps, timeoutSeconds: number): cloudwatch.Alarm[] {
    const { alarms } = props.config;
    const action = new cwActions.SnsAction(props.alarmTopic);
    const period = Duration.minutes(5);
    const specs: Array<{ id: string; metric: cloudwatch.IMetric; threshold: number; what: string }> = [
      {
        id: 'Errors',
        metric: this.fn.metricErrors({ period, statistic: cloudwatch.Stats.SUM }),
        threshold: alarms.functionErrors,
        what: `errors in 5 minutes >= ${alarms.functionErrors}`,
      },
      {
        id: 'Throttles',
        metric: this.fn.metricThrottles({ period, statistic: cloudwatch.Stats.SUM }),
        threshold: alarms.functionThrottles,
        what: `throttles in 5 minutes >= ${alarms.functionThrottles}`,
      },
      {
        id: 'DurationP99',
        metric: this.fn.metricDuration({ period, statistic: cloudwatch.Stats.p(99) }),
        threshold: Math.round(timeoutSeconds * 1000 * alarms.p99DurationOfTimeout),
        what: `p99 duration >= ${Math.round(alarms.p99DurationOfTimeout * 100)}% of the ${timeoutSeconds} s timeout`,
      },
    ];
    return specs.map((spec) => {
      const alarm = new cloudwatch.Alarm(this, `${spec.id}Alarm`, {
        alarmName: `${this.functionName}-${spec.id.toLowerCase()}`,
        alarmDescription: `${this.functionName}: ${spec.what}`,
        metric: spec.metric,
        threshold: spec.threshold,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
      return alarm;
    });
  }
}
