/**
 * Private by default, end to end (issue 12), with an unmodified aws-amplify v6 client per user on the real local
 * stack: users A and B and analyst C sign in against cognito-local, an API-key client is the public tenant.
 * A uploads a cat and B a dog through the real pipeline (upload gateway, queue, local model, stream publisher);
 * then each sees, lists, presigns and hears about exactly what the contract says. The same runs over plain
 * HTTP/WS and over HTTPS/WSS trusting the local CA.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { ANALYSTS_GROUP } from '../../../functions/core/caller-scope';
import type { Image, UploadTicket } from '../../../local/client/graphql';
import { postToTicket } from '../../../local/client/upload';
import { ensureUser } from '../../../local/provision/user-pool';
import type { ActorConfig } from './amplify-actor';
import { photo, sleep, startTestStack, waitFor, type TestStack } from './helpers';

jest.setTimeout(240_000);

const PASSWORD = 'Owners-e2e-password-1';
const USERS = {
  A: { email: 'a@owners.test' },
  B: { email: 'b@owners.test' },
  C: { email: 'c@owners.test', group: ANALYSTS_GROUP },
} as const;
const CAT = 'cat/taquin-1-maine.jpg';
const DOG = 'dog/dlib-dogs-2.jpg';

type Event = Pick<Image, 'id' | 'owner' | 'status' | 'detectedAnimal'>;
interface Result<T> {
  data: T;
  errors: unknown;
}

/** Drives one amplify-actor.ts child process: one Amplify client, one signed-in user (or the API key). */
class Actor {
  readonly events = new Map<string, Event[]>();
  private readonly messages: Record<string, unknown>[] = [];
  private readonly waiters: Array<() => void> = [];
  private stderr = '';
  private next = 0;

  private constructor(
    readonly name: string,
    private readonly child: ChildProcessWithoutNullStreams,
  ) {
    child.stderr.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (!line.startsWith('{')) return;
      const message = JSON.parse(line) as Record<string, unknown>;
      this.messages.push(message);
      if (message.type === 'event') {
        const id = message.id as string;
        this.events.set(id, [...(this.events.get(id) ?? []), message.image as Event]);
      }
      for (const wake of this.waiters.splice(0)) wake();
    });
  }

  static start(name: string, config: ActorConfig, caPath?: string): Actor {
    const child = spawn(process.execPath, [require.resolve('tsx/cli'), path.join(__dirname, 'amplify-actor.ts'), JSON.stringify(config)], {
      env: { ...process.env, ...(caPath ? { NODE_EXTRA_CA_CERTS: caPath } : {}) },
    });
    return new Actor(name, child);
  }

  /** The first message matching, waiting for it; an error message from the actor fails the wait at once. */
  private async message(match: (m: Record<string, unknown>) => boolean, what: string, timeoutMs = 30_000): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.find(match);
      if (found) return found;
      const failure = this.messages.find((m) => m.type === 'error');
      if (failure) throw new Error(`${this.name}: ${String(failure.message)}\n${this.stderr}`);
      if (Date.now() > deadline) throw new Error(`${this.name} never sent ${what}: ${JSON.stringify(this.messages)}\n${this.stderr}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(0, deadline - Date.now()));
        this.waiters.push(() => (clearTimeout(timer), resolve()));
      });
    }
  }

  private send(command: Record<string, unknown>): void {
    this.child.stdin.write(`${JSON.stringify(command)}\n`);
  }

  async ready(): Promise<{ sub?: string; groups?: string[] }> {
    return (await this.message((m) => m.type === 'ready', 'ready', 60_000)) as { sub?: string; groups?: string[] };
  }

  async graphql<T>(query: string, variables: Record<string, unknown> = {}): Promise<Result<T>> {
    const id = `q${(this.next += 1)}`;
    this.send({ op: 'graphql', id, query, variables });
    const { data, errors } = await this.message((m) => m.type === 'result' && m.id === id, `the result of ${query}`);
    return { data, errors } as Result<T>;
  }

  /** Resolves once the server acknowledged the subscription (start_ack), so nothing published later is missed. */
  async subscribe(id: string, variables: Record<string, unknown> = {}): Promise<void> {
    this.events.set(id, []);
    this.send({ op: 'subscribe', id, variables });
    await this.message((m) => m.type === 'ack' && m.id === id, `the start_ack of ${id}`);
  }

  /** Every event any of this actor's subscriptions received. */
  allEvents(): Event[] {
    return [...this.events.values()].flat();
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.send({ op: 'exit' });
    await Promise.race([exited, sleep(5_000)]);
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }
}

const REQUEST_UPLOAD = `mutation RequestUpload($input: RequestUploadInput!) {
  requestUpload(input: $input) { imageId uploadUrl uploadFields expiresAt maxBytes }
}`;
const GET_IMAGE = 'query Image($id: ID!) { image(id: $id) { id owner status detectedAnimal } }';
const LIST_IMAGES = `query Images($nextToken: String) { images(limit: 100, nextToken: $nextToken) { items { id owner } nextToken } }`;
const IMAGE_URLS = 'query ImageUrls($ids: [ID!]!) { imageUrls(ids: $ids) { id url } }';

const isFinal = (event: Event) => event.status === 'COMPLETED' || event.status === 'FAILED';

/** Every image id the actor can list, paging past the read budget's short pages. */
const listedIds = async (actor: Actor): Promise<string[]> => {
  const ids: string[] = [];
  let nextToken: string | null = null;
  for (let page = 0; page < 20; page += 1) {
    const read: Result<{ images: { items: { id: string }[]; nextToken: string | null } }> = await actor.graphql(LIST_IMAGES, { nextToken });
    expect(read.errors).toBeNull();
    ids.push(...read.data.images.items.map((i) => i.id));
    nextToken = read.data.images.nextToken;
    if (!nextToken) return ids;
  }
  throw new Error(`${actor.name}'s listing did not end within 20 pages`);
};

