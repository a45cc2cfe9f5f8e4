import type { DeliveryQuery, DeliveryRecord, DeliverySettlement, Storage } from '@portico/core';
import { describe, expect, it } from 'vitest';
import { MINUTE_MS, T0, makeDeliveryRecord, randomIntegrationId } from './fixtures';
import { readAllPages } from './read-all-pages';

const LEASE_MS = 30_000;

const byNewest = (a: DeliveryRecord, b: DeliveryRecord) =>
  b.createdAt - a.createdAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

const sortedIds = (deliveries: DeliveryRecord[]) => deliveries.map((delivery) => delivery.id).sort();

const delivered = (at: number): DeliverySettlement => ({
  status: 'delivered',
  attempts: [{ at, statusCode: 200, error: '', durationMs: 42 }],
  nextAttemptAt: null,
  updatedAt: at + 42,
});

/**
 * The contract of {@link Storage.outbox}: exclusive leases under concurrent claims, lapsed and
 * lost leases, due times, settlement and listing.
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
  const claim = (owner: string, nowMs: number, limit = 10) => store().claim({ owner, nowMs, leaseMs: LEASE_MS, limit });

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

    describe('claim', () => {
      it('leases a due delivery to the claimer until nowMs + leaseMs', async () => {
        const delivery = makeDeliveryRecord();
        await store().enqueue(delivery);
        const leased = { ...delivery, leaseOwner: 'dispatcher-a', leaseExpiresAt: T0 + 5 + LEASE_MS };
        expect(await claim('dispatcher-a', T0 + 5)).toEqual([leased]);
        expect(await store().get(delivery.id)).toEqual(leased);
      });

      it('claims the soonest due first, up to the limit', async () => {
        const dueAt = (offsets: number[]) => offsets.map((offset) => makeDeliveryRecord({ nextAttemptAt: T0 + offset }));
        const [soonest, later] = [dueAt([2, 1]), dueAt([4, 3])];
        await enqueueAll([...later, ...soonest]);
        expect(sortedIds(await claim('dispatcher-a', T0 + 10, 2))).toEqual(sortedIds(soonest));
      });

      it('claims a delivery when it falls due, not before', async () => {
        const delivery = makeDeliveryRecord({ nextAttemptAt: T0 + MINUTE_MS });
        await store().enqueue(delivery);
        expect(await claim('dispatcher-a', T0 + MINUTE_MS - 1)).toEqual([]);
        expect(sortedIds(await claim('dispatcher-a', T0 + MINUTE_MS))).toEqual([delivery.id]);
      });

      it.each([
        { state: 'delivered', overrides: { status: 'delivered', nextAttemptAt: T0 - 1 } },
        { state: 'failed', overrides: { status: 'failed', nextAttemptAt: T0 - 1 } },
        { state: 'pending without a next attempt', overrides: { nextAttemptAt: null } },
        { state: 'leased to another until later', overrides: { leaseOwner: 'dispatcher-b', leaseExpiresAt: T0 + 1 } },
      ] satisfies { state: string; overrides: Partial<DeliveryRecord> }[])('never claims a delivery $state', async ({ overrides }) => {
        const delivery = makeDeliveryRecord(overrides);
        await store().enqueue(delivery);
        expect(await claim('dispatcher-a', T0)).toEqual([]);
        expect(await store().get(delivery.id)).toEqual(delivery);
      });

      it('lets another dispatcher take a delivery whose lease lapsed, and the first then loses it', async () => {
        const delivery = makeDeliveryRecord();
        await store().enqueue(delivery);
        await claim('dispatcher-a', T0);
        expect(await claim('dispatcher-b', T0 + LEASE_MS - 1)).toEqual([]);
        expect(sortedIds(await claim('dispatcher-b', T0 + LEASE_MS))).toEqual([delivery.id]);

        expect(await store().settle(delivery.id, 'dispatcher-a', delivered(T0 + LEASE_MS + 1))).toBe(false);
        const held = { ...delivery, leaseOwner: 'dispatcher-b', leaseExpiresAt: T0 + 2 * LEASE_MS };
        expect(await store().get(delivery.id)).toEqual(held);
        expect(await store().settle(delivery.id, 'dispatcher-b', delivered(T0 + LEASE_MS + 2))).toBe(true);
      });

      it('lets one of two concurrent claims have a delivery', async () => {
        const delivery = makeDeliveryRecord();
        await store().enqueue(delivery);
        const [left, right] = await Promise.all([claim('dispatcher-a', T0), claim('dispatcher-b', T0)]);
        expect([...(left ?? []), ...(right ?? [])].map((d) => d.id)).toEqual([delivery.id]);
      });

      it('never hands one delivery to two of ten concurrent claims', async () => {
        const deliveries = Array.from({ length: 25 }, (_, index) => makeDeliveryRecord({ nextAttemptAt: T0 - index }));
        await enqueueAll(deliveries);
        const owners = Array.from({ length: 10 }, (_, index) => `dispatcher-${index}`);
        const claims = await Promise.all(owners.map((owner) => claim(owner, T0, 3)));
        const claimedIds = claims.flat().map((d) => d.id);
        expect(new Set(claimedIds).size).toBe(claimedIds.length);
        for (const [index, claimed] of claims.entries()) {
          for (const delivery of claimed) expect((await store().get(delivery.id))?.leaseOwner).toBe(owners[index]);
        }
        const rest = await claim('dispatcher-last', T0, 100);
        expect([...claimedIds, ...rest.map((d) => d.id)].sort()).toEqual(sortedIds(deliveries));
      });

      it('honours the lease of a delivery enqueued already leased', async () => {
        const delivery = makeDeliveryRecord({ leaseOwner: 'dispatcher-a', leaseExpiresAt: T0 + LEASE_MS });
        await store().enqueue(delivery);
        expect(await claim('dispatcher-b', T0 + 1)).toEqual([]);
        expect(await store().settle(delivery.id, 'dispatcher-a', delivered(T0 + 1))).toBe(true);
      });
    });

    describe('settle', () => {
      it('writes the result, releases the lease, and a delivered one is never claimed again', async () => {
        const delivery = makeDeliveryRecord();
        await store().enqueue(delivery);
        await claim('dispatcher-a', T0);
        const settlement = delivered(T0 + 1);
        expect(await store().settle(delivery.id, 'dispatcher-a', settlement)).toBe(true);
        const settled = { ...delivery, ...settlement, leaseOwner: null, leaseExpiresAt: null };
        expect(await store().get(delivery.id)).toEqual(settled);
        expect((await store().list({ status: 'delivered', limit: 10 })).items).toEqual([settled]);
        expect(await store().settle(delivery.id, 'dispatcher-a', settlement)).toBe(false);
        expect(await claim('dispatcher-a', T0 + 10 * MINUTE_MS)).toEqual([]);
      });

      it('puts a retry back in the queue for its next attempt', async () => {
        const delivery = makeDeliveryRecord();
        await store().enqueue(delivery);
        await claim('dispatcher-a', T0);
        const retry: DeliverySettlement = {
          status: 'pending',
          attempts: [{ at: T0, statusCode: 503, error: 'HTTP 503', durationMs: 12 }],
          nextAttemptAt: T0 + MINUTE_MS,
          updatedAt: T0 + 12,
        };
        expect(await store().settle(delivery.id, 'dispatcher-a', retry)).toBe(true);
        expect(await claim('dispatcher-b', T0 + MINUTE_MS - 1)).toEqual([]);
        const [again] = await claim('dispatcher-b', T0 + MINUTE_MS);
        expect(again).toEqual({ ...delivery, ...retry, leaseOwner: 'dispatcher-b', leaseExpiresAt: T0 + MINUTE_MS + LEASE_MS });
      });

      it('refuses, writing nothing, an owner that holds no lease', async () => {
        const delivery = makeDeliveryRecord();
        await store().enqueue(delivery);
        expect(await store().settle(delivery.id, 'dispatcher-a', delivered(T0))).toBe(false);
        await claim('dispatcher-a', T0);
        expect(await store().settle(delivery.id, 'dispatcher-b', delivered(T0))).toBe(false);
        expect(await store().settle(makeDeliveryRecord().id, 'dispatcher-a', delivered(T0))).toBe(false);
        expect((await store().get(delivery.id))?.status).toBe('pending');
      });
    });

    it('keeps the copies it holds apart from what callers pass and receive', async () => {
      const delivery = makeDeliveryRecord();
      const written = structuredClone(delivery);
      await store().enqueue(written);
      written.attempts.push({ at: T0, statusCode: 500, error: 'mutated', durationMs: 1 });
      const [claimed] = await claim('dispatcher-a', T0);
      claimed?.attempts.push({ at: T0, statusCode: 500, error: 'mutated', durationMs: 1 });
      const settlement = delivered(T0 + 1);
      await store().settle(delivery.id, 'dispatcher-a', settlement);
      settlement.attempts.push({ at: T0, statusCode: 500, error: 'mutated', durationMs: 1 });
      (await store().get(delivery.id))?.attempts.push({ at: T0, statusCode: 500, error: 'mutated', durationMs: 1 });
      expect((await store().get(delivery.id))?.attempts).toEqual(delivered(T0 + 1).attempts);
    });

    describe('requeue', () => {
      it('makes a failed delivery pending and due again, keeping its attempts', async () => {
        const attempts = [{ at: T0, statusCode: 500, error: 'HTTP 500', durationMs: 9 }];
        const failed = makeDeliveryRecord({ status: 'failed', attempts, nextAttemptAt: null });
        await store().enqueue(failed);
        const requeued = await store().requeue(failed.id, T0 + MINUTE_MS);
        expect(requeued).toEqual({ ...failed, status: 'pending', nextAttemptAt: T0 + MINUTE_MS, updatedAt: T0 + MINUTE_MS });
        expect(await claim('dispatcher-a', T0 + MINUTE_MS)).toEqual([
          { ...requeued, leaseOwner: 'dispatcher-a', leaseExpiresAt: T0 + MINUTE_MS + LEASE_MS },
        ]);
      });

      it('refuses an unknown id and a delivery that is not failed', async () => {
        const pending = makeDeliveryRecord();
        const done = makeDeliveryRecord({ status: 'delivered', nextAttemptAt: null });
        await enqueueAll([pending, done]);
        expect(await store().requeue(makeDeliveryRecord().id, T0)).toBeNull();
        expect(await store().requeue(pending.id, T0)).toBeNull();
        expect(await store().requeue(done.id, T0)).toBeNull();
        expect(await store().get(done.id)).toEqual(done);
      });
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

    describe('list', () => {
      it('lists newest first by createdAt, then id, across pages exactly once', async () => {
        const deliveries = [2, 0, 1, 2, 0, 2, 3].map((offset) => makeDeliveryRecord({ createdAt: T0 + offset }));
        await enqueueAll(deliveries);
        const { items, total, pages } = await readAllPages((cursor) => store().list({ cursor, limit: 3 }));
        expect(items).toEqual([...deliveries].sort(byNewest));
        expect(total).toBe(7);
        expect(pages).toBe(3);
      });

      /** `intId` in the table names one of the integrations each test makes. */
      type Named = Omit<DeliveryQuery, 'cursor' | 'limit' | 'intId'> & { intId?: 'own' | 'other' };
      it.each<{ query: Named; expected: string[] }>([
        { query: {}, expected: ['e', 'd', 'c', 'b', 'a'] },
        { query: { intId: 'own' }, expected: ['d', 'b', 'a'] },
        { query: { status: 'pending' }, expected: ['e', 'a'] },
        { query: { status: 'failed' }, expected: ['c'] },
        { query: { intId: 'own', status: 'delivered' }, expected: ['d', 'b'] },
        { query: { intId: 'other', status: 'delivered' }, expected: [] },
      ])('lists $query as $expected, paged', async ({ query, expected }) => {
        const intIds = { own: randomIntegrationId(), other: randomIntegrationId() };
        const named = {
          a: makeDeliveryRecord({ intId: intIds.own, createdAt: T0 + 1 }),
          b: makeDeliveryRecord({ intId: intIds.own, createdAt: T0 + 2, status: 'delivered', nextAttemptAt: null }),
          c: makeDeliveryRecord({ intId: intIds.other, createdAt: T0 + 3, status: 'failed', nextAttemptAt: null }),
          d: makeDeliveryRecord({ intId: intIds.own, createdAt: T0 + 4, status: 'delivered', nextAttemptAt: null }),
          e: makeDeliveryRecord({ intId: intIds.other, createdAt: T0 + 5 }),
        };
        await enqueueAll(Object.values(named));
        const { items, total } = await readAllPages((cursor) =>
          store().list({ ...query, intId: query.intId && intIds[query.intId], cursor, limit: 1 }),
        );
        const idsByName = new Map(Object.entries(named).map(([name, delivery]) => [delivery.id, name]));
        expect(items.map((delivery) => idsByName.get(delivery.id))).toEqual(expected);
        expect(total).toBe(expected.length);
      });
    });
  });
}
