import { PorticoError } from '../errors';
import { memoryLeaseQueue } from './memory-lease-queue';
import type { InboxRecord } from './records';
import type { InboxStore, LogStore, ReplayStore, UsageStore } from './storage';
import { usageDeltas } from './usage-deltas';

/**
 * Events memory storage holds at most by default: a process that keeps everything in memory
 * cannot keep every webhook it ever took.
 */
export const DEFAULT_MEMORY_INBOX_EVENTS = 10_000;

/**
 * The inbox in process memory. An acceptance writes the replay id, the event, the log entry and
 * the usage count one after the other with nothing that can fail between them; none of it
 * survives the process. At most `maxEvents` are held: the oldest settled events go first, then,
 * when every held event is still pending, the oldest pending ones (counted by `dropped()`).
 *
 * @example
 * ```ts
 * const inbox = memoryInboxStore({ replay, logs, usage }, 10_000);
 * const fresh = await inbox.accept({ event, replayTtlMs: 300_000, log: entry });
 * ```
 */
export function memoryInboxStore(
  stores: { replay: ReplayStore; logs: LogStore; usage: UsageStore },
  maxEvents = DEFAULT_MEMORY_INBOX_EVENTS,
): InboxStore & { dropped(): number } {
  const queue = memoryLeaseQueue<InboxRecord>((event) => event.receivedAt);
  let dropped = 0;
  /*
   * Ids of acceptances between their check and their insertion: the replay memory answers
   * asynchronously, and a concurrent acceptance of the same id must not pass the check meanwhile.
   */
  const accepting = new Set<string>();

  return {
    async accept({ event, replayTtlMs, log }) {
      if (queue.has(event.id) || accepting.has(event.id)) {
        throw new PorticoError('INTERNAL', `Event '${event.id}' is already in the inbox.`);
      }
      const { intId, messageId, receivedAt } = event;
      accepting.add(event.id);
      try {
        if (replayTtlMs !== null && messageId !== null && !(await stores.replay.remember(intId, messageId, replayTtlMs, receivedAt))) {
          return false;
        }
        queue.add(event);
      } finally {
        accepting.delete(event.id);
      }
      dropped += queue.cap(maxEvents);
      await stores.logs.append([log]);
      await stores.usage.add(usageDeltas(intId, receivedAt, { success: 1 }));
      return true;
    },
    claim: async (claim) => queue.claim(claim),
    settle: async (id, owner, settlement) => queue.settle(id, owner, settlement),
    get: async (id) => queue.get(id),
    requeue: async (id, nowMs) => queue.requeue(id, nowMs),
    async prune(beforeMs) {
      const { removed, pending } = queue.prune((event) =>
        event.status === 'pending' ? event.receivedAt < beforeMs : event.updatedAt < beforeMs,
      );
      return { settled: removed - pending, unhandled: pending };
    },
    list: async (query) => queue.list(query),
    dropped: () => dropped,
  };
}
