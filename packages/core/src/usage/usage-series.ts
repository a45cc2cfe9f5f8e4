import { PorticoError } from '../errors';
import type { UsageBucket } from '../storage/records';
import type { Storage } from '../storage/storage';
import { DAY_MS, HOUR_MS, MINUTE_MS } from './usage-recorder';

/** One bucket of a usage series. */
export interface UsagePoint {
  /** Start of the bucket, epoch milliseconds (UTC). */
  startMs: number;
  /** Successful plus failed requests. */
  total: number;
  success: number;
  error: number;
  rateLimited: number;
}

/** Requests of one integration over time. */
export interface UsageSeries {
  intId: string;
  bucket: 'minute' | 'hour' | 'day';
  /** Every bucket from the one holding `fromMs` to the one before `toMs`, empty ones included. */
  points: UsagePoint[];
}

/**
 * More points than a chart can use, and a guard against a year of minutes in one answer.
 *
 * @example
 * ```ts
 * const toMs = Date.now();
 * const fromMs = toMs - 30 * 86_400_000;
 * // 30 days of minutes is 43,200 buckets, over the limit: ask for hours (720 buckets).
 * await gateway.usage(intId, { fromMs, toMs, bucket: 'hour' });
 * ```
 */
export const MAX_USAGE_POINTS = 10_000;

const sizes = { minute: MINUTE_MS, hour: HOUR_MS, day: DAY_MS } as const;

/** Reads a dense series: minute points from minute rows, hour and day points from hour rows. */
export async function usageSeries(
  storage: Storage,
  intId: string,
  query: { fromMs: number; toMs: number; bucket: UsageSeries['bucket'] },
): Promise<UsageSeries> {
  const size = sizes[query.bucket];
  const from = query.fromMs - (query.fromMs % size);
  const count = Math.ceil((query.toMs - from) / size);
  if (count > MAX_USAGE_POINTS) {
    throw new PorticoError('VALIDATION_FAILED', `The range holds ${count} buckets; at most ${MAX_USAGE_POINTS} are served.`, {
      fields: [{ path: 'toMs', message: `At most ${MAX_USAGE_POINTS} buckets` }],
    });
  }
  const points: UsagePoint[] = Array.from({ length: count }, (_, i) => ({
    startMs: from + i * size,
    total: 0,
    success: 0,
    error: 0,
    rateLimited: 0,
  }));
  const rows: UsageBucket[] = await storage.usage.buckets(
    intId,
    query.bucket === 'minute' ? 'minute' : 'hour',
    from,
    query.toMs,
  );
  for (const row of rows) {
    const point = points[Math.floor((row.startMs - from) / size)];
    if (!point) continue;
    point.success += row.success;
    point.error += row.error;
    point.rateLimited += row.rateLimited;
    point.total += row.success + row.error;
  }
  return { intId, bucket: query.bucket, points };
}
