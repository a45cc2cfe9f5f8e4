import { isPorticoError, type IntegrationCounts, type IntegrationQuery, type IntegrationRecord, type Storage } from '@portico/core';
import { describe, expect, it } from 'vitest';
import { HOUR_MS, T0, makeIntegrationRecord, makeLogEntry, makeUsageDelta, randomHex } from './fixtures';
import { readAllPages } from './read-all-pages';

const byListingOrder = (a: IntegrationRecord, b: IntegrationRecord) =>
  a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** Counts with zero entries dropped: a store may report a zero or leave the key out. */
function withoutZeros(counts: IntegrationCounts): IntegrationCounts {
  const nonZero = (byKey: Record<string, number | undefined>) =>
    Object.fromEntries(Object.entries(byKey).filter(([, count]) => count !== 0));
  return { total: counts.total, byType: nonZero(counts.byType), byStatus: nonZero(counts.byStatus) };
}

/**
 * The contract of {@link Storage.integrations}: key-hash uniqueness, optimistic versions,
 * copies, listing, counts and removal.
 *
 * @example
 * ```ts
 * describe('my store', () => integrationStoreTests(() => storage));
 * ```
 */
export function integrationStoreTests(storage: () => Storage): void {
  const store = () => storage().integrations;
  const listAll = (query: Omit<IntegrationQuery, 'cursor' | 'limit'> = {}, limit = 2) =>
    readAllPages((cursor) => store().list({ ...query, cursor, limit }));
  const insertAll = async (records: IntegrationRecord[]) => {
    for (const record of records) expect(await store().insert(record)).toBe(true);
  };

  describe('integrations', () => {
    it('inserts a record and gets it back as written', async () => {
      const record = makeIntegrationRecord({ endpointUrl: 'https://10.0.0.5/hook', signatureScheme: 'standard', sealedSecret: 'v1.k1.abc' });
      expect(await store().insert(record)).toBe(true);
      expect(await store().get(record.id)).toEqual(record);
    });

    it('keeps a rotated-out signing secret, its scheme and its expiry, through insert, reads and updates', async () => {
      const rotated = { previousSealedSecret: 'v1.k1.previous', previousSignatureScheme: 'legacy', previousSecretExpiresAt: T0 + HOUR_MS } as const;
      const record = makeIntegrationRecord({ signatureScheme: 'standard', sealedSecret: 'v1.k1.current', ...rotated });
      const other = makeIntegrationRecord({ createdAt: T0 + 1 });
      await insertAll([record, other]);
      expect(await store().get(record.id)).toEqual(record);
      expect(await store().getByKeyHash(record.keyHash, T0)).toEqual(record);
      expect((await store().list({ limit: 10 })).items).toEqual([record, other]);

      const rotation = { signatureScheme: 'github', sealedSecret: 'v1.k1.newer', previousSealedSecret: 'v1.k1.older', previousSignatureScheme: 'standard', previousSecretExpiresAt: T0 + 2 * HOUR_MS } as const;
      const updated = await store().update(other.id, 1, rotation);
      expect(updated).toEqual({ ...other, ...rotation, version: 2 });
      expect(await store().get(other.id)).toEqual(updated);

      const dropped = { previousSealedSecret: null, previousSignatureScheme: null, previousSecretExpiresAt: null };
      expect(await store().update(record.id, 1, { name: 'Renamed' })).toEqual({ ...record, name: 'Renamed', version: 2 });
      expect(await store().update(record.id, 2, dropped)).toEqual({ ...record, name: 'Renamed', ...dropped, version: 3 });
      expect(await store().get(record.id)).toEqual({ ...record, name: 'Renamed', ...dropped, version: 3 });
    });

    it('gets null for an unknown id', async () => {
      expect(await store().get(makeIntegrationRecord().id)).toBeNull();
    });

    describe('key hash uniqueness', () => {
      const withPreviousKey = (expiresAt: number) => makeIntegrationRecord({ previousKeyHash: randomHex(32), previousKeyExpiresAt: expiresAt });
      it.each([
        { taken: 'the id', existing: makeIntegrationRecord, clash: (e: IntegrationRecord) => ({ id: e.id }) },
        { taken: 'a current key hash', existing: makeIntegrationRecord, clash: (e: IntegrationRecord) => ({ keyHash: e.keyHash }) },
        {
          taken: 'a previous key hash, as the new current one',
          existing: () => withPreviousKey(T0 + HOUR_MS),
          clash: (e: IntegrationRecord) => ({ keyHash: e.previousKeyHash ?? '' }),
        },
        {
          taken: 'an expired previous key hash',
          existing: () => withPreviousKey(T0 - HOUR_MS),
          clash: (e: IntegrationRecord) => ({ keyHash: e.previousKeyHash ?? '' }),
        },
        {
          taken: 'a current key hash, as the new previous one',
          existing: makeIntegrationRecord,
          clash: (e: IntegrationRecord) => ({ previousKeyHash: e.keyHash, previousKeyExpiresAt: T0 + HOUR_MS }),
        },
        {
          taken: 'a previous key hash, as the new previous one',
          existing: () => withPreviousKey(T0 + HOUR_MS),
          clash: (e: IntegrationRecord) => ({ previousKeyHash: e.previousKeyHash, previousKeyExpiresAt: T0 + HOUR_MS }),
        },
      ])('refuses an insert that reuses $taken, writing nothing', async ({ existing, clash }) => {
        const first = existing();
        await insertAll([first]);
        const second = makeIntegrationRecord({ name: 'Clash', type: 'TICKETING', ...clash(first) });
        expect(await store().insert(second)).toBe(false);
        expect((await store().list({ limit: 10 })).items).toEqual([first]);
        expect(withoutZeros(await store().counts())).toEqual({ total: 1, byType: { WEBHOOK_IN: 1 }, byStatus: { ACTIVE: 1 } });
      });
    });

    describe('getByKeyHash', () => {
      const expiresAt = T0 + HOUR_MS;
      it.each([
        { key: 'the current key', hash: (r: IntegrationRecord) => r.keyHash, nowMs: expiresAt + HOUR_MS, found: true },
        { key: 'the previous key before it expires', hash: (r: IntegrationRecord) => r.previousKeyHash ?? '', nowMs: expiresAt - 1, found: true },
        { key: 'the previous key when it expires', hash: (r: IntegrationRecord) => r.previousKeyHash ?? '', nowMs: expiresAt, found: false },
        { key: 'the previous key after it expired', hash: (r: IntegrationRecord) => r.previousKeyHash ?? '', nowMs: expiresAt + 1, found: false },
        { key: 'an unknown key', hash: () => randomHex(32), nowMs: T0, found: false },
      ])('finds by $key: $found', async ({ hash, nowMs, found }) => {
        const record = makeIntegrationRecord({ previousKeyHash: randomHex(32), previousKeyExpiresAt: expiresAt });
        await insertAll([record, makeIntegrationRecord()]);
        expect(await store().getByKeyHash(hash(record), nowMs)).toEqual(found ? record : null);
      });
    });

    describe('update', () => {
      it('applies the changes, bumps the version and keeps the other fields', async () => {
        const record = makeIntegrationRecord();
        await insertAll([record]);
        const changes = { name: 'Renamed', status: 'TEST', headers: { 'X-Env': 'staging' }, updatedBy: 'ops', updatedAt: T0 + 5 } as const;
        const updated = await store().update(record.id, 1, changes);
        expect(updated).toEqual({ ...record, ...changes, version: 2 });
        expect(await store().get(record.id)).toEqual(updated);
        expect((await store().list({ status: 'TEST', limit: 10 })).items).toEqual([updated]);
        expect((await store().update(record.id, 2, { failing: true }))?.version).toBe(3);
      });

      it('leaves fields given as undefined unchanged', async () => {
        const record = makeIntegrationRecord({ endpointUrl: 'https://10.0.0.5/hook' });
        await insertAll([record]);
        const updated = await store().update(record.id, 1, { name: undefined, endpointUrl: undefined, rateLimit: 120 });
        expect(updated).toEqual({ ...record, rateLimit: 120, version: 2 });
      });

      it('returns null and changes nothing when the version moved on or the id is unknown', async () => {
        const record = makeIntegrationRecord();
        await insertAll([record]);
        const current = await store().update(record.id, 1, { name: 'Second' });
        expect(await store().update(record.id, 1, { name: 'Stale' })).toBeNull();
        expect(await store().update(record.id, 3, { name: 'Future' })).toBeNull();
        expect(await store().update(makeIntegrationRecord().id, 1, { name: 'Nobody' })).toBeNull();
        expect(await store().get(record.id)).toEqual(current);
      });

      it('lets exactly one of two concurrent updates of one version win', async () => {
        const record = makeIntegrationRecord();
        await insertAll([record]);
        const results = await Promise.all([
          store().update(record.id, 1, { name: 'Left' }),
          store().update(record.id, 1, { name: 'Right' }),
        ]);
        const winners = results.filter((result) => result !== null);
        expect(winners).toHaveLength(1);
        expect(winners[0]?.version).toBe(2);
        expect(await store().get(record.id)).toEqual(winners[0]);
      });

      it('keeps a rotated-out key valid as the previous key until it expires', async () => {
        const record = makeIntegrationRecord();
        await insertAll([record]);
        const newHash = randomHex(32);
        await store().update(record.id, 1, { keyHash: newHash, previousKeyHash: record.keyHash, previousKeyExpiresAt: T0 + HOUR_MS });
        expect((await store().getByKeyHash(newHash, T0))?.id).toBe(record.id);
        expect((await store().getByKeyHash(record.keyHash, T0))?.id).toBe(record.id);
        expect(await store().getByKeyHash(record.keyHash, T0 + HOUR_MS)).toBeNull();
      });

      it('frees key hashes an update drops, for other integrations to take', async () => {
        const record = makeIntegrationRecord();
        await insertAll([record]);
        const [second, third] = [randomHex(32), randomHex(32)];
        await store().update(record.id, 1, { keyHash: second, previousKeyHash: record.keyHash, previousKeyExpiresAt: T0 + HOUR_MS });
        await store().update(record.id, 2, { keyHash: third, previousKeyHash: second, previousKeyExpiresAt: T0 + HOUR_MS });
        expect(await store().getByKeyHash(record.keyHash, T0)).toBeNull();
        const other = makeIntegrationRecord({ keyHash: record.keyHash });
        expect(await store().insert(other)).toBe(true);
        expect((await store().getByKeyHash(record.keyHash, T0))?.id).toBe(other.id);
        await store().update(record.id, 3, { previousKeyHash: null, previousKeyExpiresAt: null });
        expect(await store().getByKeyHash(second, T0)).toBeNull();
      });

      it.each([
        { change: 'its key hash to another current one', changes: (o: IntegrationRecord) => ({ keyHash: o.keyHash }) },
        { change: 'its key hash to another previous one', changes: (o: IntegrationRecord) => ({ keyHash: o.previousKeyHash ?? '' }) },
        { change: 'its previous key hash to another current one', changes: (o: IntegrationRecord) => ({ previousKeyHash: o.keyHash }) },
      ])('rejects an update of $change and changes nothing', async ({ changes }) => {
        const record = makeIntegrationRecord();
        const other = makeIntegrationRecord({ previousKeyHash: randomHex(32), previousKeyExpiresAt: T0 + HOUR_MS });
        await insertAll([record, other]);
        await expect(store().update(record.id, 1, { ...changes(other), previousKeyExpiresAt: T0 + HOUR_MS })).rejects.toThrow();
        expect(await store().get(record.id)).toEqual(record);
        expect(await store().get(other.id)).toEqual(other);
        expect((await store().getByKeyHash(other.keyHash, T0))?.id).toBe(other.id);
        expect((await store().getByKeyHash(record.keyHash, T0))?.id).toBe(record.id);
      });
    });

    describe('copies, not aliases', () => {
      it('keeps the stored record when a caller mutates what it passed or received', async () => {
        const record = makeIntegrationRecord();
        const written = structuredClone(record);
        await insertAll([written]);
        written.name = 'Mutated input';
        written.headers['X-Team'] = 'mutated';

        const received = [
          await store().get(record.id),
          await store().getByKeyHash(record.keyHash, T0),
          ...(await store().list({ limit: 10 })).items,
        ];
        for (const copy of received) {
          if (copy === null) throw new Error('expected a record');
          copy.name = 'Mutated output';
          copy.headers['X-Team'] = 'mutated';
        }
        expect(await store().get(record.id)).toEqual(record);

        const changes = { headers: { 'X-Env': 'prod' } };
        const updated = await store().update(record.id, 1, changes);
        changes.headers['X-Env'] = 'mutated';
        if (updated) updated.headers['X-Env'] = 'mutated';
        expect((await store().get(record.id))?.headers).toEqual({ 'X-Env': 'prod' });
      });
    });

    describe('list', () => {
      it('lists oldest first by createdAt, then id, across pages exactly once', async () => {
        const records = [5, 1, 3, 1, 3, 3, 0].map((offset) => makeIntegrationRecord({ createdAt: T0 + offset }));
        await insertAll(records);
        const { items, total, pages } = await listAll({}, 3);
        expect(items).toEqual([...records].sort(byListingOrder));
        expect(total).toBe(7);
        expect(pages).toBe(3);
      });

      it('answers an empty store with an empty last page', async () => {
        expect(await store().list({ limit: 10 })).toEqual({ items: [], total: 0, nextCursor: null });
      });

      it('ends with a null cursor when the last page is exactly full', async () => {
        await insertAll([makeIntegrationRecord(), makeIntegrationRecord()]);
        expect((await store().list({ limit: 2 })).nextCursor).toBeNull();
      });

      describe('filters', () => {
        const makeFleet = () => ({
          a: makeIntegrationRecord({ createdAt: T0 + 1, type: 'WEBHOOK_IN', status: 'ACTIVE' }),
          b: makeIntegrationRecord({ createdAt: T0 + 2, type: 'WEBHOOK_IN', status: 'INACTIVE' }),
          c: makeIntegrationRecord({ createdAt: T0 + 3, type: 'REST_API', status: 'TEST' }),
          d: makeIntegrationRecord({ createdAt: T0 + 4, type: 'REST_API', status: 'ACTIVE' }),
          e: makeIntegrationRecord({ createdAt: T0 + 5, type: 'MONITORING', status: 'INACTIVE' }),
        });
        it.each<{ query: Omit<IntegrationQuery, 'cursor' | 'limit'>; expected: (keyof ReturnType<typeof makeFleet>)[] }>([
          { query: {}, expected: ['a', 'b', 'c', 'd', 'e'] },
          { query: { type: 'WEBHOOK_IN' }, expected: ['a', 'b'] },
          { query: { status: 'ACTIVE' }, expected: ['a', 'd'] },
          { query: { enabledOnly: true }, expected: ['a', 'c', 'd'] },
          { query: { enabledOnly: false }, expected: ['a', 'b', 'c', 'd', 'e'] },
          { query: { type: 'REST_API', enabledOnly: true }, expected: ['c', 'd'] },
          { query: { type: 'WEBHOOK_IN', status: 'INACTIVE' }, expected: ['b'] },
          { query: { status: 'INACTIVE', enabledOnly: true }, expected: [] },
          { query: { type: 'TICKETING' }, expected: [] },
        ])('lists $query as $expected, paged', async ({ query, expected }) => {
          const fleet = makeFleet();
          await insertAll(Object.values(fleet));
          const { items, total } = await listAll(query, 1);
          expect(items.map((record) => record.id)).toEqual(expected.map((name) => fleet[name].id));
          expect(total).toBe(expected.length);
        });
      });

      it('keeps its place when records are inserted or removed between pages', async () => {
        const records = [1, 2, 3, 4, 5, 6].map((offset) => makeIntegrationRecord({ createdAt: T0 + offset }));
        await insertAll(records);
        const first = await store().list({ limit: 2 });
        // The last record the first page showed, and the one the next page would have started with.
        for (const removed of records.slice(1, 3)) await store().remove(removed.id);
        const older = makeIntegrationRecord({ createdAt: T0 });
        const newer = makeIntegrationRecord({ createdAt: T0 + 9 });
        await insertAll([older, newer]);
        const rest = await readAllPages((cursor) => store().list({ cursor: cursor ?? first.nextCursor ?? '', limit: 2 }));
        expect(first.items).toEqual(records.slice(0, 2));
        expect(rest.items).toEqual([...records.slice(3), newer]);
        expect(rest.total).toBe(6);
      });

      it.each(['not a cursor', Buffer.from('{"createdAt":1}').toString('base64url'), Buffer.from('[1]').toString('base64url')])(
        'rejects the malformed cursor %j as a validation error',
        async (cursor) => {
          await insertAll([makeIntegrationRecord()]);
          const error = await store().list({ cursor, limit: 10 }).then(() => null, (caught: unknown) => caught);
          expect(isPorticoError(error, 'VALIDATION_FAILED')).toBe(true);
        },
      );
    });

    describe('counts', () => {
      it('follows inserts, updates and removals', async () => {
        expect(withoutZeros(await store().counts())).toEqual({ total: 0, byType: {}, byStatus: {} });
        const a = makeIntegrationRecord({ type: 'WEBHOOK_IN', status: 'ACTIVE' });
        const b = makeIntegrationRecord({ type: 'WEBHOOK_IN', status: 'TEST' });
        const c = makeIntegrationRecord({ type: 'NOTIFICATION', status: 'ACTIVE' });
        await insertAll([a, b, c]);
        expect(withoutZeros(await store().counts())).toEqual({
          total: 3,
          byType: { WEBHOOK_IN: 2, NOTIFICATION: 1 },
          byStatus: { ACTIVE: 2, TEST: 1 },
        });
        await store().update(b.id, 1, { type: 'TICKETING', status: 'INACTIVE' });
        await store().remove(c.id);
        expect(withoutZeros(await store().counts())).toEqual({
          total: 2,
          byType: { WEBHOOK_IN: 1, TICKETING: 1 },
          byStatus: { ACTIVE: 1, INACTIVE: 1 },
        });
      });
    });

    describe('remove', () => {
      it('removes the record and its key hashes, once', async () => {
        const record = makeIntegrationRecord({ previousKeyHash: randomHex(32), previousKeyExpiresAt: T0 + HOUR_MS });
        const other = makeIntegrationRecord();
        await insertAll([record, other]);
        expect(await store().remove(record.id)).toBe(true);
        expect(await store().remove(record.id)).toBe(false);
        expect(await store().get(record.id)).toBeNull();
        expect(await store().getByKeyHash(record.keyHash, T0)).toBeNull();
        expect(await store().getByKeyHash(record.previousKeyHash ?? '', T0)).toBeNull();
        expect((await listAll()).items).toEqual([other]);
        const reuse = makeIntegrationRecord({ keyHash: record.keyHash, previousKeyHash: record.previousKeyHash, previousKeyExpiresAt: T0 });
        expect(await store().insert(reuse)).toBe(true);
      });

      it('returns false for an unknown id', async () => {
        expect(await store().remove(makeIntegrationRecord().id)).toBe(false);
      });

      it('removes the usage counters of the integration but keeps its log entries', async () => {
        const record = makeIntegrationRecord();
        const other = makeIntegrationRecord();
        await insertAll([record, other]);
        const { usage, logs } = storage();
        for (const intId of [record.id, other.id]) {
          await usage.add([
            makeUsageDelta({ intId, success: 2 }),
            makeUsageDelta({ intId, granularity: 'minute', startMs: T0 }),
            makeUsageDelta({ intId, granularity: 'hour', startMs: T0 }),
          ]);
        }
        const entry = makeLogEntry({ intId: record.id });
        await logs.append([entry]);

        await store().remove(record.id);

        expect(await usage.totals(record.id)).toEqual({ success: 0, error: 0, rateLimited: 0, lastAtMs: null });
        expect(await usage.buckets(record.id, 'minute', 0, T0 + HOUR_MS)).toEqual([]);
        expect(await usage.buckets(record.id, 'hour', 0, T0 + HOUR_MS)).toEqual([]);
        expect(await usage.totals(other.id)).toEqual({ success: 2, error: 0, rateLimited: 0, lastAtMs: T0 });
        expect(await usage.summary()).toEqual({ success: 2, error: 0, rateLimited: 0, lastAtMs: T0 });
        expect(await usage.buckets(other.id, 'hour', 0, T0 + HOUR_MS)).toHaveLength(1);
        expect((await logs.query({ intId: record.id, limit: 10 })).items).toEqual([entry]);
      });
    });
  });
}
