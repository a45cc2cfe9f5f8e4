import type { UsageBucket, UsageCounts, UsageGranularity } from './records';
import type { UsageStore } from './storage';

/** A {@link UsageStore} the in-memory integration store can tell when an integration goes. */
export interface MemoryUsageStore extends UsageStore {
  /** Drops every row of `intId`. */
  forget(intId: string): void;
}

/** One integration's rows, by granularity, then by bucket start in epoch milliseconds. */
type IntegrationRows = Record<UsageGranularity, Map<number, UsageBucket>>;

const zeroCounts = (): UsageCounts => ({ success: 0, error: 0, rateLimited: 0, lastAtMs: null });

const latest = (a: number | null, b: number | null): number | null => (a === null ? b : b === null ? a : Math.max(a, b));

function addCounts(into: UsageCounts, counts: UsageCounts): void {
  into.success += counts.success;
  into.error += counts.error;
  into.rateLimited += counts.rateLimited;
  into.lastAtMs = latest(into.lastAtMs, counts.lastAtMs);
}

/**
 * Usage counters in process memory, one row per (integration, granularity, bucket start).
 *
 * @example
 * ```ts
 * const usage = memoryUsageStore();
 * await usage.add([{ intId, granularity: 'total', startMs: 0, success: 1, error: 0, rateLimited: 0, lastAtMs: nowMs }]);
 * await usage.totals(intId); // { success: 1, error: 0, rateLimited: 0, lastAtMs: nowMs }
 * ```
 */
export function memoryUsageStore(): MemoryUsageStore {
  const byIntegration = new Map<string, IntegrationRows>();

  const rowsOf = (intId: string): IntegrationRows => {
    const existing = byIntegration.get(intId);
    if (existing !== undefined) return existing;
    const created: IntegrationRows = { minute: new Map(), hour: new Map(), total: new Map() };
    byIntegration.set(intId, created);
    return created;
  };

  return {
    async add(deltas) {
      for (const delta of deltas) {
        const rows = rowsOf(delta.intId)[delta.granularity];
        const row = rows.get(delta.startMs) ?? { startMs: delta.startMs, ...zeroCounts() };
        addCounts(row, delta);
        rows.set(delta.startMs, row);
      }
    },

    async buckets(intId, granularity, fromMs, toMs) {
      const rows = byIntegration.get(intId)?.[granularity].values() ?? [];
      return [...rows]
        .filter((row) => row.startMs >= fromMs && row.startMs < toMs)
        .sort((a, b) => a.startMs - b.startMs)
        .map((row) => ({ ...row }));
    },

    async totals(intId) {
      const row = byIntegration.get(intId)?.total.get(0);
      const totals = zeroCounts();
      if (row !== undefined) addCounts(totals, row);
      return totals;
    },

    async summary() {
      const summary = zeroCounts();
      for (const rows of byIntegration.values()) {
        for (const row of rows.total.values()) addCounts(summary, row);
      }
      return summary;
    },

    async prune(granularity, beforeMs) {
      let removed = 0;
      for (const integrationRows of byIntegration.values()) {
        const rows = integrationRows[granularity];
        for (const startMs of rows.keys()) {
          if (startMs >= beforeMs) continue;
          rows.delete(startMs);
          removed++;
        }
      }
      return removed;
    },

    forget(intId) {
      byIntegration.delete(intId);
    },
  };
}
