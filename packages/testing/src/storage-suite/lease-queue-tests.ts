import type { LeasedRecord, LeaseQueue, LeaseSettlement } from '@portico/core';
import { describe, expect, it } from 'vitest';
import { MINUTE_MS, T0, randomIntegrationId } from './fixtures';
import { readAllPages } from './read-all-pages';

/**
 * How long the suite's claims lease records for.
 *
 * @example
 * ```ts
 * const leased = makeInboxRecord({ leaseOwner: 'dispatcher-a', leaseExpiresAt: T0 + LEASE_MS });
 * ```
 */
export const LEASE_MS = 30_000;

/**
 * The fields the suite sets on the records it makes: leasing's own, since TypeScript takes no
 * object literal as a `Partial<T>` of a generic `T`.
 */
export type LeaseFields<T extends LeasedRecord> = Partial<Omit<LeasedRecord, 'attempts'>> & { attempts?: T['attempts'] };

/** One queue under {@link leaseQueueTests}: its store, and how its records are made, written and named. */
export interface LeaseQueueSubject<T extends LeasedRecord & Record<K, number>, K extends string> {
  store: () => LeaseQueue<T>;
  /**
   * A fresh pending record of a fresh integration, due at {@link T0} and not leased, made at
   * `time` ({@link T0} when not given) in its field `timeField`; `overrides` replace any field.
   */
  make: (overrides?: LeaseFields<T>, time?: number) => T;
  /** Writes records as the store takes them in (enqueued, accepted), one after the other. */
  add: (records: T[]) => Promise<void>;
  /** The settlement of one attempt at `at` that left the record `status`, due again at `nextAttemptAt`. */
  settlement: (status: LeasedRecord['status'], at: number, nextAttemptAt?: number | null) => LeaseSettlement<T>;
  /** The fixed time listings go newest first by: `createdAt`, `receivedAt`. */
  timeField: K;
  /** How test names call things: `{ record: 'event', aRecord: 'an event', added: 'accepted', attempt: 'hand-off' }`. */
  names: { record: string; aRecord: string; added: string; attempt: string };
}

const sortedIds = (records: LeasedRecord[]) => records.map((record) => record.id).sort();

/**
 * The leasing contract the outbox and the inbox share: exclusive leases under concurrent claims,
 * lapsed and lost leases, due times, settlement, copies, requeueing and listing. Call it inside
 * the store's `describe` block.
 *
 * @example
 * ```ts
 * leaseQueueTests({
 *   store: () => storage().outbox,
 *   make: (overrides, createdAt = T0) => makeDeliveryRecord({ ...overrides, createdAt }),
 *   add: enqueueAll,
 *   settlement: settled,
 *   timeField: 'createdAt',
 *   names: { record: 'delivery', aRecord: 'a delivery', added: 'enqueued', attempt: 'attempt' },
 * });
 * ```
 */
