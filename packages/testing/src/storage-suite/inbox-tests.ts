import type { HandoffSettlement, InboxAcceptance, InboxQuery, InboxRecord, Storage } from '@portico/core';
import { describe, expect, it } from 'vitest';
import { HOUR_MS, MINUTE_MS, T0, makeInboxRecord, makeLogEntry, makeUsageDelta, randomHex, randomIntegrationId } from './fixtures';
import { readAllPages } from './read-all-pages';

const LEASE_MS = 30_000;
const REPLAY_TTL_MS = 300_000;
const DAY_MS = 24 * HOUR_MS;

const byNewest = (a: InboxRecord, b: InboxRecord) =>
  b.receivedAt - a.receivedAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

const sortedIds = (events: InboxRecord[]) => events.map((event) => event.id).sort();

/** An acceptance of `event` with a log entry of its own, remembering its message id for `replayTtlMs`. */
const acceptanceOf = (event: InboxRecord, replayTtlMs: number | null = REPLAY_TTL_MS): InboxAcceptance => ({
  event,
  replayTtlMs,
  log: makeLogEntry({ intId: event.intId, event: event.event, loggedAt: event.receivedAt, payload: { event: event.event, token: '***' } }),
});

const settled = (status: 'delivered' | 'failed', at: number): HandoffSettlement => ({
  status,
  attempts: [{ at, error: status === 'failed' ? 'handler threw: database locked' : '', durationMs: 7 }],
  nextAttemptAt: null,
  updatedAt: at + 7,
});

/** Another event of the same webhook (integration and message id), received at `receivedAt`. */
const resentAt = (event: InboxRecord, receivedAt: number) =>
  makeInboxRecord({ intId: event.intId, messageId: event.messageId, receivedAt, nextAttemptAt: receivedAt, updatedAt: receivedAt });

/** A settled event as `accept` may store it, e.g. to list or prune. */
const settledEvent = (status: 'delivered' | 'failed', overrides: Partial<InboxRecord> = {}) =>
  makeInboxRecord({ status, nextAttemptAt: null, ...overrides });

/**
 * The contract of {@link Storage.inbox}: an acceptance writes its event, replay id, log entry
 * and usage count all together or not at all; exclusive leases under concurrent claims, lapsed
 * and lost leases, due times, settlement, requeueing, retention and listing.
 *
 * @example
 * ```ts
 * describe('my store', () => inboxStoreTests(() => storage));
 * ```
 */
