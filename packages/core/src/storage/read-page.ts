import { comparePositions, decodeCursor, encodeCursor, type CursorPosition, type CursorTie } from './cursor';
import type { Page } from './records';
import { partitionPoint } from './sorted';

/** What {@link readPage} reads: a slice of an array kept ascending by position. */
export interface PageScan<T> {
  /** Every candidate, ascending by position. */
  items: readonly T[];
  /** The candidates are `items[from..to)`; defaults to all of them. */
  from?: number;
  to?: number;
  /** Whether the listing runs from the highest position down. */
  descending: boolean;
  /** The `nextCursor` of the previous page, if any. */
  cursor: string | undefined;
  /** What tie-breaker the listing's cursors carry. */
  tie: CursorTie;
  /** Page size. */
  limit: number;
  /** The listing's filters. */
  matches(item: T): boolean;
  positionOf(item: T): CursorPosition;
}

/**
 * One page of a keyset-paginated listing: up to `limit` matching items past the cursor, the
 * count of every matching item, and the cursor of the next page. A cursor is a position, not
 * an offset, so items written or removed between reads never make a page repeat or skip one.
 *
 * @example
 * ```ts
 * const page = readPage({
 *   items: records, descending: false, cursor: query.cursor, tie: 'string', limit: query.limit,
 *   matches: (r) => r.status === 'ACTIVE', positionOf: (r) => [r.createdAt, r.id],
 * });
 * ```
 */
export function readPage<T>(scan: PageScan<T>): Page<T> {
  const { items, descending, limit, matches, positionOf } = scan;
  const from = scan.from ?? 0;
  const to = scan.to ?? items.length;
  const after = scan.cursor === undefined ? null : decodeCursor(scan.cursor, scan.tie);
  // The items past this index in listing order (below it when descending) follow the cursor.
  const boundary =
    after === null
      ? (descending ? to : from)
      : partitionPoint(items, (item) => {
          const order = comparePositions(positionOf(item), after);
          return descending ? order < 0 : order <= 0;
        });
  const pastCursor = (index: number) => (descending ? index < boundary : index >= boundary);

  const page: T[] = [];
  let total = 0;
  let more = false;
  for (let step = 0; step < to - from; step++) {
    const index = descending ? to - 1 - step : from + step;
    const item = items[index] as T;
    if (!matches(item)) continue;
    total++;
    if (!pastCursor(index)) continue;
    if (page.length < limit) page.push(item);
    else more = true;
  }
  const last = page.at(-1);
  return { items: page, total, nextCursor: more && last !== undefined ? encodeCursor(positionOf(last)) : null };
}
