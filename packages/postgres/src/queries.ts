import type { Pool, PoolClient, QueryResult, QueryResultRow } from 'pg';
import { porticoTypes } from './type-parsers';

/** Runs one parameterised statement, reading values with Portico's own type parsers. */
export interface Queryable {
  query<Row extends QueryResultRow = QueryResultRow>(text: string, values?: unknown[]): Promise<QueryResult<Row>>;
}

/**
 * A {@link Queryable} over a pool (each statement on any connection) or over one client.
 *
 * @example
 * ```ts
 * const { rows } = await queryable(pool).query('SELECT count(*) AS n FROM t WHERE a = $1', [a]);
 * ```
 */
export function queryable(target: Pool | PoolClient): Queryable {
  return {
    query: (text, values) => target.query({ text, values, types: porticoTypes }),
  };
}

/**
 * Runs `work` in a transaction on one connection of `pool`: committed when `work` resolves,
 * rolled back when it throws (and the error rethrown).
 *
 * @example
 * ```ts
 * await inTransaction(pool, async (tx) => {
 *   await tx.query('DELETE FROM a WHERE id = $1', [id]);
 *   await tx.query('DELETE FROM b WHERE a_id = $1', [id]);
 * });
 * ```
 */
export async function inTransaction<T>(pool: Pool, work: (tx: Queryable) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await work(queryable(client));
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch((rollbackError: Error) => {
      broken = rollbackError;
    });
    throw error;
  } finally {
    // A connection that could not roll back is in an unknown state: the pool must drop it.
    client.release(broken);
  }
}

/** SQLSTATE of a unique constraint violation. */
const UNIQUE_VIOLATION = '23505';

/**
 * Whether `error` is PostgreSQL refusing a duplicate key.
 *
 * @example
 * ```ts
 * try { await insert(); } catch (error) { if (isUniqueViolation(error)) return false; throw error; }
 * ```
 */
export function isUniqueViolation(error: unknown): boolean {
  return error instanceof Error && 'code' in error && error.code === UNIQUE_VIOLATION;
}
