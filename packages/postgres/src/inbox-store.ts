import { PorticoError, usageDeltas, type InboxAcceptance, type InboxRecord, type InboxStore, type UsageDelta } from '@portico/core';
import { batcher, type BatchOutcome } from './batcher';
import { rowValues, unnestRows, type ColumnTypes, type RecordColumns } from './columns';
import type { Database } from './database';
import { postgresLeaseQueue } from './lease-queue';
import { logColumns, logColumnTypes } from './log-store';
import { params, type Params } from './params';
import { isUniqueViolation } from './queries';
import type { ReplaySweep } from './replay-store';
import { ADD_TO_COUNTER, compareUsageRows } from './usage-store';

const inboxColumns: RecordColumns<InboxRecord> = {
  columns: {
    id: 'id',
    intId: 'int_id',
    messageId: 'message_id',
    event: 'event',
    sealedRequest: 'sealed_request',
    test: 'test',
    status: 'status',
    attempts: 'attempts',
    nextAttemptAt: 'next_attempt_at',
    leaseOwner: 'lease_owner',
    leaseExpiresAt: 'lease_expires_at',
    receivedAt: 'received_at',
    updatedAt: 'updated_at',
  },
  json: new Set(['attempts']),
};

const inboxColumnTypes: ColumnTypes<InboxRecord> = {
  id: 'text',
  intId: 'text',
  messageId: 'text',
  event: 'text',
  sealedRequest: 'text',
  test: 'boolean',
  status: 'text',
  attempts: 'jsonb',
  nextAttemptAt: 'bigint',
  leaseOwner: 'text',
  leaseExpiresAt: 'bigint',
  receivedAt: 'bigint',
  updatedAt: 'bigint',
};

/**
 * How much one statement writes at most: acceptances, and characters of sealed requests (a
 * request is a webhook's body and headers; the gateway bounds the bytes of bodies in flight,
 * this bounds one statement's share of them). Its callers all wait for the whole of it.
 */
const BATCH_LIMITS = {
  maxItems: 500,
  maxWeight: 16 * 1024 * 1024,
  weightOf: (acceptance: InboxAcceptance) => acceptance.event.sealedRequest.length,
};

/** SQLSTATE classes of failures caused by the values written (data exceptions, integrity violations). */
const DATA_ERROR_CLASSES = new Set(['22', '23']);

const isDataError = (error: unknown) =>
  error instanceof Error && 'code' in error && typeof error.code === 'string' && DATA_ERROR_CLASSES.has(error.code.slice(0, 2));

/** An acceptance as the rows of the statement that writes it. */
interface Prepared {
  acceptance: InboxAcceptance;
  event: unknown[];
  log: unknown[];
  usage: UsageDelta[];
}

/** The rows of an acceptance; throws what serialising its JSON fields throws, refusing that acceptance alone. */
function prepare(acceptance: InboxAcceptance): Prepared {
  const { event, log } = acceptance;
  return {
    acceptance,
    event: rowValues(inboxColumns, event),
    log: rowValues(logColumns, log),
    usage: usageDeltas(event.intId, event.receivedAt, { success: 1 }),
  };
}

/** The replay id an acceptance remembers, as one string, or null when it remembers none. */
const replayKeyOf = ({ event, replayTtlMs }: InboxAcceptance) =>
  replayTtlMs === null || event.messageId === null ? null : JSON.stringify([event.intId, event.messageId]);

const alreadyInInbox = (eventId: string, cause?: unknown) =>
  new PorticoError('INTERNAL', `Event '${eventId}' is already in the inbox.`, { cause });

/**
 * What a later acceptance of a leader's replay id becomes once the leader is written. A fresh
 * leader's id lives until its receipt plus its time to live; a replayed leader's id was live at
 * its receipt, so at any time before it too. Past either, only the database knows: written again.
 */
function followerOutcome(follower: InboxAcceptance, leader: InboxAcceptance, written: BatchOutcome<boolean>): BatchOutcome<boolean> {
  if (!('value' in written)) return { again: true };
  const at = follower.event.receivedAt;
  const leaderAt = leader.event.receivedAt;
  const live = written.value ? at < leaderAt + (leader.replayTtlMs ?? 0) : at <= leaderAt;
  return live ? { value: false } : { again: true };
}

/** The replay ids of a batch as the relation `candidate (n, scope, id, expires_at, received_at)`. */
function replaySource(batch: Prepared[], p: Params): string {
  const replays = batch.flatMap(({ acceptance: { event, replayTtlMs } }, index) =>
    replayTtlMs === null || event.messageId === null ? [] : [{ n: index + 1, event, expiresAt: event.receivedAt + replayTtlMs }],
  );
  const arrays = [
    `${p.add(replays.map((r) => r.n))}::bigint[]`,
    `${p.add(replays.map((r) => r.event.intId))}::text[]`,
    `${p.add(replays.map((r) => r.event.messageId))}::text[]`,
    `${p.add(replays.map((r) => r.expiresAt))}::bigint[]`,
    `${p.add(replays.map((r) => r.event.receivedAt))}::bigint[]`,
  ];
  return `unnest(${arrays.join(', ')}) AS candidate (n, scope, id, expires_at, received_at)`;
}

