import type { ReplayStore } from '@portico/core';
import type Database from 'better-sqlite3';

/**
 * Expired ids each call removes at most. More than the one id a call adds, so expired ids never
 * pile up, yet a call's cost stays bounded however many expire at once.
 */
const SWEEP_LIMIT = 16;

/**
 * Replay memory in SQLite. Remembering is one upsert that writes only when the id is new or
 * expired, so of concurrent callers, on any number of connections, exactly one sees a change.
 *
 * @example
 * ```ts
 * const replay = sqliteReplayStore(db);
 * await replay.remember('GW-0000000A', 'msg_1', 300_000, nowMs); // true
 * await replay.remember('GW-0000000A', 'msg_1', 300_000, nowMs); // false: a replay
 * ```
 */
export function sqliteReplayStore(db: Database.Database): ReplayStore {
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

  const remember = db.transaction((scope: string, id: string, ttlMs: number, nowMs: number) => {
    const fresh = sql.remember.run({ scope, id, expiresAt: nowMs + ttlMs, nowMs }).changes === 1;
    sql.sweep.run(nowMs, SWEEP_LIMIT);
    return fresh;
  });

  return {
    async remember(scope, id, ttlMs, nowMs) {
      return remember.immediate(scope, id, ttlMs, nowMs);
    },
  };
}
