import type { InboxAcceptance, InboxRecord } from '@portico/core';
import { describeWithServices, makeInboxRecord, makeLogEntry, randomHex, randomIntegrationId, T0 } from '@portico/testing';
import { Pool, type QueryConfig } from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { postgresStorage, type PostgresStorage } from '../src/index';
import { dropSchema, postgresAnswers, TEST_PG_URL, tablesOf, throwawaySchema } from './postgres-server';

const REPLAY_TTL_MS = 300_000;

/** An acceptance of a fresh event of `intId`; `event` replaces any of the event's fields. */
function acceptance(intId: string, event: Partial<InboxRecord> = {}): InboxAcceptance {
  return { event: makeInboxRecord({ intId, ...event }), replayTtlMs: REPLAY_TTL_MS, log: makeLogEntry({ intId, loggedAt: T0 }) };
}

/** A pool that records the statements sent through `pool.query`, the storage's only way to the server outside transactions. */
function countingPool() {
  const pool = new Pool({ connectionString: TEST_PG_URL });
  const sent: string[] = [];
  let onSend: (text: string) => void = () => {};
  const query = pool.query.bind(pool) as (config: QueryConfig) => Promise<unknown>;
  Object.assign(pool, {
    query: (config: QueryConfig) => {
      sent.push(config.text);
      onSend(config.text);
      return query(config);
    },
  });
  return {
    pool,
    sent,
    /** How many statements wrote to the inbox. */
    acceptStatements: () => sent.filter((text) => text.includes('"inbox_events"') && text.includes('INSERT INTO')).length,
    /** Runs `listener` as each statement is sent. */
    onSend: (listener: (text: string) => void) => {
      onSend = listener;
    },
  };
}