export function inboxStoreTests(storage: () => Storage): void {
  const store = () => storage().inbox;
  const accept = (event: InboxRecord, replayTtlMs?: number | null) => store().accept(acceptanceOf(event, replayTtlMs));
  const acceptAll = async (events: InboxRecord[]) => {
    for (const event of events) expect(await accept(event)).toBe(true);
  };
  const claim = (owner: string, nowMs: number, limit = 10) => store().claim({ owner, nowMs, leaseMs: LEASE_MS, limit });
  /** Everything acceptances wrote about one integration, as the other stores show it. */
  const writtenFor = async (intId: string) => ({
    events: (await store().list({ intId, limit: 100 })).items,
    logs: (await storage().logs.query({ intId, limit: 100 })).items,
    minutes: await storage().usage.buckets(intId, 'minute', 0, T0 + DAY_MS),
    hours: await storage().usage.buckets(intId, 'hour', 0, T0 + DAY_MS),
    totals: await storage().usage.totals(intId),
  });

  describe('inbox', () => {
    describe('accept', () => {
      it('stores the event and gets it back as written', async () => {
        const events = [
          makeInboxRecord(),
          makeInboxRecord({
            messageId: null,
            event: 'UNKNOWN',
            test: true,
            attempts: [{ at: T0 + 1, error: 'handler threw', durationMs: 3 }],
            nextAttemptAt: T0 + MINUTE_MS,
            receivedAt: T0 + 1,
            updatedAt: T0 + 4,
          }),
        ];
        await acceptAll(events);
        for (const event of events) expect(await store().get(event.id)).toEqual(event);
        expect(await store().get(makeInboxRecord().id)).toBeNull();
      });

      it('appends its log entry and counts one success at receivedAt in its minute, hour and total', async () => {
        const receivedAt = T0 + HOUR_MS + 2 * MINUTE_MS + 1_500;
        const event = makeInboxRecord({ receivedAt, nextAttemptAt: receivedAt, updatedAt: receivedAt });
        const acceptance = acceptanceOf(event);
        expect(await store().accept(acceptance)).toBe(true);

        const one = { success: 1, error: 0, rateLimited: 0, lastAtMs: receivedAt };
        expect(await writtenFor(event.intId)).toEqual({
          events: [event],
          logs: [acceptance.log],
          minutes: [{ startMs: T0 + HOUR_MS + 2 * MINUTE_MS, ...one }],
          hours: [{ startMs: T0 + HOUR_MS, ...one }],
          totals: one,
        });
        expect(await storage().replay.seen(event.intId, event.messageId ?? '', receivedAt)).toBe(true);
      });

      it('adds its success to the usage the integration already has', async () => {
        const intId = randomIntegrationId();
        await storage().usage.add([
          makeUsageDelta({ intId, success: 2, error: 1, lastAtMs: T0 - 1 }),
          makeUsageDelta({ intId, granularity: 'minute', startMs: T0, success: 0, rateLimited: 3, lastAtMs: T0 + 50 }),
        ]);
        await acceptAll([makeInboxRecord({ intId, receivedAt: T0 + 5 }), makeInboxRecord({ intId, receivedAt: T0 + 9 })]);
        expect(await storage().usage.totals(intId)).toEqual({ success: 4, error: 1, rateLimited: 0, lastAtMs: T0 + 9 });
        expect(await storage().usage.buckets(intId, 'minute', T0, T0 + MINUTE_MS)).toEqual([
          { startMs: T0, success: 2, error: 0, rateLimited: 3, lastAtMs: T0 + 50 },
        ]);
      });

      it('refuses a replayed message id, writing nothing', async () => {
        const first = makeInboxRecord();
        const replayed = resentAt(first, T0 + REPLAY_TTL_MS - 1);
        expect(await accept(first)).toBe(true);
        const before = await writtenFor(first.intId);

        expect(await accept(replayed)).toBe(false);
        expect(await store().get(replayed.id)).toBeNull();
        expect(await writtenFor(first.intId)).toEqual(before);
        expect(before.events).toEqual([first]);
        expect(before.totals.success).toBe(1);
      });

      it('accepts a message id again once its time to live has passed, and remembers it afresh', async () => {
        const first = makeInboxRecord();
        const [later, again] = [resentAt(first, T0 + REPLAY_TTL_MS), resentAt(first, T0 + REPLAY_TTL_MS + 1)];
        expect(await accept(first)).toBe(true);
        expect(await accept(later)).toBe(true);
        expect(await accept(again)).toBe(false);

        const written = await writtenFor(first.intId);
        expect(written.events).toEqual([later, first]);
        expect(written.logs).toHaveLength(2);
        expect(written.totals).toEqual({ success: 2, error: 0, rateLimited: 0, lastAtMs: later.receivedAt });
      });

      it('keeps message ids of different integrations apart', async () => {
        const event = makeInboxRecord();
        const elsewhere = makeInboxRecord({ messageId: event.messageId });
        expect(await accept(event)).toBe(true);
        expect(await accept(elsewhere)).toBe(true);
        expect(await store().get(elsewhere.id)).toEqual(elsewhere);
      });

      it('lets exactly one of ten concurrent acceptances of one message id through, and writes only its rows', async () => {
        const original = makeInboxRecord();
        const acceptances = Array.from({ length: 10 }, (_, index) => acceptanceOf(resentAt(original, T0 + index)));
        const results = await Promise.all(acceptances.map((acceptance) => store().accept(acceptance)));
        expect(results.filter(Boolean)).toHaveLength(1);

        const winner = acceptances[results.indexOf(true)] as InboxAcceptance;
        const written = await writtenFor(original.intId);
        expect(written.events).toEqual([winner.event]);
        expect(written.logs).toEqual([winner.log]);
        expect(written.totals).toEqual({ success: 1, error: 0, rateLimited: 0, lastAtMs: winner.event.receivedAt });
      });

      it('never refuses an event without a message id, nor remembers one accepted without a replay time to live', async () => {
        const [intId, messageId] = [randomIntegrationId(), `msg_${randomHex(12)}`];
        const anonymous = [makeInboxRecord({ intId, messageId: null }), makeInboxRecord({ intId, messageId: null })];
        const unremembered = [makeInboxRecord({ intId, messageId }), makeInboxRecord({ intId, messageId })];
        for (const event of anonymous) expect(await accept(event)).toBe(true);
        for (const event of unremembered) expect(await accept(event, null)).toBe(true);
        expect(await storage().replay.seen(intId, messageId, T0)).toBe(false);
        expect(await accept(makeInboxRecord({ intId, messageId }))).toBe(true);

        const written = await writtenFor(intId);
        expect(written.events).toHaveLength(5);
        expect(written.logs).toHaveLength(5);
        expect(written.totals.success).toBe(5);
      });

      it('rejects an event whose id is taken, writing nothing of it: no log entry, no usage, no replay id', async () => {
        const event = makeInboxRecord();
        expect(await accept(event)).toBe(true);
        const receivedAt = T0 + MINUTE_MS;
        const clash = makeInboxRecord({ id: event.id, event: 'other.event', receivedAt, nextAttemptAt: receivedAt, updatedAt: receivedAt });

        await expect(accept(clash)).rejects.toThrow();
        expect(await store().get(event.id)).toEqual(event);
        expect(await writtenFor(clash.intId)).toEqual({
          events: [],
          logs: [],
          minutes: [],
          hours: [],
          totals: { success: 0, error: 0, rateLimited: 0, lastAtMs: null },
        });
        expect(await storage().logs.count()).toBe(1);
        expect(await storage().replay.seen(clash.intId, clash.messageId ?? '', receivedAt)).toBe(false);
        // Its message id was never remembered, so the same webhook under a fresh event id gets in.
        expect(await accept({ ...clash, id: makeInboxRecord().id })).toBe(true);
      });

      it('of two concurrent acceptances of one event id, keeps one whole and leaves nothing of the other', async () => {
        const event = makeInboxRecord();
        const twin = makeInboxRecord({ id: event.id, intId: event.intId, event: 'twin.event' });
        const results = await Promise.allSettled([accept(event), accept(twin)]);
        expect(results.map((result) => result.status).sort()).toEqual(['fulfilled', 'rejected']);

        const [kept, lost] = results[0]?.status === 'fulfilled' ? [event, twin] : [twin, event];
        expect(results.find((result) => result.status === 'fulfilled')).toEqual({ status: 'fulfilled', value: true });
        const written = await writtenFor(event.intId);
        expect(written.events).toEqual([kept]);
        expect(written.logs.map((entry) => entry.event)).toEqual([kept.event]);
        expect(written.totals.success).toBe(1);
        expect(await storage().replay.seen(lost.intId, lost.messageId ?? '', T0)).toBe(false);
        expect(await storage().replay.seen(kept.intId, kept.messageId ?? '', T0)).toBe(true);
      });
    });

    describe('claim', () => {
      it('leases a due event to the claimer until nowMs + leaseMs', async () => {
        const event = makeInboxRecord();
        await acceptAll([event]);
        const leased = { ...event, leaseOwner: 'dispatcher-a', leaseExpiresAt: T0 + 5 + LEASE_MS };
        expect(await claim('dispatcher-a', T0 + 5)).toEqual([leased]);
        expect(await store().get(event.id)).toEqual(leased);
      });

      it('claims the soonest due first, up to the limit', async () => {
        const dueAt = (offsets: number[]) => offsets.map((offset) => makeInboxRecord({ nextAttemptAt: T0 + offset }));
        const [soonest, later] = [dueAt([2, 1]), dueAt([4, 3])];
        await acceptAll([...later, ...soonest]);
        expect(sortedIds(await claim('dispatcher-a', T0 + 10, 2))).toEqual(sortedIds(soonest));
        expect(sortedIds(await claim('dispatcher-b', T0 + 10, 5))).toEqual(sortedIds(later));
      });

      it('claims an event when it falls due, not before', async () => {
        const event = makeInboxRecord({ nextAttemptAt: T0 + MINUTE_MS });
        await acceptAll([event]);
        expect(await claim('dispatcher-a', T0 + MINUTE_MS - 1)).toEqual([]);
        expect(sortedIds(await claim('dispatcher-a', T0 + MINUTE_MS))).toEqual([event.id]);
      });

      it.each([
        { state: 'delivered', overrides: { status: 'delivered', nextAttemptAt: T0 - 1 } },
        { state: 'failed', overrides: { status: 'failed', nextAttemptAt: T0 - 1 } },
        { state: 'pending without a next attempt', overrides: { nextAttemptAt: null } },
        { state: 'leased to another until later', overrides: { leaseOwner: 'dispatcher-b', leaseExpiresAt: T0 + 1 } },
      ] satisfies { state: string; overrides: Partial<InboxRecord> }[])('never claims an event $state', async ({ overrides }) => {
        const event = makeInboxRecord(overrides);
        await acceptAll([event]);
        expect(await claim('dispatcher-a', T0)).toEqual([]);
        expect(await store().get(event.id)).toEqual(event);
      });

      it('lets another dispatcher take an event whose lease lapsed, and the first then loses it', async () => {
        const event = makeInboxRecord();
        await acceptAll([event]);
        await claim('dispatcher-a', T0);
        expect(await claim('dispatcher-b', T0 + LEASE_MS - 1)).toEqual([]);
        expect(sortedIds(await claim('dispatcher-b', T0 + LEASE_MS))).toEqual([event.id]);

        expect(await store().settle(event.id, 'dispatcher-a', settled('delivered', T0 + LEASE_MS + 1))).toBe(false);
        expect(await store().get(event.id)).toEqual({ ...event, leaseOwner: 'dispatcher-b', leaseExpiresAt: T0 + 2 * LEASE_MS });
        expect(await store().settle(event.id, 'dispatcher-b', settled('delivered', T0 + LEASE_MS + 2))).toBe(true);
      });

      it('lets one of two concurrent claims have an event', async () => {
        const event = makeInboxRecord();
        await acceptAll([event]);
        const [left, right] = await Promise.all([claim('dispatcher-a', T0), claim('dispatcher-b', T0)]);
        expect([...(left ?? []), ...(right ?? [])].map((claimed) => claimed.id)).toEqual([event.id]);
      });

      it('never hands one event to two of ten concurrent claims', async () => {
        const events = Array.from({ length: 25 }, (_, index) => makeInboxRecord({ nextAttemptAt: T0 - index }));
        await acceptAll(events);
        const owners = Array.from({ length: 10 }, (_, index) => `dispatcher-${index}`);
        const claims = await Promise.all(owners.map((owner) => claim(owner, T0, 3)));
        const claimedIds = claims.flat().map((claimed) => claimed.id);
        expect(new Set(claimedIds).size).toBe(claimedIds.length);
        for (const [index, claimed] of claims.entries()) {
          for (const event of claimed) expect((await store().get(event.id))?.leaseOwner).toBe(owners[index]);
        }
        const rest = await claim('dispatcher-last', T0, 100);
        expect([...claimedIds, ...rest.map((claimed) => claimed.id)].sort()).toEqual(sortedIds(events));
      });
    });

    describe('settle', () => {
      it('writes the result, releases the lease, and a delivered event is never claimed again', async () => {
        const event = makeInboxRecord();
        await acceptAll([event]);
        await claim('dispatcher-a', T0);
        const settlement = settled('delivered', T0 + 1);
        expect(await store().settle(event.id, 'dispatcher-a', settlement)).toBe(true);
        const done = { ...event, ...settlement, leaseOwner: null, leaseExpiresAt: null };
        expect(await store().get(event.id)).toEqual(done);
        expect((await store().list({ status: 'delivered', limit: 10 })).items).toEqual([done]);
        expect(await store().settle(event.id, 'dispatcher-a', settlement)).toBe(false);
        expect(await claim('dispatcher-a', T0 + 10 * MINUTE_MS)).toEqual([]);
      });

      it('puts a retry back in the queue for its next hand-off', async () => {
        const event = makeInboxRecord();
        await acceptAll([event]);
        await claim('dispatcher-a', T0);
        const retry: HandoffSettlement = {
          status: 'pending',
          attempts: [{ at: T0, error: 'handler threw: timeout', durationMs: 12 }],
          nextAttemptAt: T0 + MINUTE_MS,
          updatedAt: T0 + 12,
        };
        expect(await store().settle(event.id, 'dispatcher-a', retry)).toBe(true);
        expect(await claim('dispatcher-b', T0 + MINUTE_MS - 1)).toEqual([]);
        expect(await claim('dispatcher-b', T0 + MINUTE_MS)).toEqual([
          { ...event, ...retry, leaseOwner: 'dispatcher-b', leaseExpiresAt: T0 + MINUTE_MS + LEASE_MS },
        ]);
      });

      it('refuses, writing nothing, an owner that holds no lease', async () => {
        const event = makeInboxRecord();
        await acceptAll([event]);
        expect(await store().settle(event.id, 'dispatcher-a', settled('delivered', T0))).toBe(false);
        expect(await store().get(event.id)).toEqual(event);
        await claim('dispatcher-a', T0);
        expect(await store().settle(event.id, 'dispatcher-b', settled('delivered', T0))).toBe(false);
        expect(await store().settle(makeInboxRecord().id, 'dispatcher-a', settled('delivered', T0))).toBe(false);
        expect(await store().get(event.id)).toEqual({ ...event, leaseOwner: 'dispatcher-a', leaseExpiresAt: T0 + LEASE_MS });
      });
    });

    it('keeps the copies it holds apart from what callers pass and receive', async () => {
      const event = makeInboxRecord();
      const mutation = { at: T0, error: 'mutated', durationMs: 1 };
      const written = structuredClone(event);
      await accept(written);
      written.attempts.push(mutation);
      const [claimed] = await claim('dispatcher-a', T0);
      claimed?.attempts.push(mutation);
      const settlement = settled('delivered', T0 + 1);
      await store().settle(event.id, 'dispatcher-a', settlement);
      settlement.attempts.push(mutation);
      (await store().get(event.id))?.attempts.push(mutation);
      (await store().list({ limit: 10 })).items[0]?.attempts.push(mutation);
      expect((await store().get(event.id))?.attempts).toEqual(settled('delivered', T0 + 1).attempts);
    });

    describe('requeue', () => {
      it('makes a failed event pending and due again, keeping its attempts', async () => {
        const event = makeInboxRecord();
        await acceptAll([event]);
        await claim('dispatcher-a', T0);
        const failure = settled('failed', T0);
        await store().settle(event.id, 'dispatcher-a', failure);

        const requeued = await store().requeue(event.id, T0 + HOUR_MS);
        expect(requeued).toEqual({ ...event, ...failure, status: 'pending', nextAttemptAt: T0 + HOUR_MS, updatedAt: T0 + HOUR_MS });
        expect(await store().get(event.id)).toEqual(requeued);
        expect(await claim('dispatcher-b', T0 + HOUR_MS)).toEqual([
          { ...requeued, leaseOwner: 'dispatcher-b', leaseExpiresAt: T0 + HOUR_MS + LEASE_MS },
        ]);
      });

      it('refuses, writing nothing, an unknown id and an event that is not failed', async () => {
        const pending = makeInboxRecord();
        const leased = makeInboxRecord({ leaseOwner: 'dispatcher-a', leaseExpiresAt: T0 + LEASE_MS });
        const delivered = settledEvent('delivered');
        await acceptAll([pending, leased, delivered]);
        expect(await store().requeue(makeInboxRecord().id, T0)).toBeNull();
        for (const event of [pending, leased, delivered]) {
          expect(await store().requeue(event.id, T0 + MINUTE_MS)).toBeNull();
          expect(await store().get(event.id)).toEqual(event);
        }
      });
    });

    describe('prune', () => {
      it('removes settled events last updated before the time and pending ones received before it, counting each', async () => {
        const long = T0 - 2 * MINUTE_MS;
        const named = {
          deliveredLongAgo: settledEvent('delivered', { receivedAt: long, updatedAt: T0 - MINUTE_MS }),
          failedJustBefore: settledEvent('failed', { receivedAt: long, updatedAt: T0 - 1 }),
          deliveredAtTheTime: settledEvent('delivered', { receivedAt: long, updatedAt: T0 }),
          // Retried after the time, but received before it: the host never took it in time.
          retriedPending: makeInboxRecord({ receivedAt: long, updatedAt: T0 + MINUTE_MS, nextAttemptAt: T0 + 2 * MINUTE_MS }),
          leasedPending: makeInboxRecord({ receivedAt: T0 - 1, leaseOwner: 'dispatcher-a', leaseExpiresAt: T0 + LEASE_MS }),
          pendingAtTheTime: makeInboxRecord({ receivedAt: T0 }),
        };
        await acceptAll(Object.values(named));

        expect(await store().prune(T0)).toEqual({ settled: 2, unhandled: 2 });
        const { items } = await readAllPages((cursor) => store().list({ cursor, limit: 2 }));
        expect(sortedIds(items)).toEqual(sortedIds([named.deliveredAtTheTime, named.pendingAtTheTime]));
        expect(await store().get(named.retriedPending.id)).toBeNull();
        expect(await store().get(named.deliveredAtTheTime.id)).toEqual(named.deliveredAtTheTime);
        expect(await store().prune(T0)).toEqual({ settled: 0, unhandled: 0 });
      });

      it('leaves nothing for a dispatcher that held a pruned event to settle', async () => {
        const event = makeInboxRecord({ receivedAt: T0 - 1 });
        await acceptAll([event]);
        await claim('dispatcher-a', T0);
        expect(await store().prune(T0)).toEqual({ settled: 0, unhandled: 1 });
        expect(await store().settle(event.id, 'dispatcher-a', settled('delivered', T0 + 1))).toBe(false);
        expect(await store().get(event.id)).toBeNull();
      });
    });

    describe('list', () => {
      it('lists newest first by receivedAt, then id, across pages exactly once', async () => {
        const events = [2, 0, 1, 2, 0, 2, 3].map((offset) => makeInboxRecord({ receivedAt: T0 + offset }));
        await acceptAll(events);
        const { items, total, pages } = await readAllPages((cursor) => store().list({ cursor, limit: 3 }));
        expect(items).toEqual([...events].sort(byNewest));
        expect(total).toBe(7);
        expect(pages).toBe(3);
      });

      it('never repeats or skips an event when events are accepted between pages', async () => {
        const intId = randomIntegrationId();
        const original = [0, 1, 1, 2, 3, 3].map((offset) => makeInboxRecord({ intId, receivedAt: T0 + offset }));
        await acceptAll(original);
        const expected = [...original].sort(byNewest);
        const first = await store().list({ intId, limit: 3 });
        expect(first.items).toEqual(expected.slice(0, 3));

        const [newer, older] = [makeInboxRecord({ intId, receivedAt: T0 + 9 }), makeInboxRecord({ intId, receivedAt: T0 - 1 })];
        await acceptAll([newer, older]);
        const rest = await readAllPages((cursor) => store().list({ intId, cursor: cursor ?? first.nextCursor ?? '', limit: 2 }));
        expect(rest.items).toEqual([...expected.slice(3), older]);
        expect(rest.total).toBe(8);
      });

      /** `intId` in the table names one of the integrations each test makes. */
      type Named = Omit<InboxQuery, 'cursor' | 'limit' | 'intId'> & { intId?: 'own' | 'other' };
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
          a: makeInboxRecord({ intId: intIds.own, receivedAt: T0 + 1 }),
          b: settledEvent('delivered', { intId: intIds.own, receivedAt: T0 + 2 }),
          c: settledEvent('failed', { intId: intIds.other, receivedAt: T0 + 3 }),
          d: settledEvent('delivered', { intId: intIds.own, receivedAt: T0 + 4 }),
          e: makeInboxRecord({ intId: intIds.other, receivedAt: T0 + 5 }),
        };
        await acceptAll(Object.values(named));
        const { items, total } = await readAllPages((cursor) =>
          store().list({ ...query, intId: query.intId && intIds[query.intId], cursor, limit: 1 }),
        );
        const namesById = new Map(Object.entries(named).map(([name, event]) => [event.id, name]));
        expect(items.map((event) => namesById.get(event.id))).toEqual(expected);
        expect(total).toBe(expected.length);
      });
    });
  });
}
