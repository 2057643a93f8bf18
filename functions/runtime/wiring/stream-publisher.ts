/** Builds the stream-publisher's dependencies (count, then publish) from its configuration; nothing happens at import. */
import { AppSyncPublisher } from '../../adapters/appsync-publisher';
import { defaultCredentials } from '../../adapters/clients/credentials';
import { documentClient } from '../../adapters/clients/dynamodb';
import { snsClient } from '../../adapters/clients/sns';
import { DynamoDbAlertLedger } from '../../adapters/dynamodb-alert-ledger';
import { DynamoDbStatsStore } from '../../adapters/dynamodb-stats-store';
import { SnsNotifier } from '../../adapters/sns-notifier';
import type { StatsStore } from '../../core/ports';
import type { PublishClassifiedDeps } from '../../core/use-cases/publish-classified';
import { loadStreamPublisherConfig, type Env, type StreamPublisherConfig } from '../config';
import { telemetryFromEnvironment, traceClients, type Telemetry } from '../telemetry';
import { clientTarget, type AwsConnection } from './connection';

export interface StreamPublisherHandlerDeps {
  countStatuses: { stats: StatsStore };
  publishClassified: PublishClassifiedDeps;
  telemetry: Telemetry;
}

export const streamPublisherDeps = (
  config: StreamPublisherConfig,
  telemetry: Telemetry,
  connection: AwsConnection = {},
): StreamPublisherHandlerDeps => {
  // One client for both tables: the counters and the alert ledger.
  const ddb = documentClient(clientTarget(config.region, 'dynamodb', connection), traceClients(telemetry));
  return {
    countStatuses: { stats: new DynamoDbStatsStore(ddb, config.statsTableName) },
    publishClassified: {
      publisher: new AppSyncPublisher({
        graphqlUrl: config.graphqlUrl,
        region: config.region,
        credentials: connection.credentials ?? defaultCredentials(),
      }),
      notifier: new SnsNotifier(snsClient(clientTarget(config.region, 'sns', connection), traceClients(telemetry)), config.topicArn),
      alerts: new DynamoDbAlertLedger(ddb, config.tableName),
    },
    telemetry,
  };
};

export const fromEnvironment = (env: Env): StreamPublisherHandlerDeps =>
  streamPublisherDeps(loadStreamPublisherConfig(env), telemetryFromEnvironment(env));
