import type { Clock } from '../clock';
import { createBatchFlusher } from '../batch-flusher';
import type { Logger } from '../logger';
import type { UsageDelta } from '../storage/records';
import { usageDeltas } from '../storage/usage-deltas';
import type { Storage } from '../storage/storage';

/** How a counted request ended. */
export type UsageOutcome = 'success' | 'error' | 'rate_limited';

/** Batching and retention of usage counters. */
export interface UsageOptions {
  /** Longest a count waits in memory before it is written. Default 1,000 ms. */
  flushIntervalMs?: number;
  /** Per-minute rows older than this are removed. Default 7 days. */
  minuteRetentionMs?: number;
  /** Per-hour rows older than this are removed. Default 400 days. */
  hourRetentionMs?: number;
  /** How often retention runs. Default 1 hour. */
  pruneIntervalMs?: number;
  /**
   * Rows kept in memory while storage is slow or down. Beyond it the oldest per-minute rows,
   * then per-hour rows, are dropped: the series lose resolution, the totals stay exact.
   * Default 100,000.
   */
  maxBufferedRows?: number;
}

/** Counts requests per integration in memory and adds them to storage in batches. */
export interface UsageRecorder {
  record(intId: string, outcome: UsageOutcome, atMs: number): void;
  flush(): Promise<void>;
  /**
   * Arranges a flush within the flush interval, which applies retention when it is due: for
   * writes made around the buffer (an accepted webhook's, committed by the inbox).
   */
  schedule(): void;
}

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

const countsOf = { success: { success: 1 }, error: { error: 1 }, rate_limited: { rateLimited: 1 } } as const;

/**
 * Creates the recorder. Counts for one row are summed in memory, so a burst of a thousand
 * webhooks costs three row updates at flush time, not three thousand.
 */
export function createUsageRecorder(deps: { storage: Storage; clock: Clock; logger: Logger }, options: UsageOptions = {}): UsageRecorder {
  const { storage, clock, logger } = deps;
  const minuteRetentionMs = options.minuteRetentionMs ?? 7 * DAY_MS;
  const hourRetentionMs = options.hourRetentionMs ?? 400 * DAY_MS;
  const pruneIntervalMs = options.pruneIntervalMs ?? HOUR_MS;
  const maxBufferedRows = options.maxBufferedRows ?? 100_000;
  let pending = new Map<string, UsageDelta>();

  /*
   * Each count is in a minute row, an hour row and the total row, so the oldest minute rows, then
   * hour rows, can go without losing a count from the totals. Down to nine tenths of the bound,
   * so a full buffer sheds once per many new rows, not on each.
   */
  function shed(): void {
    const target = Math.floor(maxBufferedRows * 0.9);
    let dropped = 0;
    for (const granularity of ['minute', 'hour'] as const) {
      for (const [key, row] of pending) {
        if (pending.size <= target) break;
        if (row.granularity !== granularity) continue;
        pending.delete(key);
        dropped++;
      }
    }
    if (dropped > 0) logger.warn('Usage buffer full; oldest per-minute and per-hour rows dropped, totals kept', { dropped });
  }

  function add(delta: UsageDelta) {
    const key = `${delta.intId}\u0000${delta.granularity}\u0000${delta.startMs}`;
    const row = pending.get(key);
    if (!row) {
      pending.set(key, delta);
      if (pending.size > maxBufferedRows) shed();
      return;
    }
    row.success += delta.success;
    row.error += delta.error;
    row.rateLimited += delta.rateLimited;
    row.lastAtMs = Math.max(row.lastAtMs, delta.lastAtMs);
  }

  const flusher = createBatchFlusher(
    {
      async write() {
        if (pending.size === 0) return true;
        const rows = [...pending.values()];
        pending = new Map();
        try {
          await storage.usage.add(rows);
          return true;
        } catch (error) {
          for (const row of rows) add(row);
          logger.error('Writing usage counters failed; counts stay buffered', { error, rows: rows.length });
          return false;
        }
      },
      async prune(nowMs) {
        await storage.usage.prune('minute', nowMs - minuteRetentionMs);
        await storage.usage.prune('hour', nowMs - hourRetentionMs);
      },
    },
    { clock, logger },
    { flushIntervalMs: options.flushIntervalMs ?? 1_000, pruneIntervalMs, what: 'usage counters' },
  );

  return {
    record(intId, outcome, atMs) {
      for (const delta of usageDeltas(intId, atMs, countsOf[outcome])) add(delta);
      flusher.schedule();
    },
    flush: flusher.flush,
    schedule: flusher.schedule,
  };
}
