import { decodeCursor, encodeCursor, type CursorPosition, type CursorTie, type Page } from '@portico/core';
import type Database from 'better-sqlite3';

/** A keyset-paginated listing of one table, ordered by a time column, then a tie-breaker. */
export interface Listing<Row> {
  table: string;
  /** The select list, aliasing columns to the names `Row` has. */
  columns: string;
  timeColumn: string;
  tieColumn: string;
  tie: CursorTie;
  descending: boolean;
  /** The position of a row, from its `timeColumn` and `tieColumn` values. */
  positionOf(row: Row): CursorPosition;
}

/** The filters and page of one read of a {@link Listing}. */
export interface ListingRead {
  /** SQL conditions of the filters given, naming parameters of `params` as `@name`. */
  filters: string[];
  /** Values of the filters' parameters; those of filters not given are left undefined. */
  params: Record<string, string | number | undefined>;
  cursor: string | undefined;
  limit: number;
}

const where = (conditions: string[]) => (conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}`);

/**
 * Reads pages of a listing: up to `limit` rows past the cursor and the count of every matching
 * row, from one snapshot. Only the filters given appear in the SQL, so SQLite plans each
 * combination with the index that fits it; each combination is prepared once, then reused.
 *
 * @example
 * ```ts
 * const readPage = pageReader<{ id: string; createdAt: number }>(db, {
 *   table: 'deliveries', columns: 'id, created_at AS createdAt', timeColumn: 'created_at', tieColumn: 'id',
 *   tie: 'string', descending: true, positionOf: (row) => [row.createdAt, row.id],
 * });
 * const page = readPage({ filters: ['status = @status'], params: { status: 'failed' }, cursor, limit: 50 });
 * ```
 */
export function pageReader<Row>(db: Database.Database, listing: Listing<Row>): (read: ListingRead) => Page<Row> {
  const { table, columns, timeColumn, tieColumn, tie, descending, positionOf } = listing;
  const prepared = new Map<string, Database.Statement>();
  const statement = (sql: string) => {
    const cached = prepared.get(sql);
    if (cached !== undefined) return cached;
    const created = db.prepare(sql);
    prepared.set(sql, created);
    return created;
  };
  const order = descending ? 'DESC' : 'ASC';
  const pastCursor = `(${timeColumn}, ${tieColumn}) ${descending ? '<' : '>'} (@cursorTime, @cursorTie)`;

  return db.transaction(({ filters, params, cursor, limit }: ListingRead): Page<Row> => {
    const after = cursor === undefined ? null : decodeCursor(cursor, tie);
    const total = statement(`SELECT count(*) FROM ${table} ${where(filters)}`).pluck().get(params) as number;
    const rows = statement(
      `SELECT ${columns} FROM ${table} ${where(after === null ? filters : [...filters, pastCursor])}
       ORDER BY ${timeColumn} ${order}, ${tieColumn} ${order} LIMIT @limit`,
    ).all({ ...params, cursorTime: after?.[0], cursorTie: after?.[1], limit: limit + 1 }) as Row[];
    const items = rows.slice(0, limit);
    const last = items.at(-1);
    const more = rows.length > limit && last !== undefined;
    return { items, total, nextCursor: more ? encodeCursor(positionOf(last)) : null };
  });
}
