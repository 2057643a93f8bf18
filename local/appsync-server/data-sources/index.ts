import { createDynamoDBDataSource } from './dynamodb';
import { createLambdaDataSource } from './lambda';
import { createNoneDataSource } from './none';
import type { DataSource, DataSourceConfig } from './types';

export type { DataSource, DataSourceConfig, DataSourceOutcome, LocalLambdaHandler } from './types';

export const createDataSource = (name: string, config: DataSourceConfig, region: string): DataSource => {
  switch (config.type) {
    case 'dynamodb':
      return createDynamoDBDataSource(config);
    case 'lambda':
      return createLambdaDataSource({
        name,
        region,
        handler: config.handler,
        ...(config.functionName ? { functionName: config.functionName } : {}),
        ...(config.timeoutMs ? { timeoutMs: config.timeoutMs } : {}),
      });
    case 'none':
      return createNoneDataSource();
  }
};
