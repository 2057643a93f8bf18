/**
 * Local mode only. Amplify's AWSWebSocketProvider always rewrites the GraphQL endpoint to wss:// and
 * opens it with the global WebSocket. The local stack's TLS certificate comes from its own CA, which a
 * browser does not trust, so wss:// would fail unless the user imported that CA. Instead, for sockets
 * aimed at the local API's own host, we hand Amplify a WebSocket that connects to the same path over
 * plain ws:// (the local server speaks the AppSync real-time protocol on both). Every other socket, and
 * every deployed stage, is left untouched.
 */
export const routeLocalRealtimeOverPlainWs = (graphqlUrl: string): void => {
  const apiHost = new URL(graphqlUrl).host;
  const NativeWebSocket = globalThis.WebSocket;

  class LocalRealtimeWebSocket extends NativeWebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      const target = new URL(url);
      if (target.protocol === 'wss:' && target.host === apiHost) {
        target.protocol = 'ws:';
      }
      super(target, protocols);
    }
  }

  globalThis.WebSocket = LocalRealtimeWebSocket;
};
