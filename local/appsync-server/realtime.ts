/**
 * AppSync's real-time WebSocket protocol ("Building a real-time WebSocket client in AWS AppSync"), served
 * with `ws`: the `graphql-ws` subprotocol; the connection's auth in the `header`/`payload` query
 * parameters or in a `header-<base64url>` subprotocol (as Amplify v6 sends it); connection_init ->
 * connection_ack { connectionTimeoutMs }; `ka` keep-alives; start (authorised on its own) -> start_ack,
 * data, stop -> complete; and `error` / `connection_error` messages in AppSync's shape.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { LocalOrigins } from '../common/origins';
import { guardUpgrades, rejectUpgrade, type FaultReporter } from '../common/request-guard';
import { authenticate, type AuthConfig, type Caller } from './auth/authenticate';
import { isRequestError } from './auth/sigv4';
import { NOT_AUTHORIZED, type AppSyncGraphQLError, type RequestError } from './errors';
import type { Executor, GraphQLRequestBody } from './execution';
import type { LiveSubscription, SubscriptionRegistry } from './subscriptions';

export const GRAPHQL_WS_PROTOCOL = 'graphql-ws';
/** What AppSync announces in connection_ack: the longest a client should wait between keep-alives. */
export const CONNECTION_TIMEOUT_MS = 300_000;
const DEFAULT_KEEP_ALIVE_MS = 60_000;
/** AppSync's default quota of subscriptions on one connection ("Subscriptions per connection"). */
export const MAX_SUBSCRIPTIONS_PER_CONNECTION = 100;
/**
 * AppSync's quota on a subscription payload (240 KB) bounds every message here: `ws` refuses a bigger
 * frame with close code 1009 before buffering it, instead of its default of 100 MiB.
 */
export const MAX_MESSAGE_BYTES = 240 * 1024;
/** Before connection_init is acknowledged a client has nothing big to say; more is refused unparsed. */
export const MAX_UNACKNOWLEDGED_MESSAGE_BYTES = 16 * 1024;
/**
 * A socket that never sends connection_init is closed after this: once upgraded it is outside the HTTP
 * server's header and request timeouts, and would otherwise be held for ever, credentials or not.
 */
export const CONNECTION_INIT_TIMEOUT_MS = 10_000;
/**
 * A client that stops reading makes every message to it pile up in memory (`ws` buffers without limit):
 * past this much unsent, the connection is closed instead of sent more.
 */
export const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

export interface RealtimeOptions {
  /** Where the WebSocket endpoint listens, e.g. /graphql/realtime. */
  realtimePath: string;
  /** The GraphQL path; IAM signatures cover <graphqlPath>/connect (connection) and <graphqlPath> (start). */
  graphqlPath: string;
  auth: AuthConfig;
  executor: Executor;
  registry: SubscriptionRegistry;
  keepAliveIntervalMs?: number;
  /** AppSync's quota is adjustable; the default is its default. */
  maxSubscriptionsPerConnection?: number;
  /** Browser origins allowed to open a connection, and the Host names we answer to. */
  origins: LocalOrigins;
  /** Where a failure of the server itself is reported (with its request). */
  onFault: FaultReporter;
}

type ErrorEntry = Partial<AppSyncGraphQLError> & { message: string; errorType?: string; errorCode?: number };

const decodeBase64Json = (text: string | null | undefined): Record<string, string> | undefined => {
  if (!text) return undefined;
  try {
    // Buffer's base64 decoder accepts both alphabets, with or without padding.
    const parsed = JSON.parse(Buffer.from(text, 'base64').toString('utf8')) as unknown;
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, string>) : undefined;
  } catch {
    return undefined;
  }
};

/** Header values are strings; any other JSON value is left out (String() of `{"toString":1}` would throw). */
const lowerCaseKeys = (headers: Record<string, unknown>): Record<string, string> =>
  Object.fromEntries(Object.entries(headers).flatMap(([k, v]) => (typeof v === 'string' ? [[k.toLowerCase(), v]] : [])));

