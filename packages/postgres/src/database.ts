import type { Pool } from 'pg';
import { migrate } from './migrations';
import { inTransaction, queryable, type Queryable } from './queries';
import type { Tables } from './tables';

/** Portico's view of the database: its tables, and statements that run once the schema is ready. */
export interface Database extends Queryable {
  tables: Tables;
  /** Runs `work` in one transaction; see {@link inTransaction}. */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Migrates the schema once; every statement waits for it. */
  ready(): Promise<void>;
}

/**
 * The database of one storage: the schema is migrated on first use. A failed migration (the
 * server was down, say) is tried again by the next call instead of failing every call after.
 *
 * @example
 * ```ts
 * const db = createDatabase(pool, tablesIn('portico'));
 * const { rows } = await db.query(`SELECT count(*) AS n FROM ${db.tables.logs}`);
 * ```
 */
export function createDatabase(pool: Pool, tables: Tables): Database {
  const direct = queryable(pool);
  let migrated: Promise<void> | undefined;

  const ready = () => {
    migrated ??= migrate(pool, tables).catch((error: unknown) => {
      migrated = undefined;
      throw error;
    });
    return migrated;
  };

  return {
    tables,
    ready,
    async query(text, values) {
      await ready();
      return direct.query(text, values);
    },
    async transaction(work) {
      await ready();
      return inTransaction(pool, work);
    },
  };
}
