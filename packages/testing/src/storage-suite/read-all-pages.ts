import type { Page } from '@portico/core';
import { expect } from 'vitest';

/** Far more pages than any test writes: a store whose cursor never ends fails instead of hanging. */
const MAX_PAGES = 1000;

/**
 * Follows `nextCursor` from the first page to the last and returns every item in order and the
 * `total` the pages reported, asserting that every page reports the same total.
 *
 * @example
 * ```ts
 * const { items, total } = await readAllPages((cursor) => storage.integrations.list({ cursor, limit: 2 }));
 * ```
 */
export async function readAllPages<T>(
  read: (cursor: string | undefined) => Promise<Page<T>>,
): Promise<{ items: T[]; total: number; pages: number }> {
  const items: T[] = [];
  const totals = new Set<number>();
  let cursor: string | undefined;
  for (let pages = 1; pages <= MAX_PAGES; pages++) {
    const page = await read(cursor);
    items.push(...page.items);
    totals.add(page.total);
    if (page.nextCursor === null) {
      expect([...totals]).toHaveLength(1);
      return { items, total: page.total, pages };
    }
    expect(page.items.length).toBeGreaterThan(0);
    cursor = page.nextCursor;
  }
  throw new Error(`Listing did not end after ${MAX_PAGES} pages.`);
}
