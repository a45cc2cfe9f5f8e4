import { PorticoError, type DeliveryRecord, type OutboxStore } from '@portico/core';
import { insertStatement, selectList, type RecordColumns } from './columns';
import type { Database } from './database';
import { readKeysetPage } from './keyset-page';
import { params } from './params';
import { isUniqueViolation } from './queries';

const deliveryColumns: RecordColumns<DeliveryRecord> = {
  columns: {
    id: 'id',
    intId: 'int_id',
    event: 'event',
    body: 'body',
    status: 'status',
    attempts: 'attempts',
    nextAttemptAt: 'next_attempt_at',
    leaseOwner: 'lease_owner',
    leaseExpiresAt: 'lease_expires_at',
    createdAt: 'created_at',
    updatedAt: 'updated_at',
  },
  json: new Set(['attempts']),
};

const SELECT = selectList(deliveryColumns);

/**
 * The outbox in PostgreSQL. A claim leases deliveries in one statement that skips rows other
 * claims have locked, so concurrent dispatchers, in one process or many, never share one.
 *
 * @example
 * ```ts
 * const outbox = postgresOutboxStore(createDatabase(pool, tablesIn('portico')));
 * const claimed = await outbox.claim({ owner: 'dispatcher-1', nowMs, leaseMs: 30_000, limit: 10 });
 * ```
 */
export function postgresOutboxStore(db: Database): OutboxStore {
  const { deliveries } = db.tables;

  return {
    async enqueue(record) {
      const { text, values } = insertStatement(deliveries, deliveryColumns, record);
      try {
        await db.query(text, values);
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        throw new PorticoError('INTERNAL', `Delivery '${record.id}' is already in the outbox.`, { cause: error });
      }
    },

    async claim({ owner, nowMs, leaseMs, limit }) {
      const { rows } = await db.query<DeliveryRecord>(
        `WITH claimed AS (
           UPDATE ${deliveries} SET lease_owner = $1, lease_expires_at = $3
           WHERE id IN (
             SELECT id FROM ${deliveries}
             WHERE status = 'pending' AND next_attempt_at <= $2 AND (lease_expires_at IS NULL OR lease_expires_at <= $2)
             ORDER BY next_attempt_at, created_at, id
             LIMIT $4
             FOR UPDATE SKIP LOCKED
           )
           RETURNING *
         )
         SELECT ${SELECT} FROM claimed ORDER BY next_attempt_at, created_at, id`,
        [owner, nowMs, nowMs + leaseMs, limit],
      );
      return rows;
    },

    async settle(id, owner, { status, attempts, nextAttemptAt, updatedAt }) {
      const { rowCount } = await db.query(
        `UPDATE ${deliveries}
         SET status = $3, attempts = $4, next_attempt_at = $5, updated_at = $6, lease_owner = NULL, lease_expires_at = NULL
         WHERE id = $1 AND lease_owner = $2`,
        [id, owner, status, JSON.stringify(attempts), nextAttemptAt, updatedAt],
      );
      return rowCount === 1;
    },

    async get(id) {
      const { rows } = await db.query<DeliveryRecord>(`SELECT ${SELECT} FROM ${deliveries} WHERE id = $1`, [id]);
      return rows[0] ?? null;
    },

    async list(query) {
      const p = params();
      const where: string[] = [];
      if (query.intId !== undefined) where.push(`int_id = ${p.add(query.intId)}`);
      if (query.status !== undefined) where.push(`status = ${p.add(query.status)}`);
      return readKeysetPage<DeliveryRecord>(db, {
        table: deliveries,
        select: SELECT,
        where,
        params: p,
        orderBy: ['created_at', 'id'],
        descending: true,
        cursor: query.cursor,
        tie: 'string',
        limit: query.limit,
      });
    },

    async requeue(id, nowMs) {
      const { rows } = await db.query<DeliveryRecord>(
        `UPDATE ${deliveries}
         SET status = 'pending', next_attempt_at = $2, updated_at = $2, lease_owner = NULL, lease_expires_at = NULL
         WHERE id = $1 AND status = 'failed'
         RETURNING ${SELECT}`,
        [id, nowMs],
      );
      return rows[0] ?? null;
    },

    async prune(beforeMs) {
      const { rowCount } = await db.query(`DELETE FROM ${deliveries} WHERE status <> 'pending' AND updated_at < $1`, [beforeMs]);
      return rowCount ?? 0;
    },
  };
}
