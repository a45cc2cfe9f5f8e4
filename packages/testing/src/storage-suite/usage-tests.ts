import type { Storage, UsageCounts } from '@portico/core';
import { describe, expect, it } from 'vitest';
import { HOUR_MS, MINUTE_MS, T0, makeUsageDelta, randomIntegrationId } from './fixtures';

const NO_USAGE: UsageCounts = { success: 0, error: 0, rateLimited: 0, lastAtMs: null };

/**
 * The contract of {@link Storage.usage}: summed rows, atomic increments, bucket ranges,
 * totals, summary and retention.
 *
 * @example
 * ```ts
 * describe('my store', () => usageStoreTests(() => storage));
 * ```
 */
export function usageStoreTests(storage: () => Storage): void {
  const store = () => storage().usage;

  describe('usage', () => {
    it('sums deltas into their row and keeps the latest lastAtMs', async () => {
      const intId = randomIntegrationId();
      await store().add([makeUsageDelta({ intId, success: 2, error: 1, rateLimited: 0, lastAtMs: T0 + 50 })]);
      await store().add([makeUsageDelta({ intId, success: 1, error: 0, rateLimited: 4, lastAtMs: T0 + 20 })]);
      expect(await store().totals(intId)).toEqual({ success: 3, error: 1, rateLimited: 4, lastAtMs: T0 + 50 });
    });

    it('sums deltas of one row given in the same call', async () => {
      const intId = randomIntegrationId();
      const minute = { intId, granularity: 'minute', startMs: T0 } as const;
      await store().add([
        makeUsageDelta({ ...minute, success: 1, lastAtMs: T0 + 1 }),
        makeUsageDelta({ intId, success: 1 }),
        makeUsageDelta({ ...minute, success: 0, error: 1, lastAtMs: T0 + 2 }),
        makeUsageDelta({ ...minute, success: 0, rateLimited: 1, lastAtMs: T0 }),
      ]);
      expect(await store().buckets(intId, 'minute', T0, T0 + MINUTE_MS)).toEqual([
        { startMs: T0, success: 1, error: 1, rateLimited: 1, lastAtMs: T0 + 2 },
      ]);
    });

    it('has zeros and a null lastAtMs for an integration without usage', async () => {
      expect(await store().totals(randomIntegrationId())).toEqual(NO_USAGE);
      expect(await store().buckets(randomIntegrationId(), 'hour', 0, T0 + HOUR_MS)).toEqual([]);
    });

    it('adds 200 concurrent calls exactly', async () => {
      const intId = randomIntegrationId();
      await Promise.all(
        Array.from({ length: 200 }, (_, index) =>
          store().add([
            makeUsageDelta({ intId, success: 1, error: index % 2, rateLimited: index % 5 === 0 ? 1 : 0, lastAtMs: T0 + index }),
            makeUsageDelta({ intId, granularity: 'minute', startMs: T0, lastAtMs: T0 + index }),
          ]),
        ),
      );
      expect(await store().totals(intId)).toEqual({ success: 200, error: 100, rateLimited: 40, lastAtMs: T0 + 199 });
      expect(await store().buckets(intId, 'minute', T0, T0 + 1)).toEqual([
        { startMs: T0, success: 200, error: 0, rateLimited: 0, lastAtMs: T0 + 199 },
      ]);
    });

    describe('buckets', () => {
      it.each([
        { range: 'a middle slice', fromMs: T0 + MINUTE_MS, toMs: T0 + 4 * MINUTE_MS, expected: [1, 2, 3] },
        { range: 'everything', fromMs: 0, toMs: T0 + HOUR_MS, expected: [0, 1, 2, 3, 4] },
        { range: 'bounds between buckets', fromMs: T0 + 1, toMs: T0 + 2 * MINUTE_MS + 1, expected: [1, 2] },
        { range: 'an empty range', fromMs: T0 + MINUTE_MS, toMs: T0 + MINUTE_MS, expected: [] },
        { range: 'a range after the last bucket', fromMs: T0 + 5 * MINUTE_MS, toMs: T0 + HOUR_MS, expected: [] },
      ])('returns the buckets of $range ascending, from inclusive, to exclusive', async ({ fromMs, toMs, expected }) => {
        const intId = randomIntegrationId();
        const minutes = [3, 0, 4, 1, 2];
        await store().add([
          ...minutes.map((minute) =>
            makeUsageDelta({ intId, granularity: 'minute', startMs: T0 + minute * MINUTE_MS, success: minute, lastAtMs: T0 + minute * MINUTE_MS }),
          ),
          makeUsageDelta({ intId, granularity: 'hour', startMs: T0 + MINUTE_MS }),
          makeUsageDelta({ intId: randomIntegrationId(), granularity: 'minute', startMs: T0 + 2 * MINUTE_MS }),
        ]);
        expect(await store().buckets(intId, 'minute', fromMs, toMs)).toEqual(
          expected.map((minute) => ({
            startMs: T0 + minute * MINUTE_MS,
            success: minute,
            error: 0,
            rateLimited: 0,
            lastAtMs: T0 + minute * MINUTE_MS,
          })),
        );
      });
    });

    it('summarises the total rows of every integration, and nothing else', async () => {
      expect(await store().summary()).toEqual(NO_USAGE);
      const [a, b] = [randomIntegrationId(), randomIntegrationId()];
      await store().add([
        makeUsageDelta({ intId: a, success: 3, error: 1, lastAtMs: T0 + 7 }),
        makeUsageDelta({ intId: b, success: 1, rateLimited: 2, lastAtMs: T0 + 9 }),
        makeUsageDelta({ intId: a, granularity: 'minute', startMs: T0, success: 50, lastAtMs: T0 + 99 }),
        makeUsageDelta({ intId: b, granularity: 'hour', startMs: T0, error: 50, lastAtMs: T0 + 99 }),
      ]);
      expect(await store().summary()).toEqual({ success: 4, error: 1, rateLimited: 2, lastAtMs: T0 + 9 });
    });

    it('prunes rows of one granularity that start before the cut, across integrations', async () => {
      const [a, b] = [randomIntegrationId(), randomIntegrationId()];
      const cut = T0 + 2 * MINUTE_MS;
      const minuteRows = (intId: string) =>
        [0, 1, 2, 3].map((minute) => makeUsageDelta({ intId, granularity: 'minute', startMs: T0 + minute * MINUTE_MS }));
      await store().add([
        ...minuteRows(a),
        ...minuteRows(b),
        makeUsageDelta({ intId: a, granularity: 'hour', startMs: T0 }),
        makeUsageDelta({ intId: a, success: 8 }),
      ]);
      expect(await store().prune('minute', cut)).toBe(4);
      expect(await store().prune('minute', cut)).toBe(0);
      for (const intId of [a, b]) {
        const kept = await store().buckets(intId, 'minute', 0, T0 + HOUR_MS);
        expect(kept.map((row) => row.startMs)).toEqual([cut, cut + MINUTE_MS]);
      }
      expect(await store().buckets(a, 'hour', 0, T0 + HOUR_MS)).toHaveLength(1);
      expect((await store().totals(a)).success).toBe(8);
      expect(await store().prune('hour', T0 + 1)).toBe(1);
      expect((await store().totals(a)).success).toBe(8);
    });

    it('counts usage of an integration it holds no record of (a batch may land after a removal)', async () => {
      const intId = randomIntegrationId();
      expect(await storage().integrations.get(intId)).toBeNull();
      await store().add([makeUsageDelta({ intId })]);
      expect((await store().totals(intId)).success).toBe(1);
    });

    it('returns copies of its rows', async () => {
      const intId = randomIntegrationId();
      await store().add([makeUsageDelta({ intId, granularity: 'hour', startMs: T0 })]);
      const [bucket] = await store().buckets(intId, 'hour', T0, T0 + 1);
      if (bucket === undefined) throw new Error('expected a bucket');
      bucket.success = 99;
      expect((await store().buckets(intId, 'hour', T0, T0 + 1))[0]?.success).toBe(1);
    });
  });
}
