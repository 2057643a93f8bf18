/**
 * exportImages against an HTTP server that answers `images` as AppSync does: it pages on past short and empty
 * pages until nextToken is null, stops asking for pages while the destination is full, and stops when aborted.
 */
import { PassThrough, Writable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { exportImages } from '../../../../local/export/export-images';
import { serveImages, stubImage } from './support/images-api';

it('reads on past short and empty pages while nextToken is set, asking for full pages, and writes every row', async () => {
  const api = await serveImages([2, 0, 0, 1, 0]);
  try {
    const out = new PassThrough();
    const written = text(out);
    const progress: Array<[number, string | undefined]> = [];
    const result = await exportImages({
      target: api.target,
      filter: { detectedAnimal: 'CAT' },
      format: 'jsonl',
      destination: out,
      onPage: (rows, last) => progress.push([rows, last]),
    });
    expect(result).toEqual({ rows: 3, pages: 5, slices: 1 });
    expect(api.calls).toEqual([null, '1', '2', '3', '4'].map((nextToken) => ({ limit: 100, nextToken, filter: { detectedAnimal: 'CAT' }, apiKey: 'key' })));
    expect((await written).trim().split('\n').map((line) => (JSON.parse(line) as { id: string }).id)).toEqual(['i0', 'i1', 'i2']);
    expect(progress.map(([rows]) => rows)).toEqual([2, 2, 2, 3, 3]);
    expect(progress.at(-1)?.[1]).toBe(stubImage(2).createdAt);
  } finally {
    await api.close();
  }
});

it('asks for no further page while the destination is full, and an abort ends it with an AbortError', async () => {
  const api = await serveImages(Array.from({ length: 1000 }, () => 100));
  try {
    // A destination that never drains: it accepts one small chunk and then holds it.
    const stuck = new Writable({ highWaterMark: 1024, write: () => undefined });
    const controller = new AbortController();
    const exported = exportImages({ target: api.target, filter: {}, format: 'csv', destination: stuck, signal: controller.signal });
    // The read-ahead buffer (SLICE_ROWS, 10 pages) and the formatter's and destination's buffers fill up;
    // then no more pages are read.
    // Without backpressure 1,000 loopback pages take well under this; with it, reading stops at the buffers' size.
    // (Only a bound is asserted: on a loaded machine a page may still be in flight when the wait ends.)
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(api.calls.length).toBeLessThanOrEqual(21);
    controller.abort();
    await expect(exported).rejects.toMatchObject({ name: 'AbortError' });
  } finally {
    await api.close();
  }
});

it('a GraphQL error ends the export with that error', async () => {
  const api = await serveImages([100, 100, 100], { failAt: 1 });
  try {
    await expect(exportImages({ target: api.target, filter: {}, format: 'csv', destination: new PassThrough() })).rejects.toThrow(
      'DependencyUnavailable: the table is unavailable',
    );
  } finally {
    await api.close();
  }
});