await describeWithServices('postgresStorage inbox acceptances', { postgres: postgresAnswers }, () => {
  const schema = throwawaySchema();
  let admin: Pool;
  let counting: ReturnType<typeof countingPool>;
  let storage: PostgresStorage;
  let emptyAll: string;

  beforeAll(async () => {
    admin = new Pool({ connectionString: TEST_PG_URL });
    await postgresStorage({ pool: admin }, { schema }).ready();
    const tables = await tablesOf(admin, schema);
    emptyAll = tables.filter((table) => !table.endsWith('"schema_migrations"')).map((table) => `DELETE FROM ${table};`).join('\n');
  });

  beforeEach(async () => {
    await admin.query(emptyAll);
    counting = countingPool();
    storage = postgresStorage({ pool: counting.pool }, { schema });
    await storage.ready();
    counting.sent.length = 0;
  });

  afterEach(async () => {
    await storage.close();
    await counting.pool.end();
  });

  afterAll(async () => {
    await dropSchema(admin, schema);
    await admin.end();
  });

  it('writes 1,000 concurrent acceptances of one integration in 2 statements, all committed', async () => {
    const intId = randomIntegrationId();
    const acceptances = Array.from({ length: 1000 }, (_, index) => acceptance(intId, { receivedAt: T0 + index }));

    expect(await Promise.all(acceptances.map((item) => storage.inbox.accept(item)))).toEqual(acceptances.map(() => true));

    expect(counting.acceptStatements()).toBe(2);
    // Every round trip: the 2 batches and one sweep of expired replay ids (every 1,000 ids).
    expect(counting.sent.length).toBeLessThanOrEqual(3);
    expect((await storage.inbox.list({ limit: 1 })).total).toBe(1000);
    expect(await storage.logs.count()).toBe(1000);
    expect(await storage.usage.totals(intId)).toEqual({ success: 1000, error: 0, rateLimited: 0, lastAtMs: T0 + 999 });
    const minutes = await storage.usage.buckets(intId, 'minute', T0, T0 + 60_000);
    expect(minutes).toEqual([{ startMs: T0, success: 1000, error: 0, rateLimited: 0, lastAtMs: T0 + 999 }]);
  });

  it('gathers the acceptances that arrive while a batch is written into the next one', async () => {
    const intId = randomIntegrationId();
    const later = Array.from({ length: 50 }, () => acceptance(intId));
    let laterAccepted: Promise<boolean[]> | undefined;
    counting.onSend(() => {
      laterAccepted ??= Promise.all(later.map((item) => storage.inbox.accept(item)));
    });

    expect(await storage.inbox.accept(acceptance(intId))).toBe(true);
    expect(await laterAccepted).toEqual(later.map(() => true));

    expect(counting.acceptStatements()).toBe(2);
    expect((await storage.usage.totals(intId)).success).toBe(51);
  });

  it('makes a committed acceptance visible to another storage once accept resolves', async () => {
    const other = postgresStorage({ connectionString: TEST_PG_URL }, { schema });
    try {
      const item = acceptance(randomIntegrationId());
      expect(await storage.inbox.accept(item)).toBe(true);

      expect(await other.inbox.get(item.event.id)).toEqual(item.event);
      expect(await other.replay.seen(item.event.intId, item.event.messageId as string, T0 + REPLAY_TTL_MS - 1)).toBe(true);
      expect((await other.logs.query({ intId: item.event.intId, limit: 10 })).items).toEqual([item.log]);
      expect((await other.usage.totals(item.event.intId)).success).toBe(1);
    } finally {
      await other.close();
    }
  });

  it('accepts one of 100 concurrent acceptances of one message id from two storages', async () => {
    const other = postgresStorage({ connectionString: TEST_PG_URL }, { schema });
    try {
      const intId = randomIntegrationId();
      const messageId = `msg_${randomHex(12)}`;
      const results = await Promise.all(
        Array.from({ length: 100 }, (_, index) => (index % 2 === 0 ? storage : other).inbox.accept(acceptance(intId, { messageId }))),
      );

      expect(results.filter(Boolean)).toHaveLength(1);
      expect((await storage.inbox.list({ intId, limit: 10 })).total).toBe(1);
      expect(await storage.logs.count()).toBe(1);
      expect((await storage.usage.totals(intId)).success).toBe(1);
    } finally {
      await other.close();
    }
  });

  it('accepts each of 300 message ids once when two storages take them in opposite orders', async () => {
    const other = postgresStorage({ connectionString: TEST_PG_URL }, { schema });
    try {
      const intIds = [randomIntegrationId(), randomIntegrationId()];
      const messages = Array.from({ length: 300 }, (_, index) => ({ intId: intIds[index % 2] as string, messageId: `msg_${randomHex(12)}` }));
      const acceptAll = (target: PostgresStorage, ids: typeof messages) =>
        Promise.all(ids.map(({ intId, messageId }) => target.inbox.accept(acceptance(intId, { messageId }))));
      // Opposite orders, and an integration each per id: concurrent batches that locked rows in
      // the order they were given would deadlock.
      const [forward, backward] = await Promise.all([
        acceptAll(storage, messages),
        acceptAll(other, [...messages].reverse()),
      ]);

      const accepted = messages.map((_, index) => Number(forward[index]) + Number(backward[messages.length - 1 - index]));
      expect(accepted).toEqual(messages.map(() => 1));
      expect((await storage.inbox.list({ limit: 1 })).total).toBe(300);
      const totals = await Promise.all(intIds.map((intId) => storage.usage.totals(intId)));
      expect(totals.reduce((sum, counts) => sum + counts.success, 0)).toBe(300);
    } finally {
      await other.close();
    }
  });

  it('answers later acceptances of a message id in one batch as replays, in one statement', async () => {
    const intId = randomIntegrationId();
    const messageId = `msg_${randomHex(12)}`;
    const results = await Promise.all(Array.from({ length: 20 }, () => storage.inbox.accept(acceptance(intId, { messageId }))));

    expect(results).toEqual([true, ...Array.from({ length: 19 }, () => false)]);
    expect(counting.acceptStatements()).toBe(1);
    expect((await storage.usage.totals(intId)).success).toBe(1);
  });

  it('accepts a message id again in one batch once its first acceptance has expired', async () => {
    const intId = randomIntegrationId();
    const messageId = `msg_${randomHex(12)}`;
    const results = await Promise.all([
      storage.inbox.accept(acceptance(intId, { messageId, receivedAt: T0 })),
      storage.inbox.accept(acceptance(intId, { messageId, receivedAt: T0 + REPLAY_TTL_MS - 1 })),
      storage.inbox.accept(acceptance(intId, { messageId, receivedAt: T0 + REPLAY_TTL_MS })),
    ]);

    expect(results).toEqual([true, false, true]);
    expect((await storage.usage.totals(intId)).success).toBe(2);
  });

  it('refuses an acceptance whose event id is taken and writes the rest of its batch', async () => {
    const intId = randomIntegrationId();
    const first = acceptance(intId);
    await storage.inbox.accept(first);
    counting.sent.length = 0;

    const batch = Array.from({ length: 9 }, () => acceptance(intId));
    const taken = acceptance(intId, { id: first.event.id });
    const results = await Promise.allSettled([...batch.slice(0, 4), taken, ...batch.slice(4)].map((item) => storage.inbox.accept(item)));

    expect(results[4]).toMatchObject({ status: 'rejected', reason: { code: 'INTERNAL', message: expect.stringContaining(first.event.id) } });
    expect(results.filter((result) => result.status === 'fulfilled' && result.value)).toHaveLength(9);
    expect(counting.acceptStatements()).toBe(1);
    // The refused acceptance wrote nothing: not its replay id, log entry or count.
    expect(await storage.replay.seen(intId, taken.event.messageId as string, T0)).toBe(false);
    expect(await storage.logs.count()).toBe(10);
    expect((await storage.usage.totals(intId)).success).toBe(10);
    expect(await storage.inbox.get(first.event.id)).toEqual(first.event);
  });

  it('refuses the second of two acceptances of one event id in one batch', async () => {
    const intId = randomIntegrationId();
    const event = makeInboxRecord({ intId });
    const results = await Promise.allSettled([
      storage.inbox.accept({ event, replayTtlMs: REPLAY_TTL_MS, log: makeLogEntry({ intId }) }),
      storage.inbox.accept({ event: { ...event, messageId: `msg_${randomHex(12)}` }, replayTtlMs: REPLAY_TTL_MS, log: makeLogEntry({ intId }) }),
      storage.inbox.accept(acceptance(intId)),
    ]);

    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((await storage.usage.totals(intId)).success).toBe(2);
  });

  it('fails only the acceptance whose values the database refuses', async () => {
    const intId = randomIntegrationId();
    const items = Array.from({ length: 8 }, () => acceptance(intId));
    const refused = acceptance(intId, { event: null as unknown as string });
    const results = await Promise.allSettled([...items.slice(0, 5), refused, ...items.slice(5)].map((item) => storage.inbox.accept(item)));

    expect(results[5]).toMatchObject({ status: 'rejected', reason: { code: '23502' } });
    expect(results.filter((result) => result.status === 'fulfilled' && result.value)).toHaveLength(8);
    expect(await storage.replay.seen(intId, refused.event.messageId as string, T0)).toBe(false);
    expect((await storage.usage.totals(intId)).success).toBe(8);
  });

  it('fails only its own callers when a batch cannot be written', async () => {
    const intId = randomIntegrationId();
    const later = Array.from({ length: 5 }, () => acceptance(intId));
    let laterAccepted: Promise<boolean[]> | undefined;
    const query = counting.pool.query.bind(counting.pool) as (config: QueryConfig) => Promise<unknown>;
    Object.assign(counting.pool, {
      query: (config: QueryConfig) => {
        if (laterAccepted !== undefined) return query(config);
        laterAccepted = Promise.all(later.map((item) => storage.inbox.accept(item)));
        return Promise.reject(new Error('Connection terminated unexpectedly'));
      },
    });

    await expect(storage.inbox.accept(acceptance(intId))).rejects.toThrow('Connection terminated unexpectedly');
    expect(await laterAccepted).toEqual(later.map(() => true));
    expect((await storage.usage.totals(intId)).success).toBe(5);
  });

  it('deletes the replay ids expired at the time of a batch once 1,000 ids have been remembered', async () => {
    const intId = randomIntegrationId();
    const remembered = async (id: string) =>
      (await admin.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${schema}".replay_ids WHERE id = $1`, [id])).rows[0]?.n;
    await storage.replay.remember(intId, 'msg_expiring', 1_000, T0);
    expect(await remembered('msg_expiring')).toBe(1);

    const batch = Array.from({ length: 999 }, () => acceptance(intId, { receivedAt: T0 + 1_000 }));
    await Promise.all(batch.map((item) => storage.inbox.accept(item)));

    expect(await remembered('msg_expiring')).toBe(0);
    expect(await storage.replay.seen(intId, batch[0]?.event.messageId as string, T0 + 1_000)).toBe(true);
  });

  it('writes the acceptances queued before close() and then closes', async () => {
    const intId = randomIntegrationId();
    const accepted = Promise.all(Array.from({ length: 10 }, () => storage.inbox.accept(acceptance(intId))));
    await storage.close();

    expect(await accepted).toEqual(Array.from({ length: 10 }, () => true));
    expect((await postgresStorage({ pool: admin }, { schema }).usage.totals(intId)).success).toBe(10);
  });
});
