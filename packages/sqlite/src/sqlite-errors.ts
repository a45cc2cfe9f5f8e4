import Database from 'better-sqlite3';

/**
 * Whether `error` is SQLite refusing a duplicate primary key or unique value: the stores turn
 * that into their contract's answer (`false`, or a `PorticoError`) instead of a raw driver error.
 *
 * @example
 * ```ts
 * try { insert.run(row); } catch (error) { if (isUniqueViolation(error)) return false; throw error; }
 * ```
 */
export function isUniqueViolation(error: unknown): boolean {
  return (
    error instanceof Database.SqliteError &&
    (error.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || error.code === 'SQLITE_CONSTRAINT_UNIQUE')
  );
}

/**
 * Whether `error` is SQLite giving up on a lock another connection holds.
 *
 * @example
 * ```ts
 * if (isBusy(error)) pause(10);
 * ```
 */
export function isBusy(error: unknown): boolean {
  return error instanceof Database.SqliteError && error.code === 'SQLITE_BUSY';
}
