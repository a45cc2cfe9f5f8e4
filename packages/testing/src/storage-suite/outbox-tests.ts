import type { DeliveryRecord, DeliverySettlement, DeliveryStatus, Storage } from '@portico/core';
import { describe, expect, it } from 'vitest';
import { MINUTE_MS, T0, makeDeliveryRecord } from './fixtures';
import { leaseQueueTests } from './lease-queue-tests';
import { readAllPages } from './read-all-pages';

const sortedIds = (deliveries: DeliveryRecord[]) => deliveries.map((delivery) => delivery.id).sort();

/** The settlement of one attempt at `at` that left the delivery `status`, due again at `nextAttemptAt`. */
const settled = (status: DeliveryStatus, at: number, nextAttemptAt: number | null = null): DeliverySettlement => {
  const answer = status === 'delivered' ? { statusCode: 200, error: '' } : { statusCode: 503, error: 'HTTP 503' };
  return { status, attempts: [{ at, ...answer, durationMs: 42 }], nextAttemptAt, updatedAt: at + 42 };
};

/**
 * The contract of {@link Storage.outbox}: enqueueing and retention, and the leasing it shares with
 * the inbox (see {@link leaseQueueTests}).
 *
 * @example
 * ```ts
 * describe('my store', () => outboxStoreTests(() => storage));
 * ```
 */
export function outboxStoreTests(storage: () => Storage): void {
  const store = () => storage().outbox;
  const enqueueAll = async (deliveries: DeliveryRecord[]) => {
    for (const delivery of deliveries) await store().enqueue(delivery);
  };

  describe('outbox', () => {
    it('stores a delivery and gets it back as written', async () => {
      const delivery = makeDeliveryRecord({ attempts: [{ at: T0 - 5, statusCode: null, error: 'ECONNREFUSED', durationMs: 3 }] });
      await store().enqueue(delivery);
      expect(await store().get(delivery.id)).toEqual(delivery);
      expect(await store().get(makeDeliveryRecord().id)).toBeNull();
    });

    it('rejects a second delivery with a taken id and keeps the first', async () => {
      const delivery = makeDeliveryRecord();
      await store().enqueue(delivery);
      await expect(store().enqueue({ ...delivery, event: 'other' })).rejects.toThrow();
      expect(await store().get(delivery.id)).toEqual(delivery);
    });

    leaseQueueTests({
      store,
      make: (overrides, createdAt = T0) => makeDeliveryRecord({ ...overrides, createdAt }),
      add: enqueueAll,
      settlement: settled,
      timeField: 'createdAt',
      names: { record: 'delivery', aRecord: 'a delivery', added: 'enqueued', attempt: 'attempt' },
    });

    it('prunes settled deliveries updated before a time, never pending ones', async () => {
      const old = { status: 'delivered' as const, nextAttemptAt: null, updatedAt: T0 - MINUTE_MS };
      const deliveries = [
        makeDeliveryRecord(old),
        makeDeliveryRecord({ ...old, status: 'failed' }),
        makeDeliveryRecord({ updatedAt: T0 - MINUTE_MS }),
        makeDeliveryRecord({ status: 'delivered', nextAttemptAt: null, updatedAt: T0 }),
      ];
      await enqueueAll(deliveries);
      expect(await store().prune(T0)).toBe(2);
      const { items } = await readAllPages((cursor) => store().list({ cursor, limit: 10 }));
      expect(sortedIds(items)).toEqual(sortedIds(deliveries.slice(2)));
      expect(await store().get(deliveries[0]!.id)).toBeNull();
    });
  });
}
