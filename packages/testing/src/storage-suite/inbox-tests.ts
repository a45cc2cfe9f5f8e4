import type { HandoffSettlement, InboxAcceptance, InboxRecord, InboxStatus, Storage } from '@portico/core';
import { describe, expect, it } from 'vitest';
import { HOUR_MS, MINUTE_MS, T0, makeInboxRecord, makeLogEntry, makeUsageDelta, randomHex, randomIntegrationId } from './fixtures';
import { LEASE_MS, leaseQueueTests } from './lease-queue-tests';
import { readAllPages } from './read-all-pages';

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

/** The settlement of one hand-off at `at` that left the event `status`, due again at `nextAttemptAt`. */
const settled = (status: InboxStatus, at: number, nextAttemptAt: number | null = null): HandoffSettlement => ({
  status,
  attempts: [{ at, error: status === 'delivered' ? '' : 'handler threw: database locked', durationMs: 7 }],
  nextAttemptAt,
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
 * and usage count all together or not at all; retention of settled and unhandled events; and the
 * leasing it shares with the outbox (see {@link leaseQueueTests}).
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

    leaseQueueTests({
      store,
      make: (overrides, receivedAt = T0) => makeInboxRecord({ ...overrides, receivedAt }),
      add: acceptAll,
      settlement: settled,
      timeField: 'receivedAt',
      names: { record: 'event', aRecord: 'an event', added: 'accepted', attempt: 'hand-off' },
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
        await store().claim({ owner: 'dispatcher-a', nowMs: T0, leaseMs: LEASE_MS, limit: 10 });
        expect(await store().prune(T0)).toEqual({ settled: 0, unhandled: 1 });
        expect(await store().settle(event.id, 'dispatcher-a', settled('delivered', T0 + 1))).toBe(false);
        expect(await store().get(event.id)).toBeNull();
      });
    });

    describe('list', () => {
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
    });
  });
}
