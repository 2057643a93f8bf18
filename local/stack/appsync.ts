/**
 * The stack's use of the local AppSync server (local/appsync-server, another engineer's module): the
 * endpoints it reports, in the shape the rest of the stack uses.
 */
import { startAppSyncServer, type AppSyncServerOptions } from '../appsync-server';

export interface AppSyncEndpoints {
  graphqlUrl: string;
  realtimeUrl: string;
  graphqlUrlHttps?: string;
  realtimeUrlHttps?: string;
  caCertificatePath?: string;
  stop(): Promise<void>;
}

export const startLocalAppSync = async (options: AppSyncServerOptions): Promise<AppSyncEndpoints> => {
  const server = await startAppSyncServer(options);
  return {
    graphqlUrl: server.url,
    realtimeUrl: server.realtimeUrl,
    graphqlUrlHttps: server.httpsUrl,
    realtimeUrlHttps: server.realtimeUrlHttps,
    caCertificatePath: server.caCertificatePath,
    stop: () => server.close(),
  };
};