const requestUpload = async (actor: Actor, file: string): Promise<Result<{ requestUpload: UploadTicket | null }>> =>
  actor.graphql(REQUEST_UPLOAD, { input: { fileName: path.basename(file), contentType: 'image/jpeg', fileSize: photo(file).length } });

let t: TestStack;
let users: Record<keyof typeof USERS, { sub: string }>;

beforeAll(async () => {
  t = await startTestStack();
  const idp = new CognitoIdentityProviderClient({ region: t.stack.region, endpoint: t.stack.userPool.endpoint, credentials: t.stack.credentials });
  try {
    for (const user of Object.values(USERS)) await ensureUser(idp, t.stack.userPool.userPoolId, { ...user, password: PASSWORD });
  } finally {
    idp.destroy();
  }
});

afterAll(async () => {
  await t?.stop();
});

describe.each([
  ['HTTP and WS', false],
  ['HTTPS and WSS, trusting the local CA', true],
])('over %s', (_transport, secure) => {
  let actors: { A: Actor; B: Actor; C: Actor; P: Actor };
  let aId: string;
  let bId: string;

  beforeAll(async () => {
    const endpoint = secure ? t.stack.endpoints.graphqlUrlHttps : t.stack.endpoints.graphqlUrl;
    const caPath = secure ? t.stack.outputs.CaCertificatePath : undefined;
    if (!endpoint || (secure && !caPath)) throw new Error('the stack serves no HTTPS endpoint or no CA');
    expect(endpoint).toMatch(secure ? /^https:\/\/127\.0\.0\.1:\d+\/graphql$/ : /^http:\/\//);
    const base = { endpoint, region: t.stack.region, apiKey: t.stack.apiKey, ...(caPath ? { caPath } : {}) };
    const pool = { userPoolId: t.stack.userPool.userPoolId, userPoolClientId: t.stack.userPool.userPoolClientId, userPoolEndpoint: t.stack.userPool.endpoint };
    const asUser = (key: keyof typeof USERS) => ({ ...base, user: { ...pool, username: USERS[key].email, password: PASSWORD } });
    actors = {
      A: Actor.start('A', asUser('A'), caPath),
      B: Actor.start('B', asUser('B'), caPath),
      C: Actor.start('C', asUser('C'), caPath),
      P: Actor.start('the API-key client', base, caPath),
    };
    const [a, b, c] = await Promise.all([actors.A.ready(), actors.B.ready(), actors.C.ready(), actors.P.ready()]);
    expect(c.groups).toEqual([ANALYSTS_GROUP]);
    expect(a.groups).toEqual([]);
    users = { A: { sub: a.sub! }, B: { sub: b.sub! }, C: { sub: c.sub! } };

    const aTicket = (await requestUpload(actors.A, CAT)).data.requestUpload!;
    const bTicket = (await requestUpload(actors.B, DOG)).data.requestUpload!;
    aId = aTicket.imageId;
    bId = bTicket.imageId;

    await Promise.all([
      actors.A.subscribe('aAll'),
      actors.A.subscribe('aOwn', { id: aId }),
      actors.B.subscribe('bAll'),
      actors.B.subscribe('bOnA', { id: aId }),
      actors.B.subscribe('bCats', { detectedAnimal: 'CAT' }),
      actors.C.subscribe('cAll'),
      actors.C.subscribe('cOnA', { id: aId }),
      actors.P.subscribe('pAll'),
      actors.P.subscribe('pOnA', { id: aId }),
    ]);

    for (const [ticket, file] of [[aTicket, CAT], [bTicket, DOG]] as const) {
      expect((await postToTicket(ticket, photo(file), { fileName: path.basename(file), contentType: 'image/jpeg' })).status).toBe(204);
    }
    const finalIn = (actor: Actor, subscription: string, id: string) => () => actor.events.get(subscription)?.find((e) => e.id === id && isFinal(e));
    await waitFor(finalIn(actors.A, 'aOwn', aId), "A's final event for its own image", 150_000);
    await waitFor(finalIn(actors.B, 'bAll', bId), "B's final event for its own image", 150_000);
    await waitFor(finalIn(actors.C, 'cAll', aId), "C's final event for A's image", 30_000);
    await waitFor(finalIn(actors.C, 'cAll', bId), "C's final event for B's image", 30_000);
    // Every event for both images has now reached C; any that leaked to B or the API key would have by now too.
    await sleep(1_000);
  });

  afterAll(async () => {
    await Promise.all(Object.values(actors ?? {}).map((actor) => actor.stop()));
  });

  it('gives each signed-in client an identity from its own token: the analyst in analysts, owners by sub', () => {
    expect(new Set(Object.values(users).map((u) => u.sub)).size).toBe(3);
  });

  it('A receives its own events, with and without arguments, and files the cat under its own sub', () => {
    const own = actors.A.events.get('aOwn')!;
    expect(own.filter(isFinal)).toEqual([{ id: aId, owner: users.A.sub, status: 'COMPLETED', detectedAnimal: 'CAT' }]);
    expect(actors.A.events.get('aAll')!.filter(isFinal).map((e) => e.id)).toEqual([aId]);
  });

  it("B receives no event for A's image on any subscription, with or without arguments, only its own", () => {
    expect(actors.B.allEvents().filter((e) => e.id === aId)).toEqual([]);
    expect(actors.B.events.get('bOnA')).toEqual([]);
    expect(actors.B.events.get('bCats')).toEqual([]);
    expect(actors.B.events.get('bAll')!.filter(isFinal)).toEqual([{ id: bId, owner: users.B.sub, status: 'COMPLETED', detectedAnimal: 'DOG' }]);
  });

  it("C, an analyst, receives both users' events", () => {
    const finals = actors.C.events.get('cAll')!.filter(isFinal);
    expect(finals.map((e) => [e.id, e.owner]).sort()).toEqual([[aId, users.A.sub], [bId, users.B.sub]].sort());
    expect(actors.C.events.get('cOnA')!.filter(isFinal).map((e) => e.id)).toEqual([aId]);
  });

  it("the API-key client receives neither user's events", () => {
    expect(actors.P.allEvents()).toEqual([]);
  });

  it("B gets null for A's image, does not list it and gets no URL for it; its own it does", async () => {
    const read = await actors.B.graphql<{ image: Event | null }>(GET_IMAGE, { id: aId });
    expect(read).toEqual({ data: { image: null }, errors: null });
    expect((await actors.B.graphql<{ image: Event | null }>(GET_IMAGE, { id: bId })).data.image).toMatchObject({ id: bId, owner: users.B.sub });
    const listed = await listedIds(actors.B);
    expect(listed).toContain(bId);
    expect(listed).not.toContain(aId);
    const urls = await actors.B.graphql<{ imageUrls: { id: string }[] }>(IMAGE_URLS, { ids: [aId, bId] });
    expect(urls.data.imageUrls.map((u) => u.id)).toEqual([bId]);
  });

  it('A reads, lists and presigns its own image and none of B', async () => {
    expect((await actors.A.graphql<{ image: Event | null }>(GET_IMAGE, { id: aId })).data.image).toMatchObject({ id: aId, owner: users.A.sub });
    expect((await actors.A.graphql<{ image: Event | null }>(GET_IMAGE, { id: bId })).data.image).toBeNull();
    const listed = await listedIds(actors.A);
    expect(listed).toContain(aId);
    expect(listed).not.toContain(bId);
    expect((await actors.A.graphql<{ imageUrls: { id: string }[] }>(IMAGE_URLS, { ids: [aId, bId] })).data.imageUrls.map((u) => u.id)).toEqual([aId]);
  });

  it("C sees, lists and presigns A's and B's images, and may not upload", async () => {
    for (const id of [aId, bId]) expect((await actors.C.graphql<{ image: Event | null }>(GET_IMAGE, { id })).data.image).toMatchObject({ id });
    const listed = await listedIds(actors.C);
    expect(listed).toEqual(expect.arrayContaining([aId, bId]));
    const urls = await actors.C.graphql<{ imageUrls: { id: string }[] }>(IMAGE_URLS, { ids: [aId, bId] });
    expect(urls.data.imageUrls.map((u) => u.id).sort()).toEqual([aId, bId].sort());
    const upload = await requestUpload(actors.C, CAT);
    expect(upload.data?.requestUpload ?? null).toBeNull();
    expect(JSON.stringify(upload.errors)).toMatch(/Unauthorized|analyst/i);
  });

  it("the API-key client sees neither A's nor B's images", async () => {
    for (const id of [aId, bId]) expect(await actors.P.graphql<{ image: Event | null }>(GET_IMAGE, { id })).toEqual({ data: { image: null }, errors: null });
    const listed = await listedIds(actors.P);
    expect(listed).not.toContain(aId);
    expect(listed).not.toContain(bId);
    expect((await actors.P.graphql<{ imageUrls: { id: string }[] }>(IMAGE_URLS, { ids: [aId, bId] })).data.imageUrls).toEqual([]);
  });
});
