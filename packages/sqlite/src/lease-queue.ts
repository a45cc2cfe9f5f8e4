import { comparePositions, type LeasedRecord, type LeaseQueue } from '@portico/core';
import type Database from 'better-sqlite3';
import type { GroupCommit } from './group-commit';
import { pageReader } from './keyset-page';

/** A row as selected: a {@link LeasedRecord} with its attempts as stored JSON. */
export type LeasedRow = Omit<LeasedRecord, 'attempts'> & { attempts: string };

/** A table of queued records, as {@link sqliteLeaseQueue} reads and writes it. */
export interface LeaseTable<Row extends LeasedRow, Item extends LeasedRecord> {
  table: string;
  /** The select list, aliasing every column to its name in `Row`. */
  columns: string;
  /**
   * The column of the fixed time records are listed by, newest first (`created_at`,
   * `received_at`); with `id`, it also orders claims of records due at once.
   */
  timeColumn: string;
  /** A row's value of `timeColumn`. */
  timeOf(row: Row): number;
  toRecord(row: Row): Item;
}

/**
 * Leasing over one table with the columns `id`, `int_id`, `status`, `attempts` (JSON text),
 * `next_attempt_at`, `lease_owner`, `lease_expires_at`, `updated_at` and a fixed time column.
 * A claim is one `UPDATE ... RETURNING` statement: SQLite runs one writer at a time across every
 * connection and process, so two claims never lease one record. Settlements made together share
 * one transaction (see {@link GroupCommit}).
 *
 * @example
 * ```ts
 * const queue = sqliteLeaseQueue(db, group, {
 *   table: 'deliveries', columns: COLUMNS, timeColumn: 'created_at', timeOf: (row) => row.createdAt, toRecord,
 * });
 * const claimed = await queue.claim({ owner: 'dispatcher-1', nowMs, leaseMs: 30_000, limit: 10 });
 * ```
 */
export function sqliteLeaseQueue<Row extends LeasedRow, Item extends LeasedRecord>(
  db: Database.Database,
  group: GroupCommit,
  { table, columns, timeColumn, timeOf, toRecord }: LeaseTable<Row, Item>,
): LeaseQueue<Item> {
  const sql = {
    claim: db.prepare<{ owner: string; nowMs: number; leaseExpiresAt: number; limit: number }, Row>(
      `UPDATE ${table} SET lease_owner = @owner, lease_expires_at = @leaseExpiresAt
       WHERE id IN (
         SELECT id FROM ${table}
         WHERE status = 'pending' AND next_attempt_at <= @nowMs
           AND (lease_expires_at IS NULL OR lease_expires_at <= @nowMs)
         ORDER BY next_attempt_at, ${timeColumn}, id
         LIMIT @limit)
       RETURNING ${columns}`,
    ),
    settle: db.prepare<Pick<LeasedRow, 'id' | 'status' | 'attempts' | 'nextAttemptAt' | 'updatedAt'> & { owner: string }>(
      `UPDATE ${table} SET status = @status, attempts = @attempts, next_attempt_at = @nextAttemptAt,
         updated_at = @updatedAt, lease_owner = NULL, lease_expires_at = NULL
       WHERE id = @id AND lease_owner = @owner`,
    ),
    get: db.prepare<[string], Row>(`SELECT ${columns} FROM ${table} WHERE id = ?`),
    requeue: db.prepare<{ id: string; nowMs: number }, Row>(
      `UPDATE ${table} SET status = 'pending', next_attempt_at = @nowMs, updated_at = @nowMs,
         lease_owner = NULL, lease_expires_at = NULL
       WHERE id = @id AND status = 'failed'
       RETURNING ${columns}`,
    ),
  };

  const readPage = pageReader<Row>(db, {
    table,
    columns,
    timeColumn,
    tieColumn: 'id',
    tie: 'string',
    descending: true,
    positionOf: (row) => [timeOf(row), row.id],
  });

  // RETURNING gives rows in no set order; claimed rows always have a due time.
  const bySoonestDue = (a: Row, b: Row) =>
    (a.nextAttemptAt ?? 0) - (b.nextAttemptAt ?? 0) || comparePositions([timeOf(a), a.id], [timeOf(b), b.id]);

  return {
    async claim({ owner, nowMs, leaseMs, limit }) {
      return sql.claim.all({ owner, nowMs, leaseExpiresAt: nowMs + leaseMs, limit }).sort(bySoonestDue).map(toRecord);
    },

    async settle(id, owner, { status, attempts, nextAttemptAt, updatedAt }) {
      const row = { id, owner, status, attempts: JSON.stringify(attempts), nextAttemptAt, updatedAt };
      return group.run(() => sql.settle.run(row).changes === 1);
    },

    async get(id) {
      const row = sql.get.get(id);
      return row === undefined ? null : toRecord(row);
    },

    async list(query) {
      const filters: string[] = [];
      if (query.intId !== undefined) filters.push('int_id = @intId');
      if (query.status !== undefined) filters.push('status = @status');
      const { cursor, limit, ...params } = query;
      const page = readPage({ filters, params, cursor, limit });
      return { ...page, items: page.items.map(toRecord) };
    },

    async requeue(id, nowMs) {
      const row = sql.requeue.get({ id, nowMs });
      return row === undefined ? null : toRecord(row);
    },
  };
}
