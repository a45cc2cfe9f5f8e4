// Usage counters of docs/operations.md, read in process.

// #region usage
import type { Gateway } from '@portico/core';

/** Requests of one integration per minute over the last hour, oldest first, empty minutes included. */
export async function lastHourByMinute(gateway: Gateway, intId: string) {
  const toMs = Date.now();
  const { points } = await gateway.usage(intId, { fromMs: toMs - 3_600_000, toMs, bucket: 'minute' });
  // `total` is success + error; requests refused by the rate limit are counted apart.
  return points.map(({ startMs, total, error, rateLimited }) => ({ minute: new Date(startMs).toISOString(), total, error, rateLimited }));
}
// #endregion usage
