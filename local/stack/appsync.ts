/**
 * Adapter to the local AppSync server (local/appsync-server, built by another engineer to the options in
 * contracts: host, port, httpsPort, apiKey, iamCredentials, region, schemaPaths, resolversDir, dataSources,
 * staticDir, extraRoutes, tls). Everything the stack knows about that module's shape lives here.
 */
import { resolve } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Context } from 'aws-lambda';
import { REPO_ROOT } from './paths';

export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export interface AppSyncServerOptions {
  host: string;
  port: number;
  httpsPort: number;
  apiKey: string;
  iamCredentials: { accessKeyId: string; secretAccessKey: string };
  region: string;
  schemaPaths: string[];
  resolversDir: string;
  dataSources: Record<
    string,
    | { type: 'dynamodb'; tableName: string; client: DynamoDBClient }
    | { type: 'lambda'; handler: (event: unknown, context: Context) => Promise<unknown> }
    | { type: 'none' }
  >;
  staticDir?: string;
  extraRoutes?: Record<string, RouteHandler>;
  tls?: unknown;
}

export interface AppSyncEndpoints {
  graphqlUrl: string;
  realtimeUrl: string;
  graphqlUrlHttps?: string;
  realtimeUrlHttps?: string;
  caCertificatePath?: string;
  stop(): Promise<void>;
}

type ServerHandle = Record<string, unknown> & { close?: () => Promise<void>; stop?: () => Promise<void> };

const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

export const startLocalAppSync = async (options: AppSyncServerOptions): Promise<AppSyncEndpoints> => {
  // A computed path: the server is another engineer's module, resolved at run time.
  const modulePath = resolve(REPO_ROOT, 'local', 'appsync-server', 'index.ts');
  let module: { startAppSyncServer?: (o: AppSyncServerOptions) => Promise<ServerHandle> };
  try {
    module = (await import(modulePath)) as typeof module;
  } catch (error) {
    throw new Error(`The local AppSync server (local/appsync-server) could not be loaded: ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (typeof module.startAppSyncServer !== 'function') {
    throw new Error('local/appsync-server does not export startAppSyncServer');
  }
  const handle = await module.startAppSyncServer(options);
  const graphqlUrl = str(handle.graphqlUrl) ?? str(handle.httpUrl) ?? str(handle.url) ?? `http://127.0.0.1:${options.port}/graphql`;
  const graphqlUrlHttps =
    str(handle.graphqlUrlHttps) ?? str(handle.httpsUrl) ?? (options.httpsPort ? `https://localhost:${options.httpsPort}/graphql` : undefined);
  return {
    graphqlUrl,
    realtimeUrl: str(handle.realtimeUrl) ?? `${graphqlUrl.replace(/^http/, 'ws')}/realtime`,
    graphqlUrlHttps,
    realtimeUrlHttps: str(handle.realtimeUrlHttps) ?? (graphqlUrlHttps ? `${graphqlUrlHttps.replace(/^https/, 'wss')}/realtime` : undefined),
    caCertificatePath: str(handle.caCertificatePath) ?? str(handle.caPath),
    stop: async () => {
      if (typeof handle.close === 'function') await handle.close();
      else if (typeof handle.stop === 'function') await handle.stop();
    },
  };
};