/** The connection's auth header: the `header` query parameter, else a `header-...` subprotocol. */
const connectionAuth = (request: IncomingMessage): { headers?: Record<string, string>; payload: string } => {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const payloadText = url.searchParams.get('payload');
  const payload = payloadText ? Buffer.from(payloadText, 'base64').toString('utf8') : '{}';
  const fromQuery = decodeBase64Json(url.searchParams.get('header'));
  if (fromQuery) return { headers: fromQuery, payload };
  const protocols = String(request.headers['sec-websocket-protocol'] ?? '')
    .split(',')
    .map((p) => p.trim());
  const carried = protocols.find((p) => p.startsWith('header-'));
  const fromProtocol = carried ? decodeBase64Json(carried.slice('header-'.length)) : undefined;
  return fromProtocol ? { headers: fromProtocol, payload } : { payload };
};

const isObject = (value: unknown): value is object => typeof value === 'object' && value !== null && !Array.isArray(value);

const idOf = (text: string): string | undefined => {
  try {
    const id = (JSON.parse(text) as { id?: unknown }).id;
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
};

/** AppSync names the connection-level auth failure with its internal service prefix. */
const connectionErrorType = (errorType: string): string =>
  errorType === 'UnauthorizedException' ? 'com.amazonaws.deepdish.graphql.auth#UnauthorizedException' : errorType;

class Connection {
  readonly id = randomUUID();
  private initialised = false;
  /** Set by connection_init: a start sent right after it (before the ack) waits for it, as messages are ordered. */
  private initialising: Promise<void> | undefined;
  private keepAlive: NodeJS.Timeout | undefined;
  private readonly initDeadline: NodeJS.Timeout;
  private readonly pending = new Set<string>();
  private readonly own = new Set<string>();

  constructor(
    private readonly socket: WebSocket,
    private readonly auth: Promise<Caller | RequestError>,
    private readonly options: RealtimeOptions,
  ) {
    socket.on('message', (data) => {
      this.receive(data).catch((error: unknown) => {
        // A failure of the server itself: the client hears about it instead of the process dying.
        this.options.onFault({ server: 'AppSync realtime', method: 'WS', url: options.realtimePath, error });
        this.error(undefined, [{ errorType: 'InternalFailure', message: 'The local AppSync server failed to handle this message.' }]);
      });
    });
    this.initDeadline = setTimeout(() => {
      if (this.initialising) return;
      this.send({ type: 'connection_error', payload: { errors: [{ errorType: 'ConnectionInitTimeout', message: `No connection_init within ${CONNECTION_INIT_TIMEOUT_MS} ms` }] } });
      this.socket.close(1008, 'ConnectionInitTimeout');
    }, CONNECTION_INIT_TIMEOUT_MS);
    this.initDeadline.unref();
    socket.on('close', () => this.dispose());
    socket.on('error', () => this.dispose());
  }

  private send(message: Record<string, unknown>): void {
    if (this.socket.readyState !== this.socket.OPEN) return;
    if (this.socket.bufferedAmount > MAX_BUFFERED_BYTES) {
      // The close frame waits behind what is buffered; `ws` ends the socket if it is never read.
      this.socket.close(1008, 'SlowConsumer: messages were not read');
      return;
    }
    this.socket.send(JSON.stringify(message));
  }

  private error(id: string | undefined, errors: ErrorEntry[]): void {
    this.send(id === undefined ? { type: 'error', payload: { errors } } : { id, type: 'error', payload: { errors } });
  }

  private async receive(data: RawData): Promise<void> {
    const size = Array.isArray(data) ? data.reduce((sum, part) => sum + part.length, 0) : data.byteLength;
    if (!this.initialised) {
      // Nothing is parsed for a connection whose credentials were refused, and nothing big before the ack.
      const caller = await this.auth;
      if (isRequestError(caller)) return this.refuse(caller);
      if (size > MAX_UNACKNOWLEDGED_MESSAGE_BYTES) {
        this.error(undefined, [{ errorType: 'BadRequestException', message: `Messages before connection_ack are limited to ${MAX_UNACKNOWLEDGED_MESSAGE_BYTES} bytes` }]);
        this.socket.close(1009);
        return;
      }
    }
    const text = Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.concat(Array.isArray(data) ? data : [Buffer.from(data)]).toString('utf8');
    try {
      await this.onMessage(text);
    } catch (error) {
      this.options.onFault({ server: 'AppSync realtime', method: 'WS', url: this.options.realtimePath, error });
      this.error(idOf(text), [{ errorType: 'InternalFailure', message: 'The local AppSync server failed to handle this message.' }]);
    }
  }

  private refuse(caller: RequestError): void {
    this.send({
      type: 'connection_error',
      payload: { errors: [{ errorType: connectionErrorType(caller.errorType), message: caller.message, errorCode: caller.status }] },
    });
    this.socket.close(1000);
  }

  private async onMessage(text: string): Promise<void> {
    let message: { type?: unknown; id?: unknown; payload?: unknown };
    try {
      message = JSON.parse(text) as typeof message;
    } catch {
      this.error(undefined, [{ errorType: 'BadRequestException', message: 'Message is not valid JSON' }]);
      return;
    }
    if (!isObject(message)) {
      this.error(undefined, [{ errorType: 'BadRequestException', message: 'Message is not a JSON object' }]);
      return;
    }
    const id = typeof message.id === 'string' ? message.id : undefined;
    switch (message.type) {
      case 'connection_init':
        this.initialising ??= this.onInit();
        await this.initialising;
        return;
      case 'start':
        if (!this.initialised && this.initialising) await this.initialising;
        if (!this.initialised) {
          this.error(id, [{ errorType: 'BadRequestException', message: 'connection_init must come before start' }]);
          return;
        }
        await this.onStart(id, message.payload);
        return;
      case 'stop':
        if (id !== undefined) {
          this.pending.delete(id);
          this.own.delete(id);
          this.options.registry.remove(this.id, id);
          this.send({ id, type: 'complete' });
        }
        return;
      default:
        this.error(id, [{ errorType: 'UnsupportedOperation', message: `Operation not supported through the realtime channel: ${String(message.type)}` }]);
    }
  }

  private async onInit(): Promise<void> {
    const caller = await this.auth;
    if (isRequestError(caller)) return this.refuse(caller);
    if (this.initialised) return;
    this.initialised = true;
    this.send({ type: 'connection_ack', payload: { connectionTimeoutMs: CONNECTION_TIMEOUT_MS } });
    this.send({ type: 'ka' });
    this.keepAlive = setInterval(() => this.send({ type: 'ka' }), this.options.keepAliveIntervalMs ?? DEFAULT_KEEP_ALIVE_MS);
    this.keepAlive.unref();
  }

  private async onStart(id: string | undefined, payload: unknown): Promise<void> {
    if (id === undefined) {
      this.error(undefined, [{ errorType: 'BadRequestException', message: 'A start message needs an id' }]);
      return;
    }
    if (this.pending.has(id) || this.own.has(id)) {
      this.error(id, [{ errorType: 'DuplicatedOperationError', message: `Duplicated operation with id ${id}` }]);
      return;
    }
    if (this.own.size + this.pending.size >= (this.options.maxSubscriptionsPerConnection ?? MAX_SUBSCRIPTIONS_PER_CONNECTION)) {
      this.error(id, [{ errorType: 'LimitExceededError', message: 'Too many subscriptions on this connection' }]);
      return;
    }
    const { data, extensions } = (payload ?? {}) as { data?: unknown; extensions?: { authorization?: Record<string, unknown> } };
    if (typeof data !== 'string') {
      this.error(id, [{ errorType: 'BadRequestException', message: 'start payload.data must be the serialized GraphQL request' }]);
      return;
    }
    this.pending.add(id);
    const headers = lowerCaseKeys(extensions?.authorization ?? {});
    // A header set that cannot even be read as a signature is refused like a wrong one.
    const caller = await authenticate({ method: 'POST', path: this.options.graphqlPath, headers, body: data }, this.options.auth).catch(
      () => NOT_AUTHORIZED,
    );
    if (isRequestError(caller)) {
      this.pending.delete(id);
      this.error(id, [{ errorType: caller.errorType, message: caller.message }]);
      return;
    }
    let request: GraphQLRequestBody | undefined;
    try {
      request = JSON.parse(data) as GraphQLRequestBody;
    } catch {
      request = undefined;
    }
    if (!isObject(request)) {
      this.pending.delete(id);
      this.error(id, [{ errorType: 'BadRequestException', message: 'start payload.data is not a JSON object' }]);
      return;
    }
    const { executor, registry } = this.options;
    const parsed = executor.parseOperation(request.query, request.operationName);
    if (!parsed.ok || parsed.operation.operation !== 'subscription') {
      this.pending.delete(id);
      this.error(id, parsed.ok ? [{ message: 'Only subscription operations can be started on the realtime channel' }] : parsed.errors);
      return;
    }
    const callerContext = { caller, headers };
    const started = await executor.subscribe(parsed.document, request, callerContext);
    // A stop (or the socket closing) while the resolver ran cancels the start.
    if (!this.pending.delete(id)) return;
    if (!started.ok) {
      this.error(id, started.errors);
      return;
    }
    const subscription: LiveSubscription = {
      connectionId: this.id,
      id,
      fieldName: started.fieldName,
      args: started.args,
      ...(started.filter ? { filter: started.filter } : {}),
      document: parsed.document,
      request,
      callerContext,
      send: (body) => this.send({ id, type: 'data', payload: body }),
    };
    this.own.add(id);
    registry.add(subscription);
    this.send({ id, type: 'start_ack' });
  }

  dispose(): void {
    clearTimeout(this.initDeadline);
    clearInterval(this.keepAlive);
    this.pending.clear();
    this.own.clear();
    this.options.registry.removeConnection(this.id);
  }
}

export interface RealtimeEndpoint {
  attach(server: Server): void;
  close(): void;
  readonly connectionCount: number;
}

export const createRealtimeEndpoint = (options: RealtimeOptions): RealtimeEndpoint => {
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_MESSAGE_BYTES,
    handleProtocols: (protocols) => (protocols.has(GRAPHQL_WS_PROTOCOL) ? GRAPHQL_WS_PROTOCOL : false),
  });
  const connections = new Set<Connection>();

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    let pathname: string;
    try {
      pathname = new URL(request.url ?? '/', 'http://localhost').pathname;
    } catch {
      rejectUpgrade(socket, 400, 'Bad Request', 'BadRequestException: the request URL is malformed');
      return;
    }
    if (pathname !== options.realtimePath) {
      rejectUpgrade(socket, 404, 'Not Found', `NotFoundException: nothing at ${pathname}`);
      return;
    }
    if (!options.origins.allowsHost(request.headers.host)) {
      rejectUpgrade(socket, 403, 'Forbidden', 'ForbiddenException: this server answers only to its loopback names');
      return;
    }
    if (!options.origins.allowsOrigin(request.headers.origin)) {
      rejectUpgrade(socket, 403, 'Forbidden', `ForbiddenException: origin ${request.headers.origin} is not allowed`);
      return;
    }
    const { headers, payload } = connectionAuth(request);
    const auth: Promise<Caller | RequestError> = headers
      ? authenticate({ method: 'POST', path: `${options.graphqlPath}/connect`, headers: lowerCaseKeys(headers), body: payload }, options.auth).catch(
          () => NOT_AUTHORIZED,
        )
      : Promise.resolve(NOT_AUTHORIZED);
    wss.handleUpgrade(request, socket, head, (ws) => {
      const connection = new Connection(ws, auth, options);
      connections.add(connection);
      ws.on('close', () => connections.delete(connection));
    });
  };

  return {
    attach: (server) => server.on('upgrade', guardUpgrades('AppSync realtime', onUpgrade, options.onFault)),
    close: () => {
      for (const client of wss.clients) client.terminate();
      for (const connection of connections) connection.dispose();
      connections.clear();
      wss.close();
    },
    get connectionCount() {
      return connections.size;
    },
  };
};
