import { comparePositions, type CursorPosition } from './cursor';
import { readPage } from './read-page';
import type { LeaseClaim, LeasedRecord, LeaseSettlement, Page } from './records';
import { insertSorted } from './sorted';

/** A record that is never due, or not leased, sorts as such. */
const dueAtMs = (record: LeasedRecord) => record.nextAttemptAt ?? Number.POSITIVE_INFINITY;
const leaseFreeAtMs = (record: LeasedRecord) => record.leaseExpiresAt ?? Number.NEGATIVE_INFINITY;

/**
 * The leasing of the memory outbox and inbox: records kept ascending by a fixed time and id,
 * pending ones also apart so a claim looks only at them, however long the settled history grows.
 * Every method does its check and its write in one synchronous step.
 *
 * @example
 * ```ts
 * const queue = memoryLeaseQueue<DeliveryRecord>((delivery) => delivery.createdAt);
 * queue.add(delivery);
 * const claimed = queue.claim({ owner: 'dispatcher-1', nowMs, leaseMs: 30_000, limit: 10 });
 * ```
 */
export function memoryLeaseQueue<T extends LeasedRecord>(timeOf: (record: T) => number) {
  const byId = new Map<string, T>();
  /** Ascending by (`timeOf`, `id`), which never change. */
  const ordered: T[] = [];
  const pending = new Set<T>();
  const positionOf = (record: T): CursorPosition<string> => [timeOf(record), record.id];
  const copy = (record: T): T => ({ ...record, attempts: record.attempts.map((attempt) => ({ ...(attempt as object) })) });

  function remove(record: T, index: number): void {
    ordered.splice(index, 1);
    byId.delete(record.id);
    pending.delete(record);
  }

  return {
    has: (id: string) => byId.has(id),
    size: () => ordered.length,

    add(record: T): void {
      const stored = copy(record);
      byId.set(stored.id, stored);
      insertSorted(ordered, stored, positionOf);
      if (stored.status === 'pending') pending.add(stored);
    },

    claim({ owner, nowMs, leaseMs, limit }: LeaseClaim): T[] {
      const claimable = [...pending]
        .filter((record) => dueAtMs(record) <= nowMs && leaseFreeAtMs(record) <= nowMs)
        .sort((a, b) => dueAtMs(a) - dueAtMs(b) || comparePositions(positionOf(a), positionOf(b)))
        .slice(0, limit);
      for (const record of claimable) {
        record.leaseOwner = owner;
        record.leaseExpiresAt = nowMs + leaseMs;
      }
      return claimable.map(copy);
    },

    settle(id: string, owner: string, settlement: LeaseSettlement<T>): boolean {
      const stored = byId.get(id);
      if (stored === undefined || stored.leaseOwner !== owner) return false;
      const { status, attempts, nextAttemptAt, updatedAt } = settlement;
      Object.assign(stored, { status, attempts: attempts.map((attempt) => ({ ...(attempt as object) })), nextAttemptAt, updatedAt, leaseOwner: null, leaseExpiresAt: null });
      if (status === 'pending') pending.add(stored);
      else pending.delete(stored);
      return true;
    },

    get(id: string): T | null {
      const stored = byId.get(id);
      return stored === undefined ? null : copy(stored);
    },

    requeue(id: string, nowMs: number): T | null {
      const stored = byId.get(id);
      if (stored === undefined || stored.status !== 'failed') return null;
      Object.assign(stored, { status: 'pending', nextAttemptAt: nowMs, updatedAt: nowMs, leaseOwner: null, leaseExpiresAt: null });
      pending.add(stored);
      return copy(stored);
    },

    /** Removes, newest first, the records `expired` says; returns how many of them were pending. */
    prune(expired: (record: T) => boolean): { removed: number; pending: number } {
      let removed = 0;
      let wasPending = 0;
      for (let i = ordered.length - 1; i >= 0; i--) {
        const record = ordered[i] as T;
        if (!expired(record)) continue;
        if (record.status === 'pending') wasPending++;
        remove(record, i);
        removed++;
      }
      return { removed, pending: wasPending };
    },

    /**
     * Past `max` records, removes the oldest down to nine tenths of it (so a full queue sheds
     * once per many insertions, not on each), settled ones before pending ones; returns how many
     * pending went.
     */
    cap(max: number): number {
      if (ordered.length <= max) return 0;
      const target = max - Math.floor(max / 10);
      // The scan for settled records stops once none is left: with every record pending (no
      // handler registered) it would otherwise walk them all.
      let settled = ordered.length - pending.size;
      for (let i = 0; i < ordered.length && ordered.length > target && settled > 0; ) {
        const record = ordered[i] as T;
        if (record.status === 'pending') i++;
        else {
          remove(record, i);
          settled--;
        }
      }
      const oldest = ordered.splice(0, Math.max(0, ordered.length - target));
      for (const record of oldest) {
        byId.delete(record.id);
        pending.delete(record);
      }
      return oldest.length;
    },

    list(query: { intId?: string; status?: string; cursor?: string; limit: number }): Page<T> {
      const page = readPage({
        items: ordered,
        descending: true,
        cursor: query.cursor,
        tie: 'string',
        limit: query.limit,
        matches: (record) =>
          (query.intId === undefined || record.intId === query.intId) && (query.status === undefined || record.status === query.status),
        positionOf,
      });
      return { ...page, items: page.items.map(copy) };
    },
  };
}
