import type { UsageDelta, UsageGranularity } from './records';

const bucketMs: Record<UsageGranularity, number> = { minute: 60_000, hour: 3_600_000, total: 0 };

/**
 * The rows one counted request adds to: its minute, its hour and the integration's total.
 * Stores that count an accepted webhook inside their own transaction use it, as the usage
 * recorder does for everything else.
 *
 * @example
 * ```ts
 * usageDeltas('GW-0000000A', Date.UTC(2026, 0, 1, 10, 30, 15), { success: 1 }).map((d) => d.startMs);
 * // [Date.UTC(2026, 0, 1, 10, 30), Date.UTC(2026, 0, 1, 10), 0]
 * ```
 */
export function usageDeltas(
  intId: string,
  atMs: number,
  counts: Partial<Pick<UsageDelta, 'success' | 'error' | 'rateLimited'>>,
): UsageDelta[] {
  return (['minute', 'hour', 'total'] as const).map((granularity) => {
    const size = bucketMs[granularity];
    return {
      intId,
      granularity,
      startMs: size === 0 ? 0 : atMs - (atMs % size),
      success: counts.success ?? 0,
      error: counts.error ?? 0,
      rateLimited: counts.rateLimited ?? 0,
      lastAtMs: atMs,
    };
  });
}
