import { PorticoError } from '../errors';
import { comparePositions, type CursorPosition } from './cursor';
import { readPage } from './read-page';
import type { DeliveryRecord } from './records';
import { insertSorted } from './sorted';
import type { OutboxStore } from './storage';

const positionOf = (delivery: DeliveryRecord): CursorPosition<string> => [delivery.createdAt, delivery.id];

/** A delivery without a next attempt is never due. */
const dueAtMs = (delivery: DeliveryRecord) => delivery.nextAttemptAt ?? Number.POSITIVE_INFINITY;

/** A delivery without a lease expiry is not leased. */
const leaseFreeAtMs = (delivery: DeliveryRecord) => delivery.leaseExpiresAt ?? Number.NEGATIVE_INFINITY;

/**
 * The outbox in process memory. Pending deliveries are also kept apart, so a claim looks only
 * at them, however long the history of settled ones grows.
 *
 * @example
 * ```ts
 * const outbox = memoryOutboxStore();
 * await outbox.enqueue(delivery);
 * const claimed = await outbox.claim({ owner: 'dispatcher-1', nowMs, leaseMs: 30_000, limit: 10 });
 * ```
 */
export function memoryOutboxStore(): OutboxStore {
  const byId = new Map<string, DeliveryRecord>();
  /** Ascending by (`createdAt`, `id`), which never change. */
  const ordered: DeliveryRecord[] = [];
  const pending = new Set<DeliveryRecord>();

  return {
    async enqueue(record) {
      if (byId.has(record.id)) throw new PorticoError('INTERNAL', `Delivery '${record.id}' is already in the outbox.`);
      const stored = structuredClone(record);
      byId.set(stored.id, stored);
      insertSorted(ordered, stored, positionOf);
      if (stored.status === 'pending') pending.add(stored);
    },

    async claim({ owner, nowMs, leaseMs, limit }) {
      const claimable = [...pending]
        .filter((delivery) => dueAtMs(delivery) <= nowMs && leaseFreeAtMs(delivery) <= nowMs)
        .sort((a, b) => dueAtMs(a) - dueAtMs(b) || comparePositions(positionOf(a), positionOf(b)))
        .slice(0, limit);
      for (const delivery of claimable) {
        delivery.leaseOwner = owner;
        delivery.leaseExpiresAt = nowMs + leaseMs;
      }
      return claimable.map((delivery) => structuredClone(delivery));
    },

    async settle(id, owner, settlement) {
      const stored = byId.get(id);
      if (stored === undefined || stored.leaseOwner !== owner) return false;
      const { status, attempts, nextAttemptAt, updatedAt } = structuredClone(settlement);
      Object.assign(stored, { status, attempts, nextAttemptAt, updatedAt, leaseOwner: null, leaseExpiresAt: null });
      if (status === 'pending') pending.add(stored);
      else pending.delete(stored);
      return true;
    },

    async get(id) {
      const stored = byId.get(id);
      return stored === undefined ? null : structuredClone(stored);
    },

    async requeue(id, nowMs) {
      const stored = byId.get(id);
      if (stored === undefined || stored.status !== 'failed') return null;
      Object.assign(stored, { status: 'pending', nextAttemptAt: nowMs, updatedAt: nowMs, leaseOwner: null, leaseExpiresAt: null });
      pending.add(stored);
      return structuredClone(stored);
    },

    async prune(beforeMs) {
      let removed = 0;
      for (let i = ordered.length - 1; i >= 0; i--) {
        const delivery = ordered[i] as DeliveryRecord;
        if (delivery.status === 'pending' || delivery.updatedAt >= beforeMs) continue;
        ordered.splice(i, 1);
        byId.delete(delivery.id);
        removed++;
      }
      return removed;
    },

    async list(query) {
      const page = readPage({
        items: ordered,
        descending: true,
        cursor: query.cursor,
        tie: 'string',
        limit: query.limit,
        matches: (delivery) =>
          (query.intId === undefined || delivery.intId === query.intId) &&
          (query.status === undefined || delivery.status === query.status),
        positionOf,
      });
      return { ...page, items: page.items.map((delivery) => structuredClone(delivery)) };
    },
  };
}