export function leaseQueueTests<T extends LeasedRecord & Record<K, number>, K extends string>(
  subject: LeaseQueueSubject<T, K>,
): void {
  const { store, make, add, settlement, timeField, names } = subject;
  const { record, aRecord, added, attempt } = names;
  const claim = (owner: string, nowMs: number, limit = 10) => store().claim({ owner, nowMs, leaseMs: LEASE_MS, limit });
  const byNewest = (a: T, b: T) => b[timeField] - a[timeField] || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

  describe('claim', () => {
    it(`leases a due ${record} to the claimer until nowMs + leaseMs`, async () => {
      const queued = make();
      await add([queued]);
      const leased = { ...queued, leaseOwner: 'dispatcher-a', leaseExpiresAt: T0 + 5 + LEASE_MS };
      expect(await claim('dispatcher-a', T0 + 5)).toEqual([leased]);
      expect(await store().get(queued.id)).toEqual(leased);
    });

    it('claims the soonest due first, up to the limit', async () => {
      const dueAt = (offsets: number[]) => offsets.map((offset) => make({ nextAttemptAt: T0 + offset }));
      const [soonest, later] = [dueAt([2, 1]), dueAt([4, 3])];
      await add([...later, ...soonest]);
      expect(sortedIds(await claim('dispatcher-a', T0 + 10, 2))).toEqual(sortedIds(soonest));
      expect(sortedIds(await claim('dispatcher-b', T0 + 10, 5))).toEqual(sortedIds(later));
    });

    it(`claims ${aRecord} when it falls due, not before`, async () => {
      const queued = make({ nextAttemptAt: T0 + MINUTE_MS });
      await add([queued]);
      expect(await claim('dispatcher-a', T0 + MINUTE_MS - 1)).toEqual([]);
      expect(sortedIds(await claim('dispatcher-a', T0 + MINUTE_MS))).toEqual([queued.id]);
    });

    it.each([
      { state: 'delivered', overrides: { status: 'delivered', nextAttemptAt: T0 - 1 } },
      { state: 'failed', overrides: { status: 'failed', nextAttemptAt: T0 - 1 } },
      { state: 'pending without a next attempt', overrides: { nextAttemptAt: null } },
      { state: 'leased to another until later', overrides: { leaseOwner: 'dispatcher-b', leaseExpiresAt: T0 + 1 } },
    ] satisfies { state: string; overrides: LeaseFields<T> }[])(`never claims ${aRecord} $state`, async ({ overrides }) => {
      const queued = make(overrides);
      await add([queued]);
      expect(await claim('dispatcher-a', T0)).toEqual([]);
      expect(await store().get(queued.id)).toEqual(queued);
    });

    it(`lets another dispatcher take ${aRecord} whose lease lapsed, and the first then loses it`, async () => {
      const queued = make();
      await add([queued]);
      await claim('dispatcher-a', T0);
      expect(await claim('dispatcher-b', T0 + LEASE_MS - 1)).toEqual([]);
      expect(sortedIds(await claim('dispatcher-b', T0 + LEASE_MS))).toEqual([queued.id]);

      expect(await store().settle(queued.id, 'dispatcher-a', settlement('delivered', T0 + LEASE_MS + 1))).toBe(false);
      expect(await store().get(queued.id)).toEqual({ ...queued, leaseOwner: 'dispatcher-b', leaseExpiresAt: T0 + 2 * LEASE_MS });
      expect(await store().settle(queued.id, 'dispatcher-b', settlement('delivered', T0 + LEASE_MS + 2))).toBe(true);
    });

    it(`lets one of two concurrent claims have ${aRecord}`, async () => {
      const queued = make();
      await add([queued]);
      const [left, right] = await Promise.all([claim('dispatcher-a', T0), claim('dispatcher-b', T0)]);
      expect([...(left ?? []), ...(right ?? [])].map((claimed) => claimed.id)).toEqual([queued.id]);
    });

    it(`never hands one ${record} to two of ten concurrent claims`, async () => {
      const queued = Array.from({ length: 25 }, (_, index) => make({ nextAttemptAt: T0 - index }));
      await add(queued);
      const owners = Array.from({ length: 10 }, (_, index) => `dispatcher-${index}`);
      const claims = await Promise.all(owners.map((owner) => claim(owner, T0, 3)));
      const claimedIds = claims.flat().map((claimed) => claimed.id);
      expect(new Set(claimedIds).size).toBe(claimedIds.length);
      for (const [index, claimed] of claims.entries()) {
        for (const one of claimed) expect((await store().get(one.id))?.leaseOwner).toBe(owners[index]);
      }
      const rest = await claim('dispatcher-last', T0, 100);
      expect([...claimedIds, ...rest.map((claimed) => claimed.id)].sort()).toEqual(sortedIds(queued));
    });

    it(`honours the lease of ${aRecord} ${added} already leased`, async () => {
      const queued = make({ leaseOwner: 'dispatcher-a', leaseExpiresAt: T0 + LEASE_MS });
      await add([queued]);
      expect(await claim('dispatcher-b', T0 + 1)).toEqual([]);
      expect(await store().settle(queued.id, 'dispatcher-a', settlement('delivered', T0 + 1))).toBe(true);
    });
  });

  describe('settle', () => {
    it('writes the result, releases the lease, and a delivered one is never claimed again', async () => {
      const queued = make();
      await add([queued]);
      await claim('dispatcher-a', T0);
      const result = settlement('delivered', T0 + 1);
      expect(await store().settle(queued.id, 'dispatcher-a', result)).toBe(true);
      const done = { ...queued, ...result, leaseOwner: null, leaseExpiresAt: null };
      expect(await store().get(queued.id)).toEqual(done);
      expect((await store().list({ status: 'delivered', limit: 10 })).items).toEqual([done]);
      expect(await store().settle(queued.id, 'dispatcher-a', result)).toBe(false);
      expect(await claim('dispatcher-a', T0 + 10 * MINUTE_MS)).toEqual([]);
    });

    it(`puts a retry back in the queue for its next ${attempt}`, async () => {
      const queued = make();
      await add([queued]);
      await claim('dispatcher-a', T0);
      const retry = settlement('pending', T0, T0 + MINUTE_MS);
      expect(await store().settle(queued.id, 'dispatcher-a', retry)).toBe(true);
      expect(await claim('dispatcher-b', T0 + MINUTE_MS - 1)).toEqual([]);
      expect(await claim('dispatcher-b', T0 + MINUTE_MS)).toEqual([
        { ...queued, ...retry, leaseOwner: 'dispatcher-b', leaseExpiresAt: T0 + MINUTE_MS + LEASE_MS },
      ]);
    });

    it('refuses, writing nothing, an owner that holds no lease', async () => {
      const queued = make();
      await add([queued]);
      expect(await store().settle(queued.id, 'dispatcher-a', settlement('delivered', T0))).toBe(false);
      expect(await store().get(queued.id)).toEqual(queued);
      await claim('dispatcher-a', T0);
      expect(await store().settle(queued.id, 'dispatcher-b', settlement('delivered', T0))).toBe(false);
      expect(await store().settle(make().id, 'dispatcher-a', settlement('delivered', T0))).toBe(false);
      expect(await store().get(queued.id)).toEqual({ ...queued, leaseOwner: 'dispatcher-a', leaseExpiresAt: T0 + LEASE_MS });
    });
  });

  it('keeps the copies it holds apart from what callers pass and receive', async () => {
    const queued = make();
    const mutation = settlement('failed', T0 - 1).attempts;
    const written = structuredClone(queued);
    await add([written]);
    written.attempts.push(...mutation);
    const [claimed] = await claim('dispatcher-a', T0);
    claimed?.attempts.push(...mutation);
    const result = settlement('delivered', T0 + 1);
    await store().settle(queued.id, 'dispatcher-a', result);
    result.attempts.push(...mutation);
    (await store().get(queued.id))?.attempts.push(...mutation);
    (await store().list({ limit: 10 })).items[0]?.attempts.push(...mutation);
    expect((await store().get(queued.id))?.attempts).toEqual(settlement('delivered', T0 + 1).attempts);
  });

  describe('requeue', () => {
    it(`makes a failed ${record} pending and due again, keeping its attempts`, async () => {
      const queued = make();
      await add([queued]);
      await claim('dispatcher-a', T0);
      const failure = settlement('failed', T0);
      await store().settle(queued.id, 'dispatcher-a', failure);

      const requeued = await store().requeue(queued.id, T0 + MINUTE_MS);
      expect(requeued).toEqual({ ...queued, ...failure, status: 'pending', nextAttemptAt: T0 + MINUTE_MS, updatedAt: T0 + MINUTE_MS });
      expect(await store().get(queued.id)).toEqual(requeued);
      expect(await claim('dispatcher-b', T0 + MINUTE_MS)).toEqual([
        { ...requeued, leaseOwner: 'dispatcher-b', leaseExpiresAt: T0 + MINUTE_MS + LEASE_MS },
      ]);
    });

    it(`makes ${aRecord} ${added} as failed pending and due again, keeping its attempts`, async () => {
      const failed = make({ status: 'failed', attempts: settlement('failed', T0).attempts, nextAttemptAt: null });
      await add([failed]);
      const requeued = await store().requeue(failed.id, T0 + MINUTE_MS);
      expect(requeued).toEqual({ ...failed, status: 'pending', nextAttemptAt: T0 + MINUTE_MS, updatedAt: T0 + MINUTE_MS });
      expect(await claim('dispatcher-a', T0 + MINUTE_MS)).toEqual([
        { ...requeued, leaseOwner: 'dispatcher-a', leaseExpiresAt: T0 + MINUTE_MS + LEASE_MS },
      ]);
    });

    it(`refuses, writing nothing, an unknown id and ${aRecord} that is not failed`, async () => {
      const pending = make();
      const leased = make({ leaseOwner: 'dispatcher-a', leaseExpiresAt: T0 + LEASE_MS });
      const delivered = make({ status: 'delivered', nextAttemptAt: null });
      await add([pending, leased, delivered]);
      expect(await store().requeue(make().id, T0)).toBeNull();
      for (const queued of [pending, leased, delivered]) {
        expect(await store().requeue(queued.id, T0 + MINUTE_MS)).toBeNull();
        expect(await store().get(queued.id)).toEqual(queued);
      }
    });
  });

  describe('list', () => {
    it(`lists newest first by ${timeField}, then id, across pages exactly once`, async () => {
      const queued = [2, 0, 1, 2, 0, 2, 3].map((offset) => make({}, T0 + offset));
      await add(queued);
      const { items, total, pages } = await readAllPages((cursor) => store().list({ cursor, limit: 3 }));
      expect(items).toEqual([...queued].sort(byNewest));
      expect(total).toBe(7);
      expect(pages).toBe(3);
    });

    /** `intId` in the table names one of the integrations each test makes. */
    type Named = { intId?: 'own' | 'other'; status?: LeasedRecord['status'] };
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
        a: make({ intId: intIds.own }, T0 + 1),
        b: make({ intId: intIds.own, status: 'delivered', nextAttemptAt: null }, T0 + 2),
        c: make({ intId: intIds.other, status: 'failed', nextAttemptAt: null }, T0 + 3),
        d: make({ intId: intIds.own, status: 'delivered', nextAttemptAt: null }, T0 + 4),
        e: make({ intId: intIds.other }, T0 + 5),
      };
      await add(Object.values(named));
      const { items, total } = await readAllPages((cursor) =>
        store().list({ ...query, intId: query.intId && intIds[query.intId], cursor, limit: 1 }),
      );
      const namesById = new Map(Object.entries(named).map(([name, one]) => [one.id, name]));
      expect(items.map((one) => namesById.get(one.id))).toEqual(expected);
      expect(total).toBe(expected.length);
    });
  });
}
