import { PorticoError } from '../errors';
import { memoryLeaseQueue } from './memory-lease-queue';
import type { DeliveryRecord } from './records';
import type { OutboxStore } from './storage';

/**
 * The outbox in process memory.
 *
 * @example
 * ```ts
 * const outbox = memoryOutboxStore();
 * await outbox.enqueue(delivery);
 * const claimed = await outbox.claim({ owner: 'dispatcher-1', nowMs, leaseMs: 30_000, limit: 10 });
 * ```
 */
export function memoryOutboxStore(): OutboxStore {
  const queue = memoryLeaseQueue<DeliveryRecord>((delivery) => delivery.createdAt);

  return {
    async enqueue(record) {
      if (queue.has(record.id)) throw new PorticoError('INTERNAL', `Delivery '${record.id}' is already in the outbox.`);
      queue.add(record);
    },
    claim: async (claim) => queue.claim(claim),
    settle: async (id, owner, settlement) => queue.settle(id, owner, settlement),
    get: async (id) => queue.get(id),
    requeue: async (id, nowMs) => queue.requeue(id, nowMs),
    prune: async (beforeMs) => queue.prune((delivery) => delivery.status !== 'pending' && delivery.updatedAt < beforeMs).removed,
    list: async (query) => queue.list(query),
  };
}
