import type { ReplayStore } from '@portico/core';
import type Database from 'better-sqlite3';
import type { GroupCommit } from './group-commit';

/**
 * Expired ids each transaction removes at most. More than the ids one transaction adds at any
 * rate SQLite sustains, so expired ids never pile up, yet a sweep's cost stays bounded however
 * many expire at once.
 */
const SWEEP_LIMIT = 256;

/**
 * Replay memory in SQLite. Remembering is one upsert that writes only when the id is new or
 * expired, so of concurrent callers, on any number of connections, exactly one sees a change.
 * Upserts made together share one transaction (see {@link GroupCommit}) and one sweep.
 *
 * @example
 * ```ts
 * const replay = sqliteReplayStore(db, groupCommit(db));
 * await replay.remember('GW-0000000A', 'msg_1', 300_000, nowMs); // true
 * await replay.remember('GW-0000000A', 'msg_1', 300_000, nowMs); // false: a replay
 * ```
 */
export function sqliteReplayStore(db: Database.Database, group: GroupCommit): ReplayStore {
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
    async remember(scope, id, ttlMs, nowMs) {
      const fresh = group.run(() => sql.remember.run({ scope, id, expiresAt: nowMs + ttlMs, nowMs }).changes === 1);
      if (!sweepQueued) {
        sweepQueued = true;
        // A failed sweep loses nothing: a later transaction sweeps again, and a failed commit
        // already rejects the upserts beside it.
        void group
          .run(() => sql.sweep.run(nowMs, SWEEP_LIMIT))
          .catch(() => {})
          .finally(() => {
            sweepQueued = false;
          });
      }
      return fresh;
    },
  };
}
