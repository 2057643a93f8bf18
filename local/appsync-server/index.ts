/**
 * The local AppSync-compatible server: schema.graphql executed by graphql-js with AppSync's scalars and
 * auth directives, the bundled APPSYNC_JS resolvers wired from the resolver manifest, DynamoDB / Lambda /
 * NONE data sources, POST /graphql over HTTP and HTTPS, and the real-time protocol at /graphql/realtime.
 */
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { z } from 'zod';
import { loadResolverManifest, type ResolverSpec } from '../../appsync/resolver-manifest';
import type { ResolverLogger } from '../../appsync/runtime/evaluate';
import type { AuthConfig } from './auth/authenticate';
import { createLocalOrigins, type LocalOrigins } from '../common/origins';
import { describeFault, guardRequests, type FaultReporter } from '../common/request-guard';
import { createUserPoolVerifier, type UserPoolConfig } from './auth/user-pool';
import { createDataSource, type DataSource, type DataSourceConfig } from './data-sources';
import { Executor, type Publication } from './execution';
import { createHttpHandler, type ExtraRoute } from './http-handler';
import { DEFAULT_QUERY_LIMITS, type QueryLimits } from './query-limits';
import { createRealtimeEndpoint } from './realtime';
import { ensureLocalTls } from '../tls';
import { ResolverRunner } from './resolver-runner';
import { loadAppSyncSchema } from './schema';
import { SubscriptionRegistry } from './subscriptions';

export type { DataSourceConfig, LocalLambdaHandler } from './data-sources';
export { corsHeaders, type ExtraRoute } from './http-handler';
export type { Publication } from './execution';
export type { QueryLimits } from './query-limits';

export const GRAPHQL_PATH = '/graphql';
export const REALTIME_PATH = '/graphql/realtime';

export interface AppSyncServerOptions {
  host?: string;
  /** 0 picks a free port. */
  port: number;
  /** Serve HTTPS/WSS too (needs `tls`); 0 picks a free port. */
  httpsPort?: number;
  /** PEM certificate and key, or a directory where local/tls keeps (and on first use makes) a local CA and certificate. */
  tls?: { cert: string; key: string } | { dir: string };
  /** The API key; unset turns API-key access off (a stage's apiKeyAccess), and every x-api-key is refused. */
  apiKey?: string;
  /** Accept this Cognito user pool's ID and access tokens in `Authorization` (AppSync's user-pool auth mode). */
  userPool?: UserPoolConfig;
  iamCredentials: { accessKeyId: string; secretAccessKey: string };
  region: string;
  /** schema.graphql and appsync/builtins.graphql. */
  schemaPaths: string[];
  /** Where `npm run build:resolvers` put the bundles (dist/resolvers). */
  resolversDir: string;
  /** The resolvers' sources, for the manifest; defaults to <repo>/resolvers. */
  resolverSourcesDir?: string;
  dataSources: Record<string, DataSourceConfig>;
  /** A built web console served at '/', with index.html for unknown paths. */
  staticDir?: string;
  /** Routes the local stack adds, as a list or keyed "METHOD /path". */
  extraRoutes?: ExtraRoute[] | Record<string, ExtraRoute['handler']>;
  /** Interval of `ka` messages on real-time connections (AppSync: about a minute). */
  keepAliveIntervalMs?: number;
  /** AppSync's "Subscriptions per connection" quota: 100 unless raised. */
  maxSubscriptionsPerConnection?: number;
  /** Where resolvers' console output goes; dropped when unset. */
  resolverLogger?: ResolverLogger;
  /** Told about failures of the server itself (a request that could not be answered). */
  onInternalError?: (error: unknown) => void;
  /** Browser origins allowed: the server adds its own (the console it serves) once it listens. */
  origins?: LocalOrigins;
  /** Per-request cost limits; by default the ones the CDK stack sets on the API (introspection on). */
  queryLimits?: Partial<QueryLimits>;
}

