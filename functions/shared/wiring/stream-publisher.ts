/** Builds publishClassified from real adapters, once per container. */
import { AppSyncPublisher } from '../../adapters/appsync-publisher';
import { defaultCredentials } from '../../adapters/clients/credentials';
import { snsClient } from '../../adapters/clients/sns';
import { SnsNotifier } from '../../adapters/sns-notifier';
import type { PublishClassifiedDeps } from '../../core/use-cases/publish-classified';
import { loadStreamPublisherConfig } from '../config';
import { traceClient } from '../powertools';

const config = loadStreamPublisherConfig();

export const publishClassifiedDeps: PublishClassifiedDeps = {
  publisher: new AppSyncPublisher({ graphqlUrl: config.graphqlUrl, region: config.region, credentials: defaultCredentials() }),
  notifier: new SnsNotifier(snsClient(config.region, traceClient), config.topicArn),
};
