/**
 * One user of the API, written as an app developer writes it: aws-amplify v6 as shipped, `Amplify.configure`,
 * `signIn` with USER_PASSWORD_AUTH against `Auth.Cognito.userPoolEndpoint` (cognito-local), and `generateClient()`
 * with authMode 'userPool' (or 'apiKey' for the public tenant). Amplify keeps one signed-in user per process,
 * so owners-e2e.test.ts runs one actor per user as a child process and drives it over stdin/stdout, one JSON
 * line per message.
 *
 * Node 20 has no global WebSocket, so this process gives Amplify the `ws` package's. For the HTTPS/WSS run the
 * parent sets NODE_EXTRA_CA_CERTS (which fetch honours) and passes the CA path, which the WebSocket is given
 * as `ca`: certificates are verified against the local CA, never skipped.
 *
 * Where Amplify cannot be used as is: its real-time provider always turns the GraphQL endpoint into a wss://
 * URL (aws-amplify 6.x, api-graphql's appsyncUrl: both 'https://' and 'http://' become 'wss://'), so against
 * the plain-HTTP endpoint it would open TLS to a plain-HTTP port and never subscribe. For the HTTP run, the
 * WebSocket handed to Amplify therefore dials that one host over ws:// instead, exactly as the web console does
 * locally (console/src/local-websocket.ts); Amplify's own protocol code (connection_init, start, header
 * subprotocol, keep-alive) is unchanged. The HTTPS/WSS run needs no such help.
 *
 * Usage: tsx amplify-actor.ts '<ActorConfig JSON>'
 *   stdin:  {"op":"graphql","id":"q1","query":"...","variables":{...}} | {"op":"subscribe","id":"s1","variables":{...}} | {"op":"exit"}
 *   stdout: {"type":"ready","sub":...,"groups":[...]} | {"type":"result","id":..,"data":..,"errors":..}
 *           | {"type":"ack","id":..} | {"type":"event","id":..,"image":..} | {"type":"error","id":..,"message":..}
 */
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { Amplify } from 'aws-amplify';
import { fetchAuthSession, signIn } from 'aws-amplify/auth';
import { generateClient } from 'aws-amplify/api';
import { Hub } from 'aws-amplify/utils';
import WebSocket from 'ws';

export interface ActorConfig {
  endpoint: string;
  region: string;
  apiKey: string;
  /** Absent: the actor is the API-key client. */
  user?: { userPoolId: string; userPoolClientId: string; userPoolEndpoint: string; username: string; password: string };
  caPath?: string;
}

type Command =
  | { op: 'graphql'; id: string; query: string; variables?: Record<string, unknown> }
  | { op: 'subscribe'; id: string; variables?: Record<string, unknown> }
  | { op: 'exit' };

const config = JSON.parse(process.argv[2] ?? '{}') as ActorConfig;
const ca = config.caPath ? readFileSync(config.caPath, 'utf8') : undefined;

const plainHttpHost = config.endpoint.startsWith('http://') ? new URL(config.endpoint).host : undefined;

class NodeWebSocket extends WebSocket {
  constructor(url: string | URL, protocols?: string | string[]) {
    const target = new URL(url);
    if (target.protocol === 'wss:' && target.host === plainHttpHost) target.protocol = 'ws:';
    super(target, protocols, ca ? { ca } : {});
  }
}
(globalThis as { WebSocket?: unknown }).WebSocket = NodeWebSocket;

const send = (message: Record<string, unknown>): void => {
  process.stdout.write(`${JSON.stringify(message)}\n`);
};

const describe = (error: unknown): string =>
  error instanceof Error ? `${error.name}: ${error.message}` : JSON.stringify((error as { errors?: unknown })?.errors ?? error);

/** Each subscription carries its id as its operation name, so Amplify's start_ack announcement can be matched to it. */
const subscriptionQuery = (id: string) => `subscription ${id}($id: ID, $detectedAnimal: Animal) {
  onImageClassified(id: $id, detectedAnimal: $detectedAnimal) { id owner status detectedAnimal }
}`;

const main = async (): Promise<void> => {
  const authMode = config.user ? 'userPool' : 'apiKey';
  Amplify.configure({
    ...(config.user
      ? { Auth: { Cognito: { userPoolId: config.user.userPoolId, userPoolClientId: config.user.userPoolClientId, userPoolEndpoint: config.user.userPoolEndpoint } } }
      : {}),
    API: { GraphQL: { endpoint: config.endpoint, region: config.region, defaultAuthMode: authMode, apiKey: config.apiKey } },
  });
  let identity: Record<string, unknown> = {};
  if (config.user) {
    const result = await signIn({ username: config.user.username, password: config.user.password, options: { authFlowType: 'USER_PASSWORD_AUTH' } });
    if (!result.isSignedIn) throw new Error(`sign-in stopped at ${result.nextStep.signInStep}`);
    const payload = (await fetchAuthSession()).tokens?.accessToken.payload ?? {};
    identity = { sub: payload.sub, groups: payload['cognito:groups'] ?? [] };
  }
  const client = generateClient();

  Hub.listen('api', ({ payload }) => {
    if (payload.event !== 'Subscription ack') return;
    const query = String((payload.data as { query?: unknown } | undefined)?.query ?? '');
    const id = /subscription (\w+)/.exec(query)?.[1];
    if (id) send({ type: 'ack', id });
  });

  const subscriptions: { unsubscribe(): void }[] = [];
  send({ type: 'ready', ...identity });
  for await (const line of createInterface({ input: process.stdin })) {
    if (!line.trim()) continue;
    const command = JSON.parse(line) as Command;
    if (command.op === 'exit') break;
    if (command.op === 'graphql') {
      (client.graphql({ query: command.query, variables: command.variables ?? {}, authMode }) as Promise<{ data: unknown }>).then(
        (result) => send({ type: 'result', id: command.id, data: result.data, errors: null }),
        // Amplify rejects with the whole response ({ data, errors }) when the API answers with errors.
        (failure: { data?: unknown; errors?: unknown }) =>
          send({ type: 'result', id: command.id, data: failure?.data ?? null, errors: failure?.errors ?? describe(failure) }),
      );
    } else {
      const observable = client.graphql({ query: subscriptionQuery(command.id), variables: command.variables ?? {}, authMode }) as unknown as {
        subscribe(o: { next(v: { data: { onImageClassified: unknown } }): void; error(e: unknown): void }): { unsubscribe(): void };
      };
      subscriptions.push(
        observable.subscribe({
          next: ({ data }) => send({ type: 'event', id: command.id, image: data.onImageClassified }),
          error: (error) => send({ type: 'error', id: command.id, message: describe(error) }),
        }),
      );
    }
  }
  for (const subscription of subscriptions) subscription.unsubscribe();
  // Amplify keeps its socket open for a moment after the last unsubscribe; nothing else is pending.
  process.exit(0);
};

main().catch((error: unknown) => {
  send({ type: 'error', message: describe(error) });
  process.exit(1);
});
