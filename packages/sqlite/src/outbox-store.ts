import { comparePositions, PorticoError, type DeliveryRecord, type OutboxStore } from '@portico/core';
import type Database from 'better-sqlite3';
import type { GroupCommit } from './group-commit';
import { pageReader } from './keyset-page';
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

/** Claimed deliveries come due soonest first; claimed ones always have a due time. */
const bySoonestDue = (a: DeliveryRecord, b: DeliveryRecord) =>
  (a.nextAttemptAt ?? 0) - (b.nextAttemptAt ?? 0) || comparePositions([a.createdAt, a.id], [b.createdAt, b.id]);

/**
 * The outbox in SQLite. A claim is one `UPDATE ... RETURNING` statement: SQLite runs one writer
 * at a time across every connection and process, so two claims never lease one delivery.
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
    claim: db.prepare<{ owner: string; nowMs: number; leaseExpiresAt: number; limit: number }, DeliveryRow>(
      `UPDATE deliveries SET lease_owner = @owner, lease_expires_at = @leaseExpiresAt
       WHERE id IN (
         SELECT id FROM deliveries
         WHERE status = 'pending' AND next_attempt_at <= @nowMs
           AND (lease_expires_at IS NULL OR lease_expires_at <= @nowMs)
         ORDER BY next_attempt_at, created_at, id
         LIMIT @limit)
       RETURNING ${COLUMNS}`,
    ),
    settle: db.prepare<Pick<DeliveryRow, 'id' | 'status' | 'attempts' | 'nextAttemptAt' | 'updatedAt'> & { owner: string }>(
      `UPDATE deliveries SET status = @status, attempts = @attempts, next_attempt_at = @nextAttemptAt,
         updated_at = @updatedAt, lease_owner = NULL, lease_expires_at = NULL
       WHERE id = @id AND lease_owner = @owner`,
    ),
    get: db.prepare<[string], DeliveryRow>(`SELECT ${COLUMNS} FROM deliveries WHERE id = ?`),
    requeue: db.prepare<{ id: string; nowMs: number }, DeliveryRow>(
      `UPDATE deliveries SET status = 'pending', next_attempt_at = @nowMs, updated_at = @nowMs,
         lease_owner = NULL, lease_expires_at = NULL
       WHERE id = @id AND status = 'failed'
       RETURNING ${COLUMNS}`,
    ),
    prune: db.prepare<[number]>(`DELETE FROM deliveries WHERE status IN ('delivered', 'failed') AND updated_at < ?`),
  };

  const readPage = pageReader<DeliveryRow>(db, {
    table: 'deliveries',
    columns: COLUMNS,
    timeColumn: 'created_at',
    tieColumn: 'id',
    tie: 'string',
    descending: true,
    positionOf: (row) => [row.createdAt, row.id],
  });

  return {
    async enqueue(record) {
      const row = toRow(record);
      try {
        await group.run(() => sql.enqueue.run(row));
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        throw new PorticoError('INTERNAL', `Delivery '${record.id}' is already in the outbox.`, { cause: error });
      }
    },

    async claim({ owner, nowMs, leaseMs, limit }) {
      const claimed = sql.claim.all({ owner, nowMs, leaseExpiresAt: nowMs + leaseMs, limit });
      return claimed.map(toRecord).sort(bySoonestDue);
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

    async prune(beforeMs) {
      return sql.prune.run(beforeMs).changes;
    },
  };
}
