import type { ReplayStore } from '@portico/core';
import type { Database } from './database';

/** Every this many calls, one store also deletes the ids that have expired, so the table stays small. */
const SWEEP_EVERY_CALLS = 1000;

/**
 * Replay memory in PostgreSQL: one upsert that writes only when the id is new or expired, so
 * of concurrent callers exactly one sees its write land.
 *
 * @example
 * ```ts
 * const replay = postgresReplayStore(createDatabase(pool, tablesIn('portico')));
 * await replay.remember('GW-0000000A', 'msg_1', 300_000, nowMs); // true, then false until it expires
 * ```
 */
export function postgresReplayStore(db: Database): ReplayStore {
  const { replay } = db.tables;
  let calls = 0;

  return {
    async remember(scope, id, ttlMs, nowMs) {
      // Before the insert, so a failed sweep fails the call without having recorded the id.
      calls = (calls + 1) % SWEEP_EVERY_CALLS;
      if (calls === 0) await db.query(`DELETE FROM ${replay} WHERE expires_at <= $1`, [nowMs]);
      const { rowCount } = await db.query(
        `INSERT INTO ${replay} AS seen (scope, id, expires_at) VALUES ($1, $2, $3)
         ON CONFLICT (scope, id) DO UPDATE SET expires_at = EXCLUDED.expires_at WHERE seen.expires_at <= $4`,
        [scope, id, nowMs + ttlMs, nowMs],
      );
      return rowCount === 1;
    },
  };
}
