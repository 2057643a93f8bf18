/**
 * How a client reads `images` (schema.graphql): each call reads a bounded number of index entries, so a
 * selective filter may answer a short page, even an empty one, while nextToken is set. A client that wants
 * `want` items calls again with the token until it has them or the token is null. The console and the CLI
 * both page through here.
 */
export interface ConnectionPage<T> {
  items: T[];
  nextToken?: string | null;
}

/** Calls one `images` request: `limit` items at most, resuming at nextToken (null: from the start). */
export type FetchPage<T> = (nextToken: string | null, limit: number) => Promise<ConnectionPage<T>>;

/**
 * Calls a client makes for one screenful at most. The server reads 10 entries per item asked for, 250 at
 * least (functions/core/image-query.ts readBudgetFor), so for the console's page of 24 twenty calls look
 * through 5,000 images, and for the CLI's pages of 100 about 20,000, before the client stops and leaves the
 * rest to "load more". Each call is bounded (~25 ms locally), so a screenful of a rare filter takes at most ~0.5 s.
 */
export const MAX_CALLS_PER_READ = 20;

/**
 * Up to `want` items from `start` on, and the token to continue from (null when nothing is left). Fewer
 * than `want` with a token set means MAX_CALLS_PER_READ calls found no more: the caller may ask again.
 */
export const readPages = async <T>(
  fetchPage: FetchPage<T>,
  want: number,
  start: string | null = null,
  maxCalls = MAX_CALLS_PER_READ,
): Promise<{ items: T[]; nextToken: string | null; calls: number }> => {
  const items: T[] = [];
  let nextToken = start;
  let calls = 0;
  do {
    const page = await fetchPage(nextToken, want - items.length);
    calls += 1;
    items.push(...page.items);
    nextToken = page.nextToken ?? null;
  } while (nextToken !== null && items.length < want && calls < maxCalls);
  return { items, nextToken, calls };
};
