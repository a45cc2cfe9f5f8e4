/** What became of one item of a batch: a result, a failure of its own, or a place in the next batch. */
export type BatchOutcome<R> = { value: R } | { error: unknown } | { again: true };

/**
 * Writes the items of one batch; returns one outcome per item, in order. At least one item
 * must come back other than `again`, so the queue always moves on. A rejection fails every
 * item of the batch, and only those.
 */
export type BatchWriter<T, R> = (items: T[]) => Promise<BatchOutcome<R>[]>;

/** How much one batch holds at most; it always holds at least one item, however heavy. */
export interface BatchLimits<T> {
  maxItems: number;
  /** The most the weights of a batch's items add up to. */
  maxWeight: number;
  /** The weight of one item: its size in bytes, say. */
  weightOf: (item: T) => number;
}

/** Items written together, one batch at a time. */
export interface Batcher<T, R> {
  /** Queues `item` and resolves with its outcome once the batch that took it has been written. */
  add(item: T): Promise<R>;
  /** Resolves once every item added so far has its outcome. */
  drain(): Promise<void>;
}

interface Queued<T, R> {
  item: T;
  weight: number;
  resolve: (value: R) => void;
  reject: (error: unknown) => void;
}

/**
 * One batch in flight at a time: items added while it is written wait together for the next,
 * within `limits`. The first batch waits one turn of the event loop (`setImmediate`), so the
 * items of requests that arrived together leave together. An item written `again` goes back to
 * the front of the queue.
 *
 * @example
 * ```ts
 * const inserts = batcher<Row, boolean>(async (rows) => (await insertAll(rows)).map((value) => ({ value })), {
 *   maxItems: 500, maxWeight: 16 * 1024 * 1024, weightOf: (row) => row.body.length,
 * });
 * const inserted = await inserts.add(row);
 * ```
 */
export function batcher<T, R>(write: BatchWriter<T, R>, { maxItems, maxWeight, weightOf }: BatchLimits<T>): Batcher<T, R> {
  let queue: Queued<T, R>[] = [];
  let writing: Promise<void> | undefined;

  /** How many items from the front of the queue the next batch takes. */
  function nextBatchSize(): number {
    let weight = 0;
    let size = 0;
    for (const queued of queue) {
      weight += queued.weight;
      if (size === maxItems || (size > 0 && weight > maxWeight)) break;
      size++;
    }
    return size;
  }

  async function writeAll(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    try {
      while (queue.length > 0) {
        const size = nextBatchSize();
        const batch = queue.slice(0, size);
        queue = queue.slice(size);
        await writeBatch(batch);
      }
    } finally {
      // Cleared in the same step as the last look at the queue, so no item is left waiting.
      writing = undefined;
    }
  }

  async function writeBatch(batch: Queued<T, R>[]): Promise<void> {
    let outcomes: BatchOutcome<R>[];
    try {
      outcomes = await write(batch.map(({ item }) => item));
    } catch (error) {
      for (const queued of batch) queued.reject(error);
      return;
    }
    const again: Queued<T, R>[] = [];
    batch.forEach((queued, index) => {
      const outcome = outcomes[index];
      if (outcome === undefined) queued.reject(new Error('The batch writer returned no outcome for this item.'));
      else if ('again' in outcome) again.push(queued);
      else if ('error' in outcome) queued.reject(outcome.error);
      else queued.resolve(outcome.value);
    });
    queue = [...again, ...queue];
  }

  return {
    add(item) {
      return new Promise<R>((resolve, reject) => {
        // Weighed on the way in, so an item that cannot be weighed fails alone.
        queue.push({ item, weight: weightOf(item), resolve, reject });
        writing ??= writeAll();
      });
    },
    drain: () => writing ?? Promise.resolve(),
  };
}
