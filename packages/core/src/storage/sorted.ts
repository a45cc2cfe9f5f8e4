import { comparePositions, type CursorPosition } from './cursor';

/**
 * Binary search: the index of the first item of `items` for which `isBefore` is false.
 * `isBefore` must hold for a prefix of `items` and for nothing after it.
 *
 * @example
 * ```ts
 * partitionPoint([1, 3, 5, 7], (n) => n < 5); // 2
 * ```
 */
export function partitionPoint<T>(items: readonly T[], isBefore: (item: T) => boolean): number {
  let low = 0;
  let high = items.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (isBefore(items[middle] as T)) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * The index at which `position` is, or would be, in `items` kept ascending by position.
 *
 * @example
 * ```ts
 * const index = positionIndex(records, [record.createdAt, record.id], (r) => [r.createdAt, r.id]);
 * ```
 */
export function positionIndex<T>(
  items: readonly T[],
  position: CursorPosition,
  positionOf: (item: T) => CursorPosition,
): number {
  return partitionPoint(items, (item) => comparePositions(positionOf(item), position) < 0);
}

/**
 * Inserts `item` into `items`, kept ascending by position. Items mostly arrive in order, so
 * this is usually an append.
 *
 * @example
 * ```ts
 * insertSorted(records, record, (r) => [r.createdAt, r.id]);
 * ```
 */
export function insertSorted<T>(items: T[], item: T, positionOf: (item: T) => CursorPosition): void {
  const position = positionOf(item);
  const last = items.at(-1);
  if (last === undefined || comparePositions(positionOf(last), position) <= 0) items.push(item);
  else items.splice(positionIndex(items, position, positionOf), 0, item);
}
