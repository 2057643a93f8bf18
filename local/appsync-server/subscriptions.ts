/**
 * Live subscriptions and the delivery of published mutations to them, with AppSync's two filters:
 * argument filtering (every non-null subscription argument must equal the same-named field of the
 * payload) and the enhanced filter the subscription resolver set.
 */
import { isDeepStrictEqual } from 'node:util';
import type { DocumentNode } from 'graphql';
import { matchesSubscriptionFilter, type FilterJson } from '../../appsync/runtime/subscription-filter';
import type { CallerContext, GraphQLRequestBody, GraphQLResponseBody, Publication } from './execution';

export interface LiveSubscription {
  connectionId: string;
  id: string;
  fieldName: string;
  args: Record<string, unknown>;
  filter?: FilterJson;
  document: DocumentNode;
  request: GraphQLRequestBody;
  callerContext: CallerContext;
  send(body: GraphQLResponseBody): void;
}

export type Render = (subscription: LiveSubscription, payload: unknown) => Promise<GraphQLResponseBody>;

export const matchesArguments = (args: Record<string, unknown>, payload: unknown): boolean => {
  const fields = typeof payload === 'object' && payload !== null ? (payload as Record<string, unknown>) : {};
  return Object.entries(args).every(([name, value]) => value === null || value === undefined || isDeepStrictEqual(fields[name], value));
};

export class SubscriptionRegistry {
  private readonly live = new Map<string, LiveSubscription>();

  constructor(
    private readonly subscriptionsFor: (mutationField: string) => readonly string[],
    private readonly render: Render,
  ) {}

  private key(connectionId: string, id: string): string {
    return `${connectionId}\u0000${id}`;
  }

  has(connectionId: string, id: string): boolean {
    return this.live.has(this.key(connectionId, id));
  }

  add(subscription: LiveSubscription): void {
    this.live.set(this.key(subscription.connectionId, subscription.id), subscription);
  }

  remove(connectionId: string, id: string): boolean {
    return this.live.delete(this.key(connectionId, id));
  }

  removeConnection(connectionId: string): void {
    for (const [key, subscription] of this.live) if (subscription.connectionId === connectionId) this.live.delete(key);
  }

  get size(): number {
    return this.live.size;
  }

  /** Delivers a publication to every matching subscriber; resolves with how many received it. */
  async publish(publication: Publication): Promise<number> {
    const fields = new Set(this.subscriptionsFor(publication.mutationField));
    const targets = [...this.live.values()].filter(
      (s) =>
        fields.has(s.fieldName) &&
        matchesArguments(s.args, publication.payload) &&
        (!s.filter || matchesSubscriptionFilter(s.filter, publication.payload)),
    );
    const results = await Promise.allSettled(
      targets.map(async (s) => {
        const body = await this.render(s, publication.payload);
        // The subscriber may have stopped while its payload was being rendered.
        if (this.live.get(this.key(s.connectionId, s.id)) === s) s.send(body);
      }),
    );
    return results.filter((r) => r.status === 'fulfilled').length;
  }
}
