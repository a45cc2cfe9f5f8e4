import { PorticoError, type DeliveryRecord, type OutboxStore } from '@portico/core';
import type Database from 'better-sqlite3';
import type { GroupCommit } from './group-commit';
import { sqliteLeaseQueue } from './lease-queue';
import { isUniqueViolation } from './sqlite-errors';

/** A `deliveries` row as selected: the record with its attempts as stored JSON. */
type DeliveryRow = Omit<DeliveryRecord, 'attempts'> & { attempts: string };

const COLUMNS = `id, int_id AS intId, event, body, status, attempts, next_attempt_at AS nextAttemptAt,
  lease_owner AS leaseOwner, lease_expires_at AS leaseExpiresAt, created_at AS createdAt, updated_at AS updatedAt`;

const toRow = (record: DeliveryRecord): DeliveryRow => ({ ...record, attempts: JSON.stringify(record.attempts) });

const toRecord = (row: DeliveryRow): DeliveryRecord => ({
  ...row,
  attempts: JSON.parse(row.attempts) as DeliveryRecord['attempts'],
});

/**
 * The outbox in SQLite: leasing as {@link sqliteLeaseQueue} does it, on the `deliveries` table.
 * Enqueues and settlements made together share one transaction (see {@link GroupCommit}).
 *
 * @example
 * ```ts
 * const outbox = sqliteOutboxStore(db, groupCommit(db));
 * const claimed = await outbox.claim({ owner: 'dispatcher-1', nowMs, leaseMs: 30_000, limit: 10 });
 * ```
 */
export function sqliteOutboxStore(db: Database.Database, group: GroupCommit): OutboxStore {
  const sql = {
    enqueue: db.prepare<DeliveryRow>(
      `INSERT INTO deliveries (id, int_id, event, body, status, attempts, next_attempt_at, lease_owner,
         lease_expires_at, created_at, updated_at)
       VALUES (@id, @intId, @event, @body, @status, @attempts, @nextAttemptAt, @leaseOwner,
         @leaseExpiresAt, @createdAt, @updatedAt)`,
    ),
    prune: db.prepare<[number]>(`DELETE FROM deliveries WHERE status IN ('delivered', 'failed') AND updated_at < ?`),
  };

  const queue = sqliteLeaseQueue(db, group, {
    table: 'deliveries',
    columns: COLUMNS,
    timeColumn: 'created_at',
    timeOf: (row: DeliveryRow) => row.createdAt,
    toRecord,
  });

  return {
    ...queue,

    async enqueue(record) {
      const row = toRow(record);
      try {
        await group.run(() => sql.enqueue.run(row));
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        throw new PorticoError('INTERNAL', `Delivery '${record.id}' is already in the outbox.`, { cause: error });
      }
    },

    async prune(beforeMs) {
      return sql.prune.run(beforeMs).changes;
    },
  };
}
