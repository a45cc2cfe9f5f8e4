import type { LeaseClaim, LeasedRecord, LeaseQueue, LeaseSettlement } from '@portico/core';
import type { QueryResultRow } from 'pg';
import { selectList, type RecordColumns } from './columns';
import type { Database } from './database';
import { readKeysetPage } from './keyset-page';
import { params } from './params';

/** A table of leased records: the outbox's deliveries, the inbox's events. */
export interface LeaseTable<T> {
  table: string;
  mapping: RecordColumns<T>;
  /**
   * The column of the time a record was made, which never changes: listings go newest first
   * by it, and of records due at once, claims take the oldest first.
   */
  createdColumn: string;
}

/**
 * The leasing shared by the outbox and the inbox, whose tables have the same columns for it
 * (`int_id`, `status`, `attempts`, `next_attempt_at`, `lease_owner`, `lease_expires_at`,
 * `updated_at`). A claim leases records in one statement that skips rows other claims have
 * locked, so concurrent dispatchers, in one process or many, never share one.
 *
 * @example
 * ```ts
 * const queue = postgresLeaseQueue<DeliveryRecord>(db, { table: tables.deliveries, mapping: deliveryColumns, createdColumn: 'created_at' });
 * const claimed = await queue.claim({ owner: 'dispatcher-1', nowMs, leaseMs: 30_000, limit: 10 });
 * ```
 */
export function postgresLeaseQueue<T extends LeasedRecord & QueryResultRow>(
  db: Database,
  { table, mapping, createdColumn }: LeaseTable<T>,
): LeaseQueue<T> {
  const select = selectList(mapping);
  const claimOrder = `next_attempt_at, ${createdColumn}, id`;

  return {
    async claim({ owner, nowMs, leaseMs, limit }: LeaseClaim): Promise<T[]> {
      const { rows } = await db.query<T>(
        `WITH claimed AS (
           UPDATE ${table} SET lease_owner = $1, lease_expires_at = $3
           WHERE id IN (
             SELECT id FROM ${table}
             WHERE status = 'pending' AND next_attempt_at <= $2 AND (lease_expires_at IS NULL OR lease_expires_at <= $2)
             ORDER BY ${claimOrder}
             LIMIT $4
             FOR UPDATE SKIP LOCKED
           )
           RETURNING *
         )
         SELECT ${select} FROM claimed ORDER BY ${claimOrder}`,
        [owner, nowMs, nowMs + leaseMs, limit],
      );
      return rows;
    },

    async settle(id: string, owner: string, { status, attempts, nextAttemptAt, updatedAt }: LeaseSettlement<T>): Promise<boolean> {
      const { rowCount } = await db.query(
        `UPDATE ${table}
         SET status = $3, attempts = $4, next_attempt_at = $5, updated_at = $6, lease_owner = NULL, lease_expires_at = NULL
         WHERE id = $1 AND lease_owner = $2`,
        [id, owner, status, JSON.stringify(attempts), nextAttemptAt, updatedAt],
      );
      return rowCount === 1;
    },

    async get(id: string): Promise<T | null> {
      const { rows } = await db.query<T>(`SELECT ${select} FROM ${table} WHERE id = $1`, [id]);
      return rows[0] ?? null;
    },

    async list(query) {
      const p = params();
      const where: string[] = [];
      if (query.intId !== undefined) where.push(`int_id = ${p.add(query.intId)}`);
      if (query.status !== undefined) where.push(`status = ${p.add(query.status)}`);
      return readKeysetPage<T>(db, {
        table,
        select,
        where,
        params: p,
        orderBy: [createdColumn, 'id'],
        descending: true,
        cursor: query.cursor,
        tie: 'string',
        limit: query.limit,
      });
    },

    async requeue(id: string, nowMs: number): Promise<T | null> {
      const { rows } = await db.query<T>(
        `UPDATE ${table}
         SET status = 'pending', next_attempt_at = $2, updated_at = $2, lease_owner = NULL, lease_expires_at = NULL
         WHERE id = $1 AND status = 'failed'
         RETURNING ${select}`,
        [id, nowMs],
      );
      return rows[0] ?? null;
    },
  };
}
