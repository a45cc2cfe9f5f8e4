import type { InboxRecord } from '@portico/core';
import { T0, makeInboxRecord, makeLogEntry, randomIntegrationId } from '@portico/testing';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { groupCommit } from '../src/group-commit';
import { sqliteInboxStore } from '../src/inbox-store';
import { sqliteStorage } from '../src/index';
import { openDatabase } from '../src/open-database';
import { sqliteReplayIds } from '../src/replay-store';
import { tempFiles } from './support/temp-files';

const files = tempFiles();
afterEach(() => files.removeAll());

const acceptanceOf = (event: InboxRecord) => ({
  event,
  replayTtlMs: 300_000,
  log: makeLogEntry({ intId: event.intId, loggedAt: event.receivedAt }),
});

/** An inbox on a fresh database, with every statement it prepares (its SQL text), in order. */
function inboxWithStatements() {
  const db = openDatabase(':memory:', 1000);
  const statements: string[] = [];
  const prepare = db.prepare.bind(db);
  db.prepare = ((source: string) => {
    statements.push(source);
    return prepare(source);
  }) as typeof db.prepare;
  const group = groupCommit(db);
  const inbox = sqliteInboxStore(db, group, sqliteReplayIds(db, group));
  /** How SQLite runs the statement prepared last that holds `part`, one line a step. */
  const planOf = (part: string, params: Record<string, unknown>) => {
    const source = statements.findLast((statement) => statement.includes(part));
    if (source === undefined) throw new Error(`No statement holds '${part}'.`);
    return prepare<Record<string, unknown>, { detail: string }>(`EXPLAIN QUERY PLAN ${source}`)
      .all(params)
      .map((step) => step.detail);
  };
  return { db, inbox, planOf };
}

describe('sqlite inbox', () => {
  it('counts the usage of acceptances committed together exactly, per integration and row', async () => {
    const { db, inbox } = inboxWithStatements();
    const [a, b] = [randomIntegrationId(), randomIntegrationId()];
    const events = [...Array(40).keys()].map((i) => makeInboxRecord({ intId: i % 2 === 0 ? a : b, receivedAt: T0 + i * 1_000 }));
    const results = await Promise.all(events.map((event) => inbox.accept(acceptanceOf(event))));
    expect(results).toEqual(Array(40).fill(true));
    const rows = db
      .prepare<[], { intId: string; granularity: string; startMs: number; success: number; lastAtMs: number }>(
        'SELECT int_id AS intId, granularity, start_ms AS startMs, success, last_at_ms AS lastAtMs FROM usage_counters ORDER BY 1, 2, 3',
      )
      .all();
    const of = (intId: string) => rows.filter((row) => row.intId === intId);
    // 40 webhooks one second apart from T0, all in its first minute and hour.
    expect(of(a)).toEqual([
      { intId: a, granularity: 'hour', startMs: T0, success: 20, lastAtMs: T0 + 38_000 },
      { intId: a, granularity: 'minute', startMs: T0, success: 20, lastAtMs: T0 + 38_000 },
      { intId: a, granularity: 'total', startMs: 0, success: 20, lastAtMs: T0 + 38_000 },
    ]);
    expect(of(b).find((row) => row.granularity === 'total')).toMatchObject({ success: 20, lastAtMs: T0 + 39_000 });
  });

  it('claims through the due index, in its order, without sorting', async () => {
    const { db, inbox, planOf } = inboxWithStatements();
    await inbox.claim({ owner: 'dispatcher-a', nowMs: T0, leaseMs: 1000, limit: 10 });
    const plan = planOf('UPDATE inbox_events SET lease_owner', { owner: '', nowMs: 0, leaseExpiresAt: 0, limit: 1 });
    const dueSearch = /^SEARCH inbox_events USING (COVERING )?INDEX inbox_events_due \(status=\? AND next_attempt_at<\?\)/;
    expect(plan).toContainEqual(expect.stringMatching(dueSearch));
    expect(plan.join('\n')).not.toContain('TEMP B-TREE');
    db.close();
  });

  it.each([
    { listing: 'every event', query: {}, index: /^SCAN inbox_events USING INDEX inbox_events_by_receipt/ },
    {
      listing: 'one integration’s events',
      query: { intId: 'GW-0000000A' },
      index: /^SEARCH inbox_events USING INDEX inbox_events_by_integration \(int_id=\?\)/,
    },
  ])('lists $listing newest first through its index, without sorting', async ({ query, index }) => {
    const { db, inbox, planOf } = inboxWithStatements();
    await inbox.list({ ...query, limit: 10 });
    const plan = planOf('ORDER BY received_at DESC', { ...query, limit: 1 });
    expect(plan).toContainEqual(expect.stringMatching(index));
    expect(plan.join('\n')).not.toContain('TEMP B-TREE');
    db.close();
  });

  it('answers an acceptance once all of it is committed, for other connections to see', async () => {
    const filename = files.newDatabase();
    const storage = sqliteStorage({ filename });
    const other = new Database(filename, { readonly: true });
    const count = (sql: string, id: string) => other.prepare<[string], number>(sql).pluck().get(id);
    const event = makeInboxRecord({ intId: randomIntegrationId() });
    try {
      expect(await storage.inbox.accept(acceptanceOf(event))).toBe(true);
      expect(count('SELECT count(*) FROM inbox_events WHERE id = ?', event.id)).toBe(1);
      expect(count('SELECT count(*) FROM log_entries WHERE int_id = ?', event.intId)).toBe(1);
      expect(count('SELECT sum(success) FROM usage_counters WHERE int_id = ?', event.intId)).toBe(3);
      expect(count('SELECT count(*) FROM replay_ids WHERE id = ?', event.messageId ?? '')).toBe(1);
    } finally {
      other.close();
      await storage.close();
    }
  });

  it('lets one of two storages on one file accept a message id both receive at once', async () => {
    const filename = files.newDatabase();
    const [left, right] = [sqliteStorage({ filename }), sqliteStorage({ filename })];
    const original = makeInboxRecord();
    const copies = Array.from({ length: 20 }, (_, index) =>
      makeInboxRecord({ intId: original.intId, messageId: original.messageId, receivedAt: T0 + index }),
    );
    const results = await Promise.all(
      copies.map((copy, index) => (index % 2 === 0 ? left : right).inbox.accept(acceptanceOf(copy))),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    expect((await left.inbox.list({ intId: original.intId, limit: 10 })).total).toBe(1);
    expect((await right.usage.totals(original.intId)).success).toBe(1);
    await Promise.all([left.close(), right.close()]);
  });
});