export interface AppSyncServer {
  /** http://host:port/graphql */
  url: string;
  httpsUrl?: string;
  /** ws://host:port/graphql/realtime */
  realtimeUrl: string;
  realtimeUrlHttps?: string;
  port: number;
  httpsPort?: number;
  /** The CA to trust for httpsUrl, when the server made its certificate with local/tls. */
  caCertificatePath?: string;
  /** Delivers a publication as if its mutation had just completed; resolves with the number of receivers. */
  publish(publication: Publication): Promise<number>;
  /** Subscriptions currently started (after start_ack). */
  readonly subscriptionCount: number;
  /** The origins browsers may call from: the server's own and those it was given. */
  origins: LocalOrigins;
  close(): Promise<void>;
}

const optionsSchema = z.object({
  host: z.string().min(1).default('127.0.0.1'),
  port: z.number().int().min(0).max(65535),
  httpsPort: z.number().int().min(0).max(65535).optional(),
  apiKey: z.string().min(1).optional(),
  userPool: z.object({ issuer: z.string().url(), clientIds: z.array(z.string().min(1)).min(1), jwksUri: z.string().url().optional() }).optional(),
  iamCredentials: z.object({ accessKeyId: z.string().min(1), secretAccessKey: z.string().min(1) }),
  region: z.string().min(1),
  schemaPaths: z.array(z.string().min(1)).min(1),
  resolversDir: z.string().min(1),
});

export class AppSyncServerConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AppSyncServerConfigError';
  }
}

const checkWiring = (specs: readonly ResolverSpec[], dataSources: Record<string, DataSourceConfig>): void => {
  const problems: string[] = [];
  for (const spec of specs) {
    const steps: { name?: string; bundle: string }[] =
      spec.kind === 'UNIT'
        ? [{ name: spec.dataSource ?? undefined, bundle: spec.bundlePath }]
        : [{ bundle: spec.bundlePath }, ...spec.functions.map((f) => ({ name: f.dataSource, bundle: f.bundlePath }))];
    for (const step of steps) {
      if (step.name && !dataSources[step.name]) problems.push(`${spec.typeName}.${spec.fieldName} needs data source ${step.name}`);
      if (!existsSync(step.bundle)) problems.push(`missing bundle ${step.bundle} (run \`npm run build:resolvers\`)`);
    }
  }
  if (problems.length > 0) throw new AppSyncServerConfigError(`The local AppSync server cannot start:\n- ${problems.join('\n- ')}`);
};

const listen = (server: Server, port: number, host: string): Promise<number> =>
  new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });

const closeServer = (server: Server): Promise<void> =>
  new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });

const routesOf = (routes: AppSyncServerOptions['extraRoutes']): ExtraRoute[] => {
  if (!routes) return [];
  if (Array.isArray(routes)) return routes;
  return Object.entries(routes).map(([key, handler]) => {
    const [method, routePath] = key.includes(' ') ? (key.split(/\s+/, 2) as [string, string]) : ['GET', key];
    return { method, path: routePath, handler };
  });
};

const tlsMaterial = async (tls: NonNullable<AppSyncServerOptions['tls']>): Promise<{ cert: string; key: string; caPath?: string }> => {
  if ('dir' in tls) {
    const local = await ensureLocalTls(tls.dir);
    return { cert: local.certPem, key: local.keyPem, caPath: local.caPath };
  }
  return tls;
};

const urlHost = (host: string): string => (host.includes(':') ? `[${host}]` : host);

