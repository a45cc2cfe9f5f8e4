import { isPorticoError, type LogEntry, type LogQuery, type Storage } from '@portico/core';
import { describe, expect, it } from 'vitest';
import { T0, makeLogEntry, randomIntegrationId } from './fixtures';
import { readAllPages } from './read-all-pages';

const events = (entries: LogEntry[]) => entries.map((entry) => entry.event);

/**
 * The contract of {@link Storage.logs}: newest-first order, keyset pages that hold still while
 * entries are appended, filters, time bounds and retention.
 *
 * @example
 * ```ts
 * describe('my store', () => logStoreTests(() => storage));
 * ```
 */
export function logStoreTests(storage: () => Storage): void {
  const store = () => storage().logs;
  const queryAll = (query: Omit<LogQuery, 'cursor' | 'limit'>, limit = 2) =>
    readAllPages((cursor) => store().query({ ...query, cursor, limit }));
  /** Entries of one integration, each named by its `event`, logged at `T0 + offset`. */
  const entriesAt = (intId: string, offsets: Record<string, number>) =>
    Object.entries(offsets).map(([event, offset]) => makeLogEntry({ intId, event, loggedAt: T0 + offset }));

  describe('logs', () => {
    it('returns entries newest first, and the latest written first among equal times', async () => {
      const intId = randomIntegrationId();
      await store().append(entriesAt(intId, { a: 3, b: 1, c: 3 }));
      await store().append(entriesAt(intId, { d: 2, e: 3, f: 0 }));
      await store().append(entriesAt(intId, { g: 1 }));
      const page = await store().query({ limit: 500 });
      expect(events(page.items)).toEqual(['e', 'c', 'a', 'd', 'g', 'b', 'f']);
      expect(page.total).toBe(7);
      expect(page.nextCursor).toBeNull();
    });

    it('returns entries as they were written', async () => {
      const entries = [makeLogEntry({ payload: null }), makeLogEntry({ direction: 'OUT', status: 'ERROR', error: 'HTTP 502', payload: [1, 'two', { three: 3 }] })];
      await store().append(entries);
      expect((await store().query({ limit: 10 })).items).toEqual([...entries].reverse());
    });

    it('keeps entries that share an id (log ids have 32 random bits)', async () => {
      const entry = makeLogEntry();
      await store().append([entry, { ...entry, event: 'again', loggedAt: T0 + 1 }]);
      expect(events((await store().query({ limit: 10 })).items)).toEqual(['again', entry.event]);
    });

    it('appends nothing for an empty batch', async () => {
      await store().append([]);
      expect(await store().count()).toBe(0);
    });

    it('pages through entries of equal times exactly once, in order', async () => {
      const intId = randomIntegrationId();
      await store().append(entriesAt(intId, { a: 1, b: 1, c: 1, d: 0, e: 1, f: 2, g: 1 }));
      const { items, total, pages } = await queryAll({}, 2);
      expect(events(items)).toEqual(['f', 'g', 'e', 'c', 'b', 'a', 'd']);
      expect(total).toBe(7);
      expect(pages).toBe(4);
    });

    it('never repeats or skips an entry when entries are appended between pages', async () => {
      const intId = randomIntegrationId();
      const original = entriesAt(intId, { a: 0, b: 0, c: 1, d: 1, e: 2, f: 2, g: 3, h: 3, i: 4, j: 4 });
      await store().append(original);
      const first = await store().query({ intId, limit: 4 });
      expect(events(first.items)).toEqual(['j', 'i', 'h', 'g']);
      // Newer than the page, as new as its last entry (written later, so ranked before it), and older.
      await store().append(entriesAt(intId, { newer: 9, tied: 3, older: -1 }));
      const rest = await readAllPages((cursor) => store().query({ intId, cursor: cursor ?? first.nextCursor ?? '', limit: 4 }));
      expect(events(rest.items)).toEqual(['f', 'e', 'd', 'c', 'b', 'a', 'older']);
      expect(rest.total).toBe(13);
    });

    describe('filters and time bounds', () => {
      /** `intId` in the table names one of the integrations each test makes. */
      type Named = Omit<LogQuery, 'cursor' | 'limit' | 'intId'> & { intId?: 'own' | 'other' | 'unknown' };
      it.each<{ query: Named; expected: string[] }>([
        { query: {}, expected: ['f', 'd', 'c', 'e', 'b', 'a'] },
        { query: { intId: 'own' }, expected: ['d', 'c', 'b', 'a'] },
        { query: { intId: 'unknown' }, expected: [] },
        { query: { direction: 'IN' }, expected: ['c', 'e', 'a'] },
        { query: { status: 'ERROR' }, expected: ['f', 'b'] },
        { query: { sinceMs: T0 }, expected: ['f', 'd', 'c', 'e', 'b'] },
        { query: { untilMs: T0 + 2 }, expected: ['c', 'e', 'b', 'a'] },
        { query: { sinceMs: T0, untilMs: T0 + 1 }, expected: ['e', 'b'] },
        { query: { sinceMs: T0 + 1, untilMs: T0 + 1 }, expected: [] },
        { query: { sinceMs: T0 + 2, untilMs: T0 }, expected: [] },
        { query: { intId: 'own', direction: 'IN', sinceMs: T0 }, expected: ['c'] },
        { query: { intId: 'other', status: 'OK', untilMs: T0 + 3 }, expected: ['e'] },
      ])('queries $query as $expected, paged', async ({ query, expected }) => {
        const intIds = { own: randomIntegrationId(), other: randomIntegrationId(), unknown: randomIntegrationId() };
        const { own, other } = intIds;
        await store().append([
          makeLogEntry({ intId: own, event: 'a', loggedAt: T0 - 1, direction: 'IN', status: 'OK' }),
          makeLogEntry({ intId: own, event: 'b', loggedAt: T0, direction: 'OUT', status: 'ERROR' }),
          makeLogEntry({ intId: own, event: 'c', loggedAt: T0 + 1, direction: 'IN', status: 'RATE_LIMITED' }),
          makeLogEntry({ intId: own, event: 'd', loggedAt: T0 + 2, direction: 'SYSTEM', status: 'OK' }),
          makeLogEntry({ intId: other, event: 'e', loggedAt: T0, direction: 'IN', status: 'OK' }),
          makeLogEntry({ intId: other, event: 'f', loggedAt: T0 + 2, direction: 'OUT', status: 'ERROR' }),
        ]);
        const { items, total } = await queryAll({ ...query, intId: query.intId && intIds[query.intId] }, 2);
        expect(events(items)).toEqual(expected);
        expect(total).toBe(expected.length);
      });
    });

    it('keeps the copies it holds apart from what callers pass and receive', async () => {
      const entry = makeLogEntry({ payload: { nested: { value: 'original' } } });
      const written = structuredClone(entry);
      await store().append([written]);
      written.event = 'mutated';
      written.payload = null;
      const [received] = (await store().query({ limit: 10 })).items;
      if (received === undefined) throw new Error('expected an entry');
      received.event = 'mutated';
      (received.payload as { nested: { value: string } }).nested.value = 'mutated';
      expect((await store().query({ limit: 10 })).items).toEqual([entry]);
    });

    it('rejects a malformed cursor as a validation error', async () => {
      await store().append([makeLogEntry()]);
      const error = await store().query({ cursor: 'not a cursor', limit: 10 }).then(() => null, (caught: unknown) => caught);
      expect(isPorticoError(error, 'VALIDATION_FAILED')).toBe(true);
    });

    it('counts every entry', async () => {
      expect(await store().count()).toBe(0);
      await store().append([makeLogEntry(), makeLogEntry()]);
      await store().append([makeLogEntry()]);
      expect(await store().count()).toBe(3);
    });

    describe('prune', () => {
      const ownEvents = new Set(['a', 'b', 'c', 'd']);
      // Two integrations interleaved, with equal times, written out of time order.
      const twoIntegrations = () => {
        const intId = randomIntegrationId();
        const otherId = randomIntegrationId();
        const entries = [...entriesAt(intId, { a: 0, b: 2, c: 4, d: 2 }), ...entriesAt(otherId, { e: 1, f: 2, g: 3, h: -1 })];
        return { intId, otherId, entries };
      };
      it.each<{ prune: Parameters<Storage['logs']['prune']>[0]; kept: string[] }>([
        { prune: { beforeMs: T0 + 2 }, kept: ['c', 'g', 'f', 'd', 'b'] },
        { prune: { beforeMs: T0 - 1 }, kept: ['c', 'g', 'f', 'd', 'b', 'e', 'a', 'h'] },
        { prune: { keepNewest: 4 }, kept: ['c', 'g', 'f', 'd'] },
        { prune: { keepNewest: 100 }, kept: ['c', 'g', 'f', 'd', 'b', 'e', 'a', 'h'] },
        { prune: { keepNewest: 0 }, kept: [] },
        { prune: { beforeMs: T0 + 1, keepNewest: 3 }, kept: ['c', 'g', 'f'] },
        { prune: { beforeMs: T0 + 3, keepNewest: 5 }, kept: ['c', 'g'] },
        { prune: {}, kept: ['c', 'g', 'f', 'd', 'b', 'e', 'a', 'h'] },
      ])('prunes with $prune, keeping $kept', async ({ prune, kept }) => {
        const { intId, otherId, entries } = twoIntegrations();
        await store().append(entries);
        expect(await store().prune(prune)).toBe(entries.length - kept.length);
        expect(await store().count()).toBe(kept.length);
        expect(events((await queryAll({}, 3)).items)).toEqual(kept);
        expect(events((await queryAll({ intId }, 3)).items)).toEqual(kept.filter((event) => ownEvents.has(event)));
        expect(events((await queryAll({ intId: otherId }, 3)).items)).toEqual(kept.filter((event) => !ownEvents.has(event)));
      });

      it('accepts entries again after pruning everything', async () => {
        const { intId, entries } = twoIntegrations();
        await store().append(entries);
        await store().prune({ keepNewest: 0 });
        const later = makeLogEntry({ intId, event: 'later', loggedAt: T0 + 10 });
        await store().append([later]);
        expect((await store().query({ intId, limit: 10 })).items).toEqual([later]);
      });
    });
  });
}
