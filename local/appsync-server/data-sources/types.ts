import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Context } from 'aws-lambda';

/** A Lambda handler as the local server calls it: in-process, awaited, without the legacy callback. */
export type LocalLambdaHandler = (event: unknown, context: Context) => Promise<unknown>;

export type DataSourceConfig =
  | { type: 'dynamodb'; tableName: string; client: DynamoDBClient }
  | { type: 'lambda'; handler: LocalLambdaHandler; functionName?: string; timeoutMs?: number }
  | { type: 'none' };

/** What AppSync hands the response handler: ctx.result, or ctx.error when the data source failed. */
export interface DataSourceOutcome {
  result: unknown;
  error?: { message: string; type: string };
}

export interface DataSource {
  invoke(request: unknown): Promise<DataSourceOutcome>;
}

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