export const startAppSyncServer = async (options: AppSyncServerOptions): Promise<AppSyncServer> => {
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) {
    throw new AppSyncServerConfigError(`Invalid local AppSync server options: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  if (options.httpsPort !== undefined && !options.tls) throw new AppSyncServerConfigError('httpsPort needs tls { cert, key }');
  const host = parsed.data.host;

  const appsync = loadAppSyncSchema(options.schemaPaths);
  const specs = loadResolverManifest({
    outDir: path.resolve(options.resolversDir),
    schemaPaths: options.schemaPaths,
    ...(options.resolverSourcesDir ? { resolversDir: options.resolverSourcesDir } : {}),
  });
  checkWiring(specs, options.dataSources);

  const dataSources = new Map<string, DataSource>(
    Object.entries(options.dataSources).map(([name, config]) => [name, createDataSource(name, config, options.region)]),
  );
  const runner = new ResolverRunner({ dataSources, ...(options.resolverLogger ? { logger: options.resolverLogger } : {}) });
  const executor = new Executor(appsync, specs, runner, { ...DEFAULT_QUERY_LIMITS, ...options.queryLimits });
  const auth: AuthConfig = {
    ...(options.apiKey ? { apiKey: options.apiKey } : {}),
    ...(options.userPool ? { userPool: createUserPoolVerifier(options.userPool) } : {}),
    iamCredentials: options.iamCredentials,
    region: options.region,
  };
  const registry = new SubscriptionRegistry(appsync.subscriptionsFor, (subscription, payload) =>
    executor.deliver(subscription.document, subscription.request, subscription.fieldName, payload, subscription.callerContext),
  );
  const publish = (publication: Publication): Promise<number> => registry.publish(publication);
  const publishInBackground = (publication: Publication): void => {
    publish(publication).catch((error: unknown) => options.onInternalError?.(error));
  };

  const origins = options.origins ?? createLocalOrigins();
  const reportFault: FaultReporter = (fault) => options.onInternalError?.(new Error(describeFault(fault)));
  const listener = createHttpHandler({
    origins,
    graphqlPath: GRAPHQL_PATH,
    auth,
    executor,
    publish: publishInBackground,
    ...(options.staticDir ? { staticDir: options.staticDir } : {}),
    extraRoutes: routesOf(options.extraRoutes),
    ...(options.onInternalError ? { onInternalError: options.onInternalError } : {}),
  });
  const handler = guardRequests(
    'AppSync API',
    listener,
    (_request, response) => {
      const body = JSON.stringify({ errors: [{ errorType: 'InternalFailure', message: 'The local AppSync server failed to answer.' }] });
      response.writeHead(500, { 'content-type': 'application/json; charset=UTF-8', 'content-length': Buffer.byteLength(body) }).end(body);
    },
    reportFault,
  );
  const realtime = createRealtimeEndpoint({
    origins,
    onFault: reportFault,
    realtimePath: REALTIME_PATH,
    graphqlPath: GRAPHQL_PATH,
    auth,
    executor,
    registry,
    ...(options.keepAliveIntervalMs ? { keepAliveIntervalMs: options.keepAliveIntervalMs } : {}),
    ...(options.maxSubscriptionsPerConnection ? { maxSubscriptionsPerConnection: options.maxSubscriptionsPerConnection } : {}),
  });

  const servers: Server[] = [];
  const httpServer = createServer(handler);
  realtime.attach(httpServer);
  servers.push(httpServer);
  let httpsServer: Server | undefined;
  let caCertificatePath: string | undefined;
  if (options.tls && options.httpsPort !== undefined) {
    const material = await tlsMaterial(options.tls);
    caCertificatePath = material.caPath;
    httpsServer = createHttpsServer({ cert: material.cert, key: material.key }, handler);
    realtime.attach(httpsServer);
    servers.push(httpsServer);
  }

  try {
    const port = await listen(httpServer, parsed.data.port, host);
    const httpsPort = httpsServer ? await listen(httpsServer, options.httpsPort!, host) : undefined;
    origins.addServer('http', port);
    if (httpsPort !== undefined) origins.addServer('https', httpsPort);
    const h = urlHost(host);
    return {
      url: `http://${h}:${port}${GRAPHQL_PATH}`,
      realtimeUrl: `ws://${h}:${port}${REALTIME_PATH}`,
      port,
      ...(httpsPort !== undefined
        ? { httpsUrl: `https://${h}:${httpsPort}${GRAPHQL_PATH}`, realtimeUrlHttps: `wss://${h}:${httpsPort}${REALTIME_PATH}`, httpsPort }
        : {}),
      ...(caCertificatePath ? { caCertificatePath } : {}),
      publish,
      get subscriptionCount() {
        return registry.size;
      },
      origins,
      close: async () => {
        realtime.close();
        await Promise.all(servers.map(closeServer));
      },
    };
  } catch (error) {
    realtime.close();
    await Promise.all(servers.filter((s) => s.listening).map(closeServer));
    throw error;
  }
};
