/**
 * A Node client built with aws-amplify v6 (generateClient, API key auth), run as a child process by
 * amplify.test.ts so that it trusts the local CA the way a user's Node client would: NODE_EXTRA_CA_CERTS
 * for fetch, and the CA in the WebSocket options (Node 20 has no global WebSocket, so Amplify gets one
 * from `ws`). It reports each step as one JSON line on stdout and finishes when stdin says "done".
 *
 * Usage: tsx amplify-client.ts <https graphql endpoint> <api key> <region> <ca path>
 */
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { Amplify } from 'aws-amplify';
import { generateClient } from 'aws-amplify/api';
import { Hub } from 'aws-amplify/utils';
import WebSocket from 'ws';

const [endpoint, apiKey, region, caPath] = process.argv.slice(2) as [string, string, string, string];
const ca = readFileSync(caPath, 'utf8');

class TrustingWebSocket extends WebSocket {
  constructor(url: string, protocols?: string | string[]) {
    super(url, protocols, { ca });
  }
}
(globalThis as { WebSocket?: unknown }).WebSocket = TrustingWebSocket;

const report = (step: string, detail: unknown = {}): void => {
  process.stdout.write(`${JSON.stringify({ step, detail })}\n`);
};

const OTHER_ID = 'some-other-image';

const SUBSCRIBE = `subscription OnClassified($id: ID) {
  onImageClassified(id: $id) { id status detectedAnimal confidence labels { name confidence } }
}`;

const main = async (): Promise<void> => {
  Amplify.configure({ API: { GraphQL: { endpoint, region, defaultAuthMode: 'apiKey', apiKey } } });
  const client = generateClient();

  const ticket = (await client.graphql({
    query: `mutation Upload($input: RequestUploadInput!) { requestUpload(input: $input) { imageId uploadUrl maxBytes } }`,
    variables: { input: { fileName: 'amplify.jpg', contentType: 'image/jpeg', fileSize: 4096 } },
  })) as { data: { requestUpload: { imageId: string; uploadUrl: string; maxBytes: number } } };
  const imageId = ticket.data.requestUpload.imageId;
  report('ticket', ticket.data.requestUpload);

  const read = (await client.graphql({
    query: 'query Get($id: ID!) { image(id: $id) { id status fileName } }',
    variables: { id: imageId },
  })) as { data: { image: unknown } };
  report('image', read.data.image);

  const events: { id: unknown }[] = [];
  const otherEvents: unknown[] = [];
  // Amplify announces each start_ack on the 'api' Hub channel as "Subscription ack" (its CONTROL_MSG,
  // not re-exported by aws-amplify/api); both subscriptions must be live before anything is published.
  const acknowledged = new Set<unknown>();
  Hub.listen('api', ({ payload }) => {
    const data = payload.data as { variables?: { id?: unknown } } | undefined;
    if (payload.event !== 'Subscription ack') return;
    acknowledged.add(data?.variables?.id);
    if (acknowledged.has(imageId) && acknowledged.has(OTHER_ID) && acknowledged.size === 2) report('subscribed', { imageId });
  });
  const subscription = client.graphql({ query: SUBSCRIBE, variables: { id: imageId } }) as unknown as {
    subscribe(o: { next(v: { data: { onImageClassified: { id: unknown } } }): void; error(e: unknown): void }): { unsubscribe(): void };
  };
  const other = client.graphql({ query: SUBSCRIBE, variables: { id: OTHER_ID } }) as unknown as typeof subscription;
  const fail = (error: unknown) => report('error', JSON.parse(JSON.stringify(error, Object.getOwnPropertyNames(error ?? {}))) as unknown);
  const mine = subscription.subscribe({
    next: ({ data }) => {
      events.push(data.onImageClassified);
      report('event', data.onImageClassified);
    },
    error: fail,
  });
  const theirs = other.subscribe({ next: ({ data }) => otherEvents.push(data.onImageClassified), error: fail });

  for await (const line of createInterface({ input: process.stdin })) {
    if (line.trim() === 'done') break;
  }
  mine.unsubscribe();
  theirs.unsubscribe();
  report('summary', { events: events.length, otherEvents: otherEvents.length });
  // Amplify keeps its socket open for a moment after the last unsubscribe; nothing else is pending.
  process.exit(0);
};

main().catch((error: unknown) => {
  report('error', { message: error instanceof Error ? error.message : JSON.stringify(error) });
  process.exit(1);
});
