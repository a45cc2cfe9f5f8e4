import type { UsageBucket, UsageCounts, UsageDelta, UsageStore } from '@portico/core';
import type { Database } from './database';

const COUNTS = 'success, error, rate_limited AS "rateLimited", last_at_ms AS "lastAtMs"';

const rowKey = (delta: UsageDelta) => JSON.stringify([delta.intId, delta.granularity, delta.startMs]);

/**
 * The one order in which every writer of usage rows (this store, the inbox's acceptances)
 * updates them, so concurrent statements lock shared rows in the same order and never deadlock.
 *
 * @example
 * ```ts
 * const sorted = [...deltas].sort(compareUsageRows);
 * ```
 */
export function compareUsageRows(a: UsageDelta, b: UsageDelta): number {
  const byText = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
  return byText(a.intId, b.intId) || byText(a.granularity, b.granularity) || a.startMs - b.startMs;
}

/** The upsert that adds the counts of a row to the stored row; the target is aliased `counter`. */
export const ADD_TO_COUNTER = `ON CONFLICT (int_id, granularity, start_ms) DO UPDATE SET
  success = counter.success + EXCLUDED.success,
  error = counter.error + EXCLUDED.error,
  rate_limited = counter.rate_limited + EXCLUDED.rate_limited,
  last_at_ms = GREATEST(counter.last_at_ms, EXCLUDED.last_at_ms)`;

/**
 * One delta per row, in {@link compareUsageRows} order. PostgreSQL refuses to update a row
 * twice in one `INSERT … ON CONFLICT`, so deltas of one row are summed first.
 */
function mergeByRow(deltas: UsageDelta[]): UsageDelta[] {
  const merged = new Map<string, UsageDelta>();
  for (const delta of deltas) {
    const key = rowKey(delta);
    const row = merged.get(key);
    if (row === undefined) {
      merged.set(key, { ...delta });
      continue;
    }
    row.success += delta.success;
    row.error += delta.error;
    row.rateLimited += delta.rateLimited;
    row.lastAtMs = Math.max(row.lastAtMs, delta.lastAtMs);
  }
  return [...merged.values()].sort(compareUsageRows);
}

/**
 * Usage counters in PostgreSQL, one row per (integration, granularity, bucket start), each
 * increment an atomic upsert.
 *
 * @example
 * ```ts
 * const usage = postgresUsageStore(createDatabase(pool, tablesIn('portico')));
 * await usage.add([{ intId, granularity: 'total', startMs: 0, success: 1, error: 0, rateLimited: 0, lastAtMs: nowMs }]);
 * ```
 */
export function postgresUsageStore(db: Database): UsageStore {
  const { usage } = db.tables;

  return {
    async add(deltas) {
      const rows = mergeByRow(deltas);
      if (rows.length === 0) return;
      await db.query(
        `INSERT INTO ${usage} AS counter (int_id, granularity, start_ms, success, error, rate_limited, last_at_ms)
         SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::bigint[], $6::bigint[], $7::bigint[])
         ${ADD_TO_COUNTER}`,
        [
          rows.map((row) => row.intId),
          rows.map((row) => row.granularity),
          rows.map((row) => row.startMs),
          rows.map((row) => row.success),
          rows.map((row) => row.error),
          rows.map((row) => row.rateLimited),
          rows.map((row) => row.lastAtMs),
        ],
      );
    },

    async buckets(intId, granularity, fromMs, toMs) {
      const { rows } = await db.query<UsageBucket>(
        `SELECT start_ms AS "startMs", ${COUNTS} FROM ${usage}
         WHERE int_id = $1 AND granularity = $2 AND start_ms >= $3 AND start_ms < $4
         ORDER BY start_ms`,
        [intId, granularity, fromMs, toMs],
      );
      return rows;
    },

    async totals(intId) {
      const { rows } = await db.query<UsageCounts>(
        `SELECT ${COUNTS} FROM ${usage} WHERE int_id = $1 AND granularity = 'total' AND start_ms = 0`,
        [intId],
      );
      return rows[0] ?? { success: 0, error: 0, rateLimited: 0, lastAtMs: null };
    },

    async summary() {
      const { rows } = await db.query<UsageCounts>(
        `SELECT coalesce(sum(success), 0)::bigint AS success, coalesce(sum(error), 0)::bigint AS error,
                coalesce(sum(rate_limited), 0)::bigint AS "rateLimited", max(last_at_ms) AS "lastAtMs"
         FROM ${usage} WHERE granularity = 'total'`,
      );
      return rows[0] ?? { success: 0, error: 0, rateLimited: 0, lastAtMs: null };
    },

    async prune(granularity, beforeMs) {
      const { rowCount } = await db.query(`DELETE FROM ${usage} WHERE granularity = $1 AND start_ms < $2`, [granularity, beforeMs]);
      return rowCount ?? 0;
    },
  };
}
