/**
 * AppSync's real-time protocol (graphql-ws subprotocol over WebSocket), client side, with `ws`:
 * connection_init -> connection_ack, then start/start_ack per subscription, `data` messages, `ka`
 * keep-alives, stop/complete. Authorization rides in the `header` query parameter for the connection
 * and in `extensions.authorization` for each start, as AppSync requires.
 */
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';

export interface RealtimeOptions {
  realtimeUrl: string;
  /** The GraphQL endpoint's host, which AppSync expects inside the authorization header. */
  graphqlUrl: string;
  /** The API key, for the public tenant; or */
  apiKey?: string;
  /** a user-pool token (sign-in), sent in Authorization as AppSync takes it. */
  token?: string;
  /** Extra CA for wss:// against the local stack's HTTPS server. */
  ca?: string | Buffer;
}

interface Pending {
  resolve: () => void;
  reject: (error: Error) => void;
  onData: (payload: unknown) => void;
  onError?: (errors: unknown) => void;
}

export interface Subscription {
  id: string;
  stop(): void;
}

export class RealtimeClient {
  private socket?: WebSocket;
  private readonly subscriptions = new Map<string, Pending>();
  private readonly authorization: Record<string, string>;

  constructor(private readonly options: RealtimeOptions) {
    const host = new URL(options.graphqlUrl).host;
    if (options.token) this.authorization = { host, Authorization: options.token };
    else if (options.apiKey) this.authorization = { host, 'x-api-key': options.apiKey };
    else throw new Error('A real-time connection needs an API key or a sign-in token');
  }

  async connect(timeoutMs = 10_000): Promise<void> {
    const header = Buffer.from(JSON.stringify(this.authorization)).toString('base64');
    const payload = Buffer.from('{}').toString('base64');
    const url = `${this.options.realtimeUrl}?header=${encodeURIComponent(header)}&payload=${encodeURIComponent(payload)}`;
    const socket = new WebSocket(url, ['graphql-ws'], this.options.ca ? { ca: this.options.ca } : {});
    this.socket = socket;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`No connection_ack within ${timeoutMs} ms`)), timeoutMs);
      socket.once('open', () => socket.send(JSON.stringify({ type: 'connection_init' })));
      socket.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      socket.on('message', (raw) => {
        const message = JSON.parse(raw.toString()) as { type: string; id?: string; payload?: unknown };
        if (message.type === 'connection_ack') {
          clearTimeout(timer);
          resolve();
        } else if (message.type === 'connection_error') {
          clearTimeout(timer);
          reject(new Error(`connection_error: ${JSON.stringify(message.payload)}`));
        } else this.route(message);
      });
    });
  }

  private route(message: { type: string; id?: string; payload?: unknown }): void {
    const pending = message.id ? this.subscriptions.get(message.id) : undefined;
    if (!pending) return;
    if (message.type === 'start_ack') pending.resolve();
    else if (message.type === 'data') pending.onData((message.payload as { data?: unknown })?.data);
    else if (message.type === 'error') {
      const error = new Error(`subscription error: ${JSON.stringify(message.payload)}`);
      pending.reject(error);
      pending.onError?.(message.payload);
    }
  }

  /** Resolves once AppSync acknowledges the subscription (start_ack). */
  async subscribe<T>(
    query: string,
    variables: Record<string, unknown>,
    onData: (data: T) => void,
    timeoutMs = 10_000,
  ): Promise<Subscription> {
    const socket = this.socket;
    if (!socket) throw new Error('connect() first');
    const id = randomUUID();
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`No start_ack within ${timeoutMs} ms`)), timeoutMs);
      this.subscriptions.set(id, {
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
        reject: (error) => {
          clearTimeout(timer);
          this.subscriptions.delete(id);
          reject(error);
        },
        onData: (data) => onData(data as T),
      });
      socket.send(
        JSON.stringify({
          id,
          type: 'start',
          payload: {
            data: JSON.stringify({ query, variables }),
            extensions: { authorization: this.authorization },
          },
        }),
      );
    });
    return {
      id,
      stop: () => {
        this.subscriptions.delete(id);
        if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ id, type: 'stop' }));
      },
    };
  }

  close(): void {
    this.subscriptions.clear();
    this.socket?.close();
  }
}
