/**
 * Reads several async sources ahead of a consumer that takes them strictly one after another: while the
 * consumer drains source i, sources i+1 .. i+ahead-1 are already being read, each into a buffer of at most
 * `capacity` items. So up to `ahead` reads run at once, memory holds at most ahead × capacity items, and the
 * output order is the sources' order, item for item.
 * Hand-written: ordered-concurrency helpers (p-map, it-parallel, Readable.map) map one input to one result,
 * whereas a source here is a stream of pages of unknown length that must stay bounded while it waits its turn.
 */

class Prefetch<T> {
  private readonly items: T[] = [];
  private finished = false;
  private failure: { error: unknown } | undefined;
  private closed = false;
  private onItem: (() => void) | undefined;
  private onSpace: (() => void) | undefined;

  constructor(
    private readonly iterator: AsyncIterator<T>,
    private readonly capacity: number,
    private readonly onFailure: (error: unknown) => void,
  ) {
    void this.pump();
  }

  private async pump(): Promise<void> {
    try {
      for (;;) {
        while (this.items.length >= this.capacity && !this.closed) await new Promise<void>((resolve) => (this.onSpace = resolve));
        if (this.closed) return;
        const next = await this.iterator.next();
        if (next.done) return;
        this.items.push(next.value);
        this.onItem?.();
      }
    } catch (error) {
      this.failure = { error };
      this.onFailure(error);
    } finally {
      this.finished = true;
      this.onItem?.();
    }
  }

  /** The next item, or done when the source is exhausted; throws the source's error. */
  async take(failed: () => { error: unknown } | undefined): Promise<IteratorResult<T>> {
    for (;;) {
      const stop = this.failure ?? failed();
      if (stop) throw stop.error;
      if (this.items.length > 0) {
        const value = this.items.shift() as T;
        this.onSpace?.();
        return { value, done: false };
      }
      if (this.finished) return { value: undefined, done: true };
      await new Promise<void>((resolve) => (this.onItem = resolve));
    }
  }

  /** Wakes a wait for a failure elsewhere. */
  interrupt(): void {
    this.onItem?.();
  }

  close(): void {
    this.closed = true;
    this.onSpace?.();
    // A read in flight ends on its own (the caller's abort signal); its result is not wanted.
    this.iterator.return?.()?.catch(() => undefined);
  }
}

export async function* readAheadInOrder<T>(
  sources: ReadonlyArray<() => AsyncIterator<T>>,
  options: { ahead: number; capacity: number },
): AsyncGenerator<T> {
  const started: Prefetch<T>[] = [];
  let failure: { error: unknown } | undefined;
  let current: Prefetch<T> | undefined;
  // Any source failing ends the whole read at once, not only when the consumer reaches it.
  const onFailure = (error: unknown) => {
    failure ??= { error };
    current?.interrupt();
  };
  try {
    for (let i = 0; i < sources.length; i += 1) {
      while (started.length < Math.min(sources.length, i + Math.max(1, options.ahead))) {
        started.push(new Prefetch((sources[started.length] as () => AsyncIterator<T>)(), Math.max(1, options.capacity), onFailure));
      }
      current = started[i] as Prefetch<T>;
      for (;;) {
        const next = await current.take(() => failure);
        if (next.done) break;
        yield next.value;
      }
    }
  } finally {
    for (const prefetch of started) prefetch.close();
  }
}
