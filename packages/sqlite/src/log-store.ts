import type { LogEntry, LogStore } from '@portico/core';
import type Database from 'better-sqlite3';
import { pageReader } from './keyset-page';

/** A `log_entries` row as selected: the entry, its JSON payload as stored, and its order of writing. */
type LogRow = Omit<LogEntry, 'payload'> & { payload: string; seq: number };

const COLUMNS = 'seq, id, int_id AS intId, direction, event, status, payload, error, logged_at AS loggedAt';

const toEntry = ({ seq: _seq, payload, ...entry }: LogRow): LogEntry => ({ ...entry, payload: JSON.parse(payload) });

/**
 * Prepares the insert of one log entry, for writes that append an entry inside a transaction of
 * their own (an inbox acceptance) as well as for {@link sqliteLogStore}.
 *
 * @example
 * ```ts
 * const appendEntry = logEntryInserter(db);
 * db.transaction(() => appendEntry(entry)).immediate();
 * ```
 */
export function logEntryInserter(db: Database.Database): (entry: LogEntry) => void {
  const insert = db.prepare<Omit<LogRow, 'seq'>>(
    `INSERT INTO log_entries (id, int_id, direction, event, status, payload, error, logged_at)
     VALUES (@id, @intId, @direction, @event, @status, @payload, @error, @loggedAt)`,
  );
  // An undefined payload has no JSON form: it is kept as null.
  return (entry) => {
    insert.run({ ...entry, payload: JSON.stringify(entry.payload ?? null) });
  };
}

/**
 * The integration log in SQLite. Entries are read newest first through the indexes
 * `(int_id, logged_at DESC, seq DESC)` and `(logged_at DESC, seq DESC)`; `seq` orders entries
 * of equal times by writing and is the tie-breaker of cursors.
 *
 * @example
 * ```ts
 * const logs = sqliteLogStore(db);
 * await logs.append(entries);
 * const { items } = await logs.query({ intId: 'GW-0000000A', limit: 50 });
 * ```
 */
export function sqliteLogStore(db: Database.Database): LogStore {
  const appendEntry = logEntryInserter(db);
  const sql = {
    count: db.prepare<[], number>('SELECT count(*) FROM log_entries').pluck(),
    pruneBefore: db.prepare<[number]>('DELETE FROM log_entries WHERE logged_at < ?'),
    pruneBeyond: db.prepare<[number]>(
      `DELETE FROM log_entries WHERE seq IN
         (SELECT seq FROM log_entries ORDER BY logged_at DESC, seq DESC LIMIT -1 OFFSET ?)`,
    ),
  };

  const readPage = pageReader<LogRow>(db, {
    table: 'log_entries',
    columns: COLUMNS,
    timeColumn: 'logged_at',
    tieColumn: 'seq',
    tie: 'number',
    descending: true,
    positionOf: (row) => [row.loggedAt, row.seq],
  });

  const append = db.transaction((entries: LogEntry[]) => {
    for (const entry of entries) appendEntry(entry);
  });

  // Both rules remove the oldest entries, so applying one after the other removes their union.
  const prune = db.transaction((beforeMs: number | undefined, keepNewest: number | undefined) => {
    const before = beforeMs === undefined ? 0 : sql.pruneBefore.run(beforeMs).changes;
    const beyond = keepNewest === undefined ? 0 : sql.pruneBeyond.run(Math.max(0, keepNewest)).changes;
    return before + beyond;
  });

  return {
    async append(entries) {
      if (entries.length > 0) append.immediate(entries);
    },

    async query(query) {
      const filters: string[] = [];
      if (query.intId !== undefined) filters.push('int_id = @intId');
      if (query.direction !== undefined) filters.push('direction = @direction');
      if (query.status !== undefined) filters.push('status = @status');
      if (query.sinceMs !== undefined) filters.push('logged_at >= @sinceMs');
      if (query.untilMs !== undefined) filters.push('logged_at < @untilMs');
      const { cursor, limit, ...params } = query;
      const page = readPage({ filters, params, cursor, limit });
      return { ...page, items: page.items.map(toEntry) };
    },

    async count() {
      return sql.count.get() ?? 0;
    },

    async prune({ beforeMs, keepNewest }) {
      return prune.immediate(beforeMs, keepNewest);
    },
  };
}
