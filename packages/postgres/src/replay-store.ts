import type { ReplayStore } from '@portico/core';
import type { Database } from './database';

/** Every this many ids remembered, one store also deletes the ids that have expired, so the table stays small. */
const SWEEP_EVERY_IDS = 1000;

/** Counts remembered ids and now and then deletes expired ones; see {@link replaySweep}. */
export type ReplaySweep = (ids: number, nowMs: number) => Promise<void>;

/**
 * Counts the ids a store remembers and, once every {@link SWEEP_EVERY_IDS}, deletes those
 * expired at `nowMs`. The replay store and the inbox, which remembers ids as it accepts
 * webhooks, share one count.
 *
 * @example
 * ```ts
 * const sweep = replaySweep(db);
 * await sweep(batch.length, nowMs); // before the statement that remembers the batch's ids
 * ```
 */
export function replaySweep(db: Database): ReplaySweep {
  let count = 0;
  return async (ids, nowMs) => {
    count += ids;
    if (count < SWEEP_EVERY_IDS) return;
    count %= SWEEP_EVERY_IDS;
    // Rows another statement has locked are left for the next sweep: a sweep that waited for
    // them while holding others could deadlock with an inbox batch locking ids in its own order.
    const { replay } = db.tables;
    await db.query(
      `DELETE FROM ${replay} WHERE (scope, id) IN (SELECT scope, id FROM ${replay} WHERE expires_at <= $1 FOR UPDATE SKIP LOCKED)`,
      [nowMs],
    );
  };
}

/**
 * Replay memory in PostgreSQL: one upsert that writes only when the id is new or expired, so
 * of concurrent callers exactly one sees its write land.
 *
 * @example
 * ```ts
 * const replay = postgresReplayStore(createDatabase(pool, tablesIn('portico')), sweep);
 * await replay.remember('GW-0000000A', 'msg_1', 300_000, nowMs); // true, then false until it expires
 * await replay.seen('GW-0000000A', 'msg_1', nowMs); // true
 * ```
 */
export function postgresReplayStore(db: Database, sweep: ReplaySweep = replaySweep(db)): ReplayStore {
  const { replay } = db.tables;

  return {
    async remember(scope, id, ttlMs, nowMs) {
      // Before the insert, so a failed sweep fails the call without having recorded the id.
      await sweep(1, nowMs);
      const { rowCount } = await db.query(
        `INSERT INTO ${replay} AS seen (scope, id, expires_at) VALUES ($1, $2, $3)
         ON CONFLICT (scope, id) DO UPDATE SET expires_at = EXCLUDED.expires_at WHERE seen.expires_at <= $4`,
        [scope, id, nowMs + ttlMs, nowMs],
      );
      return rowCount === 1;
    },

    async seen(scope, id, nowMs) {
      const { rows } = await db.query<{ live: boolean }>(
        `SELECT EXISTS (SELECT 1 FROM ${replay} WHERE scope = $1 AND id = $2 AND expires_at > $3) AS live`,
        [scope, id, nowMs],
      );
      return rows[0]?.live === true;
    },
  };
}
