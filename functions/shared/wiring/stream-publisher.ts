/** Builds publishClassified's dependencies from its configuration; nothing happens at import. */
import { AppSyncPublisher } from '../../adapters/appsync-publisher';
import { defaultCredentials } from '../../adapters/clients/credentials';
import { documentClient } from '../../adapters/clients/dynamodb';
import { snsClient } from '../../adapters/clients/sns';
import { DynamoDbAlertLedger } from '../../adapters/dynamodb-alert-ledger';
import { SnsNotifier } from '../../adapters/sns-notifier';
import type { PublishClassifiedDeps } from '../../core/use-cases/publish-classified';
import { loadStreamPublisherConfig, type Env, type StreamPublisherConfig } from '../config';
import { telemetryFromEnvironment, traceClients, type Telemetry } from '../telemetry';
import { clientTarget, type AwsConnection } from './connection';

export interface StreamPublisherHandlerDeps {
  publishClassified: PublishClassifiedDeps;
  telemetry: Telemetry;
}

export const streamPublisherDeps = (
  config: StreamPublisherConfig,
  telemetry: Telemetry,
  connection: AwsConnection = {},
): StreamPublisherHandlerDeps => ({
  publishClassified: {
    publisher: new AppSyncPublisher({
      graphqlUrl: config.graphqlUrl,
      region: config.region,
      credentials: connection.credentials ?? defaultCredentials(),
    }),
    notifier: new SnsNotifier(snsClient(clientTarget(config.region, 'sns', connection), traceClients(telemetry)), config.topicArn),
    alerts: new DynamoDbAlertLedger(documentClient(clientTarget(config.region, 'dynamodb', connection), traceClients(telemetry)), config.tableName),
  },
  telemetry,
});

export const fromEnvironment = (env: Env): StreamPublisherHandlerDeps =>
  streamPublisherDeps(loadStreamPublisherConfig(env), telemetryFromEnvironment(env));
