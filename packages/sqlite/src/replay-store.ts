import type { ReplayStore } from '@portico/core';
import type Database from 'better-sqlite3';
import type { GroupCommit } from './group-commit';

/**
 * Expired ids each transaction removes at most. More than the ids one transaction adds at any
 * rate SQLite sustains, so expired ids never pile up, yet a sweep's cost stays bounded however
 * many expire at once.
 */
const SWEEP_LIMIT = 256;

/** The `replay_ids` table as the writes that remember ids use it, inside their group commits. */
export interface ReplayIds {
  /**
   * Records `id` in `scope` until `expiresAt`, writing only when it is new or expired at `nowMs`:
   * true when it did. Runs inside a transaction: of concurrent callers, on any number of
   * connections, exactly one sees a change.
   */
  remember(scope: string, id: string, expiresAt: number, nowMs: number): boolean;
  /** Queues a bounded sweep of the ids expired at `nowMs` into the next group commit, unless one is queued. */
  sweepSoon(nowMs: number): void;
}

/**
 * The replay ids of one connection, shared by the replay store and the inbox, whose acceptances
 * remember their message ids in their own transactions; both queue their sweeps here, so a group
 * commit holds one sweep, however many of either it holds.
 *
 * @example
 * ```ts
 * const ids = sqliteReplayIds(db, group);
 * const fresh = await group.run(() => ids.remember('GW-0000000A', 'msg_1', nowMs + 300_000, nowMs));
 * ids.sweepSoon(nowMs);
 * ```
 */
export function sqliteReplayIds(db: Database.Database, group: GroupCommit): ReplayIds {
  const sql = {
    remember: db.prepare<{ scope: string; id: string; expiresAt: number; nowMs: number }>(
      `INSERT INTO replay_ids (scope, id, expires_at) VALUES (@scope, @id, @expiresAt)
       ON CONFLICT (scope, id) DO UPDATE SET expires_at = excluded.expires_at WHERE expires_at <= @nowMs`,
    ),
    sweep: db.prepare<[number, number]>(
      `DELETE FROM replay_ids WHERE (scope, id) IN
         (SELECT scope, id FROM replay_ids WHERE expires_at <= ? LIMIT ?)`,
    ),
  };

  let sweepQueued = false;

  return {
    remember: (scope, id, expiresAt, nowMs) => sql.remember.run({ scope, id, expiresAt, nowMs }).changes === 1,
    sweepSoon(nowMs) {
      if (sweepQueued) return;
      sweepQueued = true;
      // A failed sweep loses nothing: a later transaction sweeps again, and a failed commit
      // already rejects the writes beside it.
      void group
        .run(() => sql.sweep.run(nowMs, SWEEP_LIMIT))
        .catch(() => {})
        .finally(() => {
          sweepQueued = false;
        });
    },
  };
}

/**
 * Replay memory in SQLite. Remembering is one upsert that writes only when the id is new or
 * expired, so of concurrent callers, on any number of connections, exactly one sees a change.
 * Upserts made together share one transaction (see {@link GroupCommit}) and one sweep.
 *
 * @example
 * ```ts
 * const replay = sqliteReplayStore(db, group, sqliteReplayIds(db, group));
 * await replay.remember('GW-0000000A', 'msg_1', 300_000, nowMs); // true
 * await replay.remember('GW-0000000A', 'msg_1', 300_000, nowMs); // false: a replay
 * await replay.seen('GW-0000000A', 'msg_1', nowMs); // true
 * ```
 */
export function sqliteReplayStore(db: Database.Database, group: GroupCommit, ids: ReplayIds): ReplayStore {
  const seen = db
    .prepare<{ scope: string; id: string; nowMs: number }, number>(
      'SELECT 1 FROM replay_ids WHERE scope = @scope AND id = @id AND expires_at > @nowMs',
    )
    .pluck();

  return {
    async remember(scope, id, ttlMs, nowMs) {
      const fresh = group.run(() => ids.remember(scope, id, nowMs + ttlMs, nowMs));
      ids.sweepSoon(nowMs);
      return fresh;
    },

    async seen(scope, id, nowMs) {
      return seen.get({ scope, id, nowMs }) !== undefined;
    },
  };
}