/**
 * The usage rows of a batch as the relation `delta (n, rank, int_id, granularity, start_ms,
 * last_at_ms)`: one per acceptance and row, each row ranked in the order every usage writer
 * locks rows in.
 */
function usageSource(batch: Prepared[], p: Params): string {
  const deltas = batch
    .flatMap((row, index) => row.usage.map((delta) => ({ n: index + 1, delta, rank: 0 })))
    .sort((a, b) => compareUsageRows(a.delta, b.delta));
  deltas.forEach((entry, index) => {
    const previous = deltas[index - 1];
    entry.rank = previous === undefined ? 0 : previous.rank + (compareUsageRows(previous.delta, entry.delta) === 0 ? 0 : 1);
  });
  const arrays = [
    `${p.add(deltas.map((d) => d.n))}::bigint[]`,
    `${p.add(deltas.map((d) => d.rank))}::integer[]`,
    `${p.add(deltas.map((d) => d.delta.intId))}::text[]`,
    `${p.add(deltas.map((d) => d.delta.granularity))}::text[]`,
    `${p.add(deltas.map((d) => d.delta.startMs))}::bigint[]`,
    `${p.add(deltas.map((d) => d.delta.lastAtMs))}::bigint[]`,
  ];
  return `unnest(${arrays.join(', ')}) AS delta (n, rank, int_id, granularity, start_ms, last_at_ms)`;
}

/**
 * The inbox in PostgreSQL.
 *
 * Acceptances are written in batches: one statement, so one round trip and one commit, per batch
 * of up to 500. Every acceptance of an integration adds to the same three usage
 * rows, whose row locks serialise the transactions that write them until they commit; one
 * commit per webhook would cap an integration at one webhook per commit latency. The acceptances
 * that arrive while a batch is written go together in the next.
 *
 * The statement chains data-modifying CTEs over arrays: it sets aside acceptances whose event id
 * is taken, remembers the replay ids of the others (an upsert that writes only a new or expired
 * id, sorted so concurrent batches lock ids in one order), stores the events and log entries of
 * the fresh ones, and adds their usage counts, one upsert per row in the order every usage writer
 * uses. PostgreSQL refuses an upsert that touches one row twice, so a batch holds one acceptance
 * per replay id and per event id; a later one waits for the earlier's outcome. A batch refused
 * for its values is split until the refusal is pinned on one acceptance, so one bad acceptance
 * never fails the others.
 *
 * @example
 * ```ts
 * const inbox = postgresInboxStore(createDatabase(pool, tablesIn('portico')), replaySweep(db));
 * const fresh = await inbox.accept({ event, replayTtlMs: 300_000, log: entry });
 * ```
 */
