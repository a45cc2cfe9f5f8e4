import { PorticoError, usageDeltas, type InboxAcceptance, type InboxRecord, type InboxStore, type UsageDelta } from '@portico/core';
import type Database from 'better-sqlite3';
import type { GroupCommit } from './group-commit';
import { sqliteLeaseQueue } from './lease-queue';
import { logEntryInserter } from './log-store';
import type { ReplayIds } from './replay-store';
import { usageDeltaAdder } from './usage-store';

/** An `inbox_events` row as selected: the record with its attempts as stored JSON and its flag as 0 or 1. */
type InboxRow = Omit<InboxRecord, 'attempts' | 'test'> & { attempts: string; test: number };

const COLUMNS = `id, int_id AS intId, message_id AS messageId, event, sealed_request AS sealedRequest, test, status,
  attempts, next_attempt_at AS nextAttemptAt, lease_owner AS leaseOwner, lease_expires_at AS leaseExpiresAt,
  received_at AS receivedAt, updated_at AS updatedAt`;

const toRow = (record: InboxRecord): InboxRow => ({
  ...record,
  attempts: JSON.stringify(record.attempts),
  test: record.test ? 1 : 0,
});

const toRecord = (row: InboxRow): InboxRecord => ({
  ...row,
  attempts: JSON.parse(row.attempts) as InboxRecord['attempts'],
  test: row.test === 1,
});

/**
 * The inbox in SQLite: leasing as {@link sqliteLeaseQueue} does it, on the `inbox_events` table.
 * An acceptance is one work of the group commit (see {@link GroupCommit}), run in a savepoint of
 * its own: the replay upsert, then, only when the message id was fresh, the event, its log entry
 * and its three usage rows. A taken event id throws out of the work, which undoes all of it.
 * `replayIds` is the connection's replay memory, shared with the replay store.
 *
 * @example
 * ```ts
 * const group = groupCommit(db);
 * const inbox = sqliteInboxStore(db, group, sqliteReplayIds(db, group));
 * const fresh = await inbox.accept({ event, replayTtlMs: 300_000, log: entry });
 * ```
 */
export function sqliteInboxStore(db: Database.Database, group: GroupCommit, replayIds: ReplayIds): InboxStore {
  const sql = {
    insert: db.prepare<InboxRow>(
      `INSERT INTO inbox_events (id, int_id, message_id, event, sealed_request, test, status, attempts,
         next_attempt_at, lease_owner, lease_expires_at, received_at, updated_at)
       VALUES (@id, @intId, @messageId, @event, @sealedRequest, @test, @status, @attempts,
         @nextAttemptAt, @leaseOwner, @leaseExpiresAt, @receivedAt, @updatedAt)`,
    ),
    exists: db.prepare<[string], number>('SELECT 1 FROM inbox_events WHERE id = ?').pluck(),
    pruneSettled: db.prepare<[number]>(`DELETE FROM inbox_events WHERE status IN ('delivered', 'failed') AND updated_at < ?`),
    pruneUnhandled: db.prepare<[number]>(`DELETE FROM inbox_events WHERE status = 'pending' AND received_at < ?`),
  };
  const appendLog = logEntryInserter(db);
  const addUsage = usageDeltaAdder(db);

  const queue = sqliteLeaseQueue(db, group, {
    table: 'inbox_events',
    columns: COLUMNS,
    timeColumn: 'received_at',
    timeOf: (row: InboxRow) => row.receivedAt,
    toRecord,
  });

  /*
   * Every acceptance of one transaction counts into the same few usage rows: summed here and
   * written once, before the commit, instead of three upserts per webhook.
   */
  let counted = new Map<string, UsageDelta>();
  group.beforeCommit(() => {
    for (const delta of counted.values()) addUsage(delta);
    counted = new Map();
  });
  function count(deltas: UsageDelta[]): void {
    for (const delta of deltas) {
      const key = `${delta.intId}\u0000${delta.granularity}\u0000${delta.startMs}`;
      const row = counted.get(key);
      if (row === undefined) counted.set(key, { ...delta });
      else {
        row.success += delta.success;
        row.lastAtMs = Math.max(row.lastAtMs, delta.lastAtMs);
      }
    }
  }

  /**
   * The writes of one acceptance; false when it is a replay. Its checks come before its first
   * write (see {@link GroupCommit.run}), and no other connection writes inside the transaction,
   * so what it checked holds for its writes.
   */
  const acceptance = ({ event, replayTtlMs, log }: InboxAcceptance) => {
    const row = toRow(event);
    const { id, intId, messageId, receivedAt } = event;
    const deltas = usageDeltas(intId, receivedAt, { success: 1 });
    return (): boolean => {
      if (sql.exists.get(id) !== undefined) throw new PorticoError('INTERNAL', `Event '${id}' is already in the inbox.`);
      if (replayTtlMs !== null && messageId !== null && !replayIds.remember(intId, messageId, receivedAt + replayTtlMs, receivedAt)) {
        return false;
      }
      sql.insert.run(row);
      appendLog(log);
      count(deltas);
      return true;
    };
  };

  const prune = db.transaction((beforeMs: number) => ({
    settled: sql.pruneSettled.run(beforeMs).changes,
    unhandled: sql.pruneUnhandled.run(beforeMs).changes,
  }));

  return {
    ...queue,

    async accept(accepted) {
      const fresh = group.run(acceptance(accepted));
      if (accepted.replayTtlMs !== null && accepted.event.messageId !== null) replayIds.sweepSoon(accepted.event.receivedAt);
      return fresh;
    },

    async prune(beforeMs) {
      return prune.immediate(beforeMs);
    },
  };
}
