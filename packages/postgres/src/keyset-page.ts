import { decodeCursor, encodeCursor, type CursorTie, type Page } from '@portico/core';
import type { QueryResultRow } from 'pg';
import type { Params } from './params';
import type { Queryable } from './queries';

/** One page of a listing ordered by a time column, then a tie-breaking column. */
export interface KeysetQuery {
  table: string;
  /** The select list of one item (see `selectList`). */
  select: string;
  /** The listing's filters, written with the placeholders of `params`. */
  where: string[];
  params: Params;
  /** The sort columns: a time in epoch milliseconds, then a tie-breaker. */
  orderBy: readonly [time: string, tie: string];
  descending: boolean;
  /** The `nextCursor` of the previous page, if any. */
  cursor: string | undefined;
  /** What the tie-breaker is: an id, or the order of writing. */
  tie: CursorTie;
  limit: number;
}

/** Where an item stands in the listing; null in the one row of an empty page. */
interface PagePosition {
  pageTotal: number;
  sortTime: number | null;
  sortTie: string | number | null;
}

/**
 * Reads a page after the cursor and counts every match in one statement, so the count and
 * the page see the same snapshot. The count is joined to the page, so an empty page still
 * yields one row: the count, with nulls for the item.
 *
 * @example
 * ```ts
 * const p = params();
 * const page = await readKeysetPage<DeliveryRecord>(db, {
 *   table: tables.deliveries, select: selectList(deliveryColumns), where: [`status = ${p.add('failed')}`],
 *   params: p, orderBy: ['created_at', 'id'], descending: true, cursor, tie: 'string', limit: 50,
 * });
 * ```
 */
export async function readKeysetPage<Row extends QueryResultRow>(db: Queryable, query: KeysetQuery): Promise<Page<Row>> {
  const { table, select, params, descending, limit } = query;
  const [time, tie] = query.orderBy;
  const filters = query.where.length === 0 ? 'true' : query.where.join(' AND ');
  const after = query.cursor === undefined ? null : decodeCursor(query.cursor, query.tie);
  const pastCursor =
    after === null ? 'true' : `(${time}, ${tie}) ${descending ? '<' : '>'} (${params.add(after[0])}, ${params.add(after[1])})`;
  const direction = descending ? 'DESC' : 'ASC';

  const { rows } = await db.query<Row & PagePosition>(
    `SELECT matching.total AS "pageTotal", page.*
     FROM (SELECT count(*) AS total FROM ${table} WHERE ${filters}) AS matching
     LEFT JOIN LATERAL (
       SELECT ${select}, ${time} AS "sortTime", ${tie} AS "sortTie" FROM ${table}
       WHERE ${filters} AND ${pastCursor}
       ORDER BY ${time} ${direction}, ${tie} ${direction}
       LIMIT ${params.add(limit + 1)}
     ) AS page ON true`,
    params.values,
  );

  const items: Row[] = [];
  let last: readonly [number, string | number] | undefined;
  for (const { pageTotal, sortTime, sortTie, ...item } of rows.slice(0, limit)) {
    if (sortTime === null || sortTie === null) break;
    items.push(item as unknown as Row);
    last = [sortTime, sortTie];
  }
  const total = rows[0]?.pageTotal ?? 0;
  return { items, total, nextCursor: rows.length > limit && last !== undefined ? encodeCursor(last) : null };
}
