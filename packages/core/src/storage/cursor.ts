import { PorticoError } from '../errors';

/**
 * Where a listing stands: the sort time in epoch milliseconds, then what breaks ties between
 * equal times (an id, or the order of writing).
 */
export type CursorPosition<Tie extends string | number = string | number> = readonly [timeMs: number, tie: Tie];

/** The kind of tie-breaker a listing's cursor carries. */
export type CursorTie = 'string' | 'number';

type TieValue<Kind extends CursorTie> = Kind extends 'string' ? string : number;

/**
 * Orders two positions: by time, then by tie-breaker. Ids compare by UTF-16 code units, as
 * SQL's `COLLATE "C"` does, so every store pages in the same order.
 *
 * @example
 * ```ts
 * comparePositions([1000, 'GW-0000000A'], [1000, 'GW-0000000B']); // < 0
 * ```
 */
export function comparePositions(a: CursorPosition, b: CursorPosition): number {
  if (a[0] !== b[0]) return a[0] - b[0];
  if (a[1] === b[1]) return 0;
  return a[1] < b[1] ? -1 : 1;
}

/**
 * Turns the position of a page's last item into the opaque `nextCursor` of a {@link Page}.
 *
 * @example
 * ```ts
 * const nextCursor = encodeCursor([record.createdAt, record.id]);
 * ```
 */
export function encodeCursor(position: CursorPosition): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

/**
 * Reads a cursor made by {@link encodeCursor}. Cursors come from query strings, so anything else
 * is the caller's mistake: a `VALIDATION_FAILED` {@link PorticoError}.
 *
 * @example
 * ```ts
 * const [createdAt, id] = decodeCursor(query.cursor, 'string');
 * ```
 */
export function decodeCursor<Kind extends CursorTie>(cursor: string, tie: Kind): CursorPosition<TieValue<Kind>> {
  let position: unknown;
  try {
    position = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch (error) {
    throw invalidCursor(error);
  }
  if (!Array.isArray(position) || position.length !== 2) throw invalidCursor();
  const [timeMs, tieValue]: unknown[] = position;
  if (!Number.isFinite(timeMs) || typeof tieValue !== tie) throw invalidCursor();
  return [timeMs, tieValue] as CursorPosition<TieValue<Kind>>;
}

function invalidCursor(cause?: unknown): PorticoError {
  return new PorticoError('VALIDATION_FAILED', 'Invalid cursor: pass the nextCursor of a previous page.', {
    fields: [{ path: 'cursor', message: 'not a cursor of this listing' }],
    cause,
  });
}
