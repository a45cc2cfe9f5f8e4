import type { ReplayStore } from './storage';

/** Below this many remembered ids, expired ones are not worth sweeping. */
const MIN_SWEEP_SIZE = 1024;

/**
 * Replay memory in process. Expired ids are swept whenever the map has doubled since the last
 * sweep, so memory stays within twice the ids still live, at a constant cost per call.
 *
 * @example
 * ```ts
 * const replay = memoryReplayStore();
 * await replay.remember('GW-0000000A', 'msg_1', 300_000, nowMs); // true
 * await replay.remember('GW-0000000A', 'msg_1', 300_000, nowMs); // false: a replay
 * ```
 */
export function memoryReplayStore(): ReplayStore {
  /** Expiry in epoch milliseconds, by `[scope, id]` as JSON (unambiguous, whatever they hold). */
  const expiresAtMs = new Map<string, number>();
  let sweepAtSize = MIN_SWEEP_SIZE;

  const sweep = (nowMs: number) => {
    for (const [key, expiry] of expiresAtMs) {
      if (expiry <= nowMs) expiresAtMs.delete(key);
    }
    sweepAtSize = Math.max(MIN_SWEEP_SIZE, expiresAtMs.size * 2);
  };

  return {
    async remember(scope, id, ttlMs, nowMs) {
      const key = JSON.stringify([scope, id]);
      const expiry = expiresAtMs.get(key);
      if (expiry !== undefined && expiry > nowMs) return false;
      expiresAtMs.set(key, nowMs + ttlMs);
      if (expiresAtMs.size >= sweepAtSize) sweep(nowMs);
      return true;
    },
  };
}
