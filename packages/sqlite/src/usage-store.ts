import type { UsageBucket, UsageCounts, UsageDelta, UsageGranularity, UsageStore } from '@portico/core';
import type Database from 'better-sqlite3';

type SeriesGranularity = Exclude<UsageGranularity, 'total'>;

const COUNTS = 'success, error, rate_limited AS rateLimited, last_at_ms AS lastAtMs';

const zeroCounts = (): UsageCounts => ({ success: 0, error: 0, rateLimited: 0, lastAtMs: null });

/**
 * Prepares the upsert that adds one delta to its usage row, for writes that count usage inside
 * a transaction of their own (an inbox acceptance) as well as for {@link sqliteUsageStore}.
 *
 * @example
 * ```ts
 * const addDelta = usageDeltaAdder(db);
 * db.transaction(() => usageDeltas(intId, nowMs, { success: 1 }).forEach(addDelta)).immediate();
 * ```
 */
export function usageDeltaAdder(db: Database.Database): (delta: UsageDelta) => void {
  const upsert = db.prepare<UsageDelta>(
    `INSERT INTO usage_counters (int_id, granularity, start_ms, success, error, rate_limited, last_at_ms)
     VALUES (@intId, @granularity, @startMs, @success, @error, @rateLimited, @lastAtMs)
     ON CONFLICT (int_id, granularity, start_ms) DO UPDATE SET
       success = success + excluded.success,
       error = error + excluded.error,
       rate_limited = rate_limited + excluded.rate_limited,
       last_at_ms = max(last_at_ms, excluded.last_at_ms)`,
  );
  return (delta) => {
    upsert.run(delta);
  };
}

/**
 * Usage counters in SQLite, one row per (integration, granularity, bucket start). Each delta is
 * an `INSERT ... ON CONFLICT DO UPDATE` adding to its row, one after the other in one
 * transaction, so deltas of one row given in the same call add up.
 *
 * @example
 * ```ts
 * const usage = sqliteUsageStore(db);
 * await usage.add([{ intId, granularity: 'total', startMs: 0, success: 1, error: 0, rateLimited: 0, lastAtMs: nowMs }]);
 * ```
 */
export function sqliteUsageStore(db: Database.Database): UsageStore {
  const addDelta = usageDeltaAdder(db);
  const sql = {
    buckets: db.prepare<[string, SeriesGranularity, number, number], UsageBucket>(
      `SELECT start_ms AS startMs, ${COUNTS} FROM usage_counters
       WHERE int_id = ? AND granularity = ? AND start_ms >= ? AND start_ms < ? ORDER BY start_ms`,
    ),
    totals: db.prepare<[string], UsageCounts>(
      `SELECT ${COUNTS} FROM usage_counters WHERE int_id = ? AND granularity = 'total' AND start_ms = 0`,
    ),
    summary: db.prepare<[], UsageCounts>(
      `SELECT coalesce(sum(success), 0) AS success, coalesce(sum(error), 0) AS error,
         coalesce(sum(rate_limited), 0) AS rateLimited, max(last_at_ms) AS lastAtMs
       FROM usage_counters WHERE granularity = 'total'`,
    ),
    prune: db.prepare<[SeriesGranularity, number]>('DELETE FROM usage_counters WHERE granularity = ? AND start_ms < ?'),
  };

  const add = db.transaction((deltas: UsageDelta[]) => {
    for (const delta of deltas) addDelta(delta);
  });

  return {
    async add(deltas) {
      if (deltas.length > 0) add.immediate(deltas);
    },

    async buckets(intId, granularity, fromMs, toMs) {
      return sql.buckets.all(intId, granularity, fromMs, toMs);
    },

    async totals(intId) {
      return sql.totals.get(intId) ?? zeroCounts();
    },

    async summary() {
      return sql.summary.get() ?? zeroCounts();
    },

    async prune(granularity, beforeMs) {
      return sql.prune.run(granularity, beforeMs).changes;
    },
  };
}
