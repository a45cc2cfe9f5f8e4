import { PorticoError, type DeliveryRecord, type OutboxStore } from '@portico/core';
import { insertStatement, type RecordColumns } from './columns';
import type { Database } from './database';
import { postgresLeaseQueue } from './lease-queue';
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
  const queue = postgresLeaseQueue<DeliveryRecord>(db, { table: deliveries, mapping: deliveryColumns, createdColumn: 'created_at' });

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
    ...queue,

    async prune(beforeMs) {
      const { rowCount } = await db.query(`DELETE FROM ${deliveries} WHERE status <> 'pending' AND updated_at < $1`, [beforeMs]);
      return rowCount ?? 0;
    },
  };
}
