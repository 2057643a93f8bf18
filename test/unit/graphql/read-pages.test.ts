import { MAX_CALLS_PER_READ, readPages, type ConnectionPage } from '../../../graphql/read-pages';

/** A server whose pages are as given, in order: each page's token names the next one. */
const server = (pages: number[][]) => {
  const calls: Array<{ nextToken: string | null; limit: number }> = [];
  const fetchPage = async (nextToken: string | null, limit: number): Promise<ConnectionPage<number>> => {
    calls.push({ nextToken, limit });
    const at = nextToken === null ? 0 : Number(nextToken);
    return { items: pages[at] ?? [], nextToken: at + 1 < pages.length ? String(at + 1) : null };
  };
  return { fetchPage, calls };
};

describe('readPages: reading images when a page may be short while nextToken is set', () => {
  it('pages on past short and empty pages until it has the items wanted, asking only for what is missing', async () => {
    const { fetchPage, calls } = server([[1], [], [2, 3], [4, 5, 6], [7]]);
    const read = await readPages(fetchPage, 5);
    expect(read.items).toEqual([1, 2, 3, 4, 5, 6]);
    expect(read.nextToken).toBe('4');
    expect(calls.map((c) => c.limit)).toEqual([5, 4, 4, 2]);
  });

  it('stops with a null token when the server has nothing more', async () => {
    const { fetchPage } = server([[1], [], [2]]);
    expect(await readPages(fetchPage, 10)).toEqual({ items: [1, 2], nextToken: null, calls: 3 });
  });

  it('resumes from a given token', async () => {
    const { fetchPage, calls } = server([[1], [2], [3]]);
    expect((await readPages(fetchPage, 1, '1')).items).toEqual([2]);
    expect(calls[0]?.nextToken).toBe('1');
  });

  it('gives up after MAX_CALLS_PER_READ calls that find nothing, keeping the token for a later "load more"', async () => {
    const { fetchPage, calls } = server(Array.from({ length: 50 }, () => []));
    const read = await readPages(fetchPage, 20);
    expect(read).toEqual({ items: [], nextToken: String(MAX_CALLS_PER_READ), calls: MAX_CALLS_PER_READ });
    expect(calls).toHaveLength(MAX_CALLS_PER_READ);
  });
});