export function postgresInboxStore(db: Database, sweep: ReplaySweep): InboxStore & { drain(): Promise<void> } {
  const { inbox, replay, logs, usage } = db.tables;
  const queue = postgresLeaseQueue<InboxRecord>(db, { table: inbox, mapping: inboxColumns, createdColumn: 'received_at' });

  function statement(batch: Prepared[]): { text: string; values: unknown[] } {
    const p = params();
    const events = unnestRows(inboxColumns, inboxColumnTypes, batch.map((row) => row.event), p, 'n');
    const entries = unnestRows(logColumns, logColumnTypes, batch.map((row) => row.log), p, 'n');

    const replays = replaySource(batch, p);
    const deltas = usageSource(batch, p);

    const text = `
      WITH incoming AS (SELECT * FROM ${events.from}),
      taken AS (SELECT incoming.n FROM incoming JOIN ${inbox} AS stored ON stored.id = incoming.id),
      candidate AS (SELECT * FROM ${replays} WHERE candidate.n NOT IN (SELECT n FROM taken)),
      remembered AS (
        INSERT INTO ${replay} AS seen (scope, id, expires_at)
        SELECT scope, id, expires_at FROM candidate ORDER BY scope COLLATE "C", id COLLATE "C"
        ON CONFLICT (scope, id) DO UPDATE SET expires_at = EXCLUDED.expires_at
        WHERE seen.expires_at <= (SELECT received_at FROM candidate WHERE candidate.scope = EXCLUDED.scope AND candidate.id = EXCLUDED.id)
        RETURNING scope, id
      ),
      fresh AS (
        SELECT incoming.n FROM incoming
        WHERE incoming.n NOT IN (SELECT n FROM taken)
          AND (incoming.n NOT IN (SELECT n FROM candidate)
            OR incoming.n IN (SELECT candidate.n FROM candidate JOIN remembered USING (scope, id)))
      ),
      stored AS (INSERT INTO ${inbox} (${events.columns}) SELECT ${events.columns} FROM incoming WHERE n IN (SELECT n FROM fresh)),
      logged AS (
        INSERT INTO ${logs} (${entries.columns}) SELECT ${entries.columns} FROM ${entries.from}
        WHERE n IN (SELECT n FROM fresh) ORDER BY n
      ),
      counted AS (
        INSERT INTO ${usage} AS counter (int_id, granularity, start_ms, success, error, rate_limited, last_at_ms)
        SELECT int_id, granularity, start_ms, count(*), 0, 0, max(last_at_ms) FROM ${deltas}
        WHERE n IN (SELECT n FROM fresh)
        GROUP BY rank, int_id, granularity, start_ms
        ORDER BY rank
        ${ADD_TO_COUNTER}
      )
      SELECT n::integer AS n, true AS fresh FROM fresh UNION ALL SELECT n::integer, false FROM taken`;
    return { text, values: p.values };
  }

  /** Writes the batch, never throwing: a failure becomes the outcome of the acceptances it belongs to. */
  async function write(batch: Prepared[]): Promise<BatchOutcome<boolean>[]> {
    try {
      const { text, values } = statement(batch);
      const { rows } = await db.query<{ n: number; fresh: boolean }>(text, values);
      const written = new Map(rows.map((row) => [row.n, row.fresh]));
      return batch.map(({ acceptance }, index) => {
        const fresh = written.get(index + 1);
        if (fresh === false) return { error: alreadyInInbox(acceptance.event.id) };
        return { value: fresh === true };
      });
    } catch (error) {
      if (batch.length > 1 && isDataError(error)) {
        const half = Math.ceil(batch.length / 2);
        return [...(await write(batch.slice(0, half))), ...(await write(batch.slice(half)))];
      }
      // An event id taken by a batch that committed while this one ran.
      const only = batch[0];
      if (batch.length === 1 && only !== undefined && isUniqueViolation(error) && (error as { constraint?: string }).constraint === 'inbox_events_pkey') {
        return [{ error: alreadyInInbox(only.acceptance.event.id, error) }];
      }
      return batch.map(() => ({ error }));
    }
  }

  async function acceptAll(acceptances: InboxAcceptance[]): Promise<BatchOutcome<boolean>[]> {
    const outcomes: BatchOutcome<boolean>[] = acceptances.map(() => ({ again: true }));
    const leaders: { index: number; prepared: Prepared }[] = [];
    const leaderByReplayKey = new Map<string, number>();
    const eventIds = new Set<string>();
    const followers: { index: number; leader: number }[] = [];

    acceptances.forEach((acceptance, index) => {
      // A second acceptance of one event id waits for the next batch, which sees the first's row.
      if (eventIds.has(acceptance.event.id)) return;
      const key = replayKeyOf(acceptance);
      const leader = key === null ? undefined : leaderByReplayKey.get(key);
      if (leader !== undefined) {
        followers.push({ index, leader });
        return;
      }
      try {
        leaders.push({ index, prepared: prepare(acceptance) });
      } catch (error) {
        outcomes[index] = { error };
        return;
      }
      eventIds.add(acceptance.event.id);
      if (key !== null) leaderByReplayKey.set(key, index);
    });
    if (leaders.length === 0) return outcomes;

    // Before the batch, as the replay store does: a failed sweep fails the batch, having written nothing.
    await sweep(leaders.length, Math.min(...leaders.map(({ prepared }) => prepared.acceptance.event.receivedAt)));
    const written = await write(leaders.map(({ prepared }) => prepared));
    leaders.forEach(({ index }, position) => {
      outcomes[index] = written[position] ?? { again: true };
    });
    for (const { index, leader } of followers) {
      outcomes[index] = followerOutcome(acceptances[index] as InboxAcceptance, acceptances[leader] as InboxAcceptance, outcomes[leader] as BatchOutcome<boolean>);
    }
    return outcomes;
  }

  const acceptances = batcher(acceptAll, BATCH_LIMITS);

  return {
    accept: (acceptance) => acceptances.add(acceptance),
    drain: acceptances.drain,
    ...queue,

    async prune(beforeMs) {
      const { rows } = await db.query<{ settled: number; unhandled: number }>(
        `WITH removed AS (
           DELETE FROM ${inbox}
           WHERE (status <> 'pending' AND updated_at < $1) OR (status = 'pending' AND received_at < $1)
           RETURNING status
         )
         SELECT count(*) FILTER (WHERE status <> 'pending') AS settled, count(*) FILTER (WHERE status = 'pending') AS unhandled FROM removed`,
        [beforeMs],
      );
      return rows[0] ?? { settled: 0, unhandled: 0 };
    },
  };
}
