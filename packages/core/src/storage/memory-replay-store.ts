import { expiringFingerprints } from './expiring-fingerprints';
import type { ReplayStore } from './storage';

/**
 * Replay memory in process, as salted 64-bit fingerprints of `[scope, id]` in typed arrays: about
 * 30 bytes a live id, off the JavaScript heap, where a `Map` of strings took about 140. At full
 * rate a million ids can be live at once. Expired ids are dropped as the table is rebuilt.
 *
 * @example
 * ```ts
 * const replay = memoryReplayStore();
 * await replay.remember('GW-0000000A', 'msg_1', 300_000, nowMs); // true
 * await replay.remember('GW-0000000A', 'msg_1', 300_000, nowMs); // false: a replay
 * ```
 */
export function memoryReplayStore(): ReplayStore {
  const remembered = expiringFingerprints();
  // The length prefix keeps every (scope, id) pair's text distinct.
  const textOf = (scope: string, id: string) => `${scope.length}:${scope}${id}`;
  return {
    async remember(scope, id, ttlMs, nowMs) {
      return remembered.add(textOf(scope, id), nowMs + ttlMs, nowMs);
    },
    async seen(scope, id, nowMs) {
      return remembered.has(textOf(scope, id), nowMs);
    },
  };
}
