import { describe, expect, it } from 'vitest';
import { batcher, type BatchOutcome } from '../src/batcher';

const UNLIMITED = { maxItems: Number.MAX_SAFE_INTEGER, maxWeight: Number.MAX_SAFE_INTEGER, weightOf: () => 0 };

/** A writer that records each batch and answers each item with `answer`. */
function recording<T, R>(answer: (item: T) => BatchOutcome<R>) {
  const batches: T[][] = [];
  const write = async (items: T[]) => {
    batches.push(items);
    return items.map(answer);
  };
  return { batches, write };
}

describe('batcher', () => {
  it('writes the items added in one turn of the event loop as one batch', async () => {
    const { batches, write } = recording((item: number) => ({ value: item * 2 }));
    const items = batcher(write, UNLIMITED);

    expect(await Promise.all([1, 2, 3].map((item) => items.add(item)))).toEqual([2, 4, 6]);
    expect(batches).toEqual([[1, 2, 3]]);
  });

  it('gathers the items added while a batch is written into the next', async () => {
    const batches: number[][] = [];
    let added: Promise<number[]> | undefined;
    const items = batcher<number, number>(async (batch) => {
      batches.push(batch);
      added ??= Promise.all([2, 3, 4].map((item) => items.add(item)));
      await new Promise((resolve) => setTimeout(resolve, 5));
      return batch.map((value) => ({ value }));
    }, UNLIMITED);

    expect(await items.add(1)).toBe(1);
    expect(await added).toEqual([2, 3, 4]);
    expect(batches).toEqual([[1], [2, 3, 4]]);
  });

  it('closes a batch at its most items or weight, but always takes one item', async () => {
    const { batches, write } = recording((item: number) => ({ value: item }));
    const items = batcher(write, { maxItems: 3, maxWeight: 10, weightOf: (item: number) => item });

    await Promise.all([1, 1, 1, 1, 4, 6, 20, 2].map((item) => items.add(item)));
    expect(batches).toEqual([[1, 1, 1], [1, 4], [6], [20], [2]]);
  });

  it('refuses alone an item that cannot be weighed', async () => {
    const { batches, write } = recording((item: string | null) => ({ value: item }));
    const items = batcher(write, { maxItems: 10, maxWeight: 100, weightOf: (item: string | null) => (item as string).length });

    const results = await Promise.allSettled(['a', null, 'b'].map((item) => items.add(item)));
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(batches).toEqual([['a', 'b']]);
  });

  it('rejects only the items of a batch that failed, and only the items an outcome refuses', async () => {
    let calls = 0;
    const items = batcher<string, string>(async (batch) => {
      calls++;
      if (calls === 1) throw new Error('connection lost');
      return batch.map((item) => (item === 'bad' ? { error: new Error(`refused ${item}`) } : { value: item }));
    }, { maxItems: 2, maxWeight: Number.MAX_SAFE_INTEGER, weightOf: () => 0 });

    const results = await Promise.allSettled(['a', 'b', 'bad', 'c'].map((item) => items.add(item)));
    expect(results).toEqual([
      { status: 'rejected', reason: new Error('connection lost') },
      { status: 'rejected', reason: new Error('connection lost') },
      { status: 'rejected', reason: new Error('refused bad') },
      { status: 'fulfilled', value: 'c' },
    ]);
  });

  it('puts an item written again at the front of the next batch', async () => {
    const batches: string[][] = [];
    const items = batcher<string, string>(async (batch) => {
      batches.push(batch);
      return batch.map((item) => (item === 'later' && batches.length === 1 ? { again: true } : { value: item }));
    }, { maxItems: 2, maxWeight: Number.MAX_SAFE_INTEGER, weightOf: () => 0 });

    expect(await Promise.all(['first', 'later', 'third'].map((item) => items.add(item)))).toEqual(['first', 'later', 'third']);
    expect(batches).toEqual([['first', 'later'], ['later', 'third']]);
  });

  it('drains: resolves once every item added so far has its outcome', async () => {
    const { write } = recording((item: number) => ({ value: item }));
    const items = batcher(write, UNLIMITED);
    let settled = 0;
    for (const item of [1, 2, 3]) void items.add(item).then(() => settled++);

    await items.drain();
    expect(settled).toBe(3);
    await expect(items.drain()).resolves.toBeUndefined();
  });
});
