import type { LogEntry, LogStore } from '@portico/core';
import { rowValues, selectList, unnestRows, type ColumnTypes, type RecordColumns } from './columns';
import type { Database } from './database';
import { readKeysetPage } from './keyset-page';
import { params } from './params';

/** How log entries lie in their table; the inbox writes its acceptances' entries with it too. */
export const logColumns: RecordColumns<LogEntry> = {
  columns: {
    id: 'id',
    intId: 'int_id',
    direction: 'direction',
    event: 'event',
    status: 'status',
    payload: 'payload',
    error: 'error',
    loggedAt: 'logged_at',
  },
  json: new Set(['payload']),
};

/** The types of {@link logColumns}, for writing entries from arrays. */
export const logColumnTypes: ColumnTypes<LogEntry> = {
  id: 'text',
  intId: 'text',
  direction: 'text',
  event: 'text',
  status: 'text',
  payload: 'jsonb',
  error: 'text',
  loggedAt: 'bigint',
};

const SELECT = selectList(logColumns);

/**
 * The integration log in PostgreSQL. An identity column `seq` records the order of writing,
 * which breaks ties between entries logged in the same millisecond.
 *
 * @example
 * ```ts
 * const logs = postgresLogStore(createDatabase(pool, tablesIn('portico')));
 * await logs.append(entries);
 * ```
 */
export function postgresLogStore(db: Database): LogStore {
  const { logs } = db.tables;

  return {
    async append(entries) {
      if (entries.length === 0) return;
      const p = params();
      const source = unnestRows(logColumns, logColumnTypes, entries.map((entry) => rowValues(logColumns, entry)), p, 'position');
      // One statement for the batch, in the order given, so `seq` follows it.
      await db.query(`INSERT INTO ${logs} (${source.columns}) SELECT ${source.columns} FROM ${source.from} ORDER BY position`, p.values);
    },

    async query(query) {
      const p = params();
      const where: string[] = [];
      if (query.intId !== undefined) where.push(`int_id = ${p.add(query.intId)}`);
      if (query.direction !== undefined) where.push(`direction = ${p.add(query.direction)}`);
      if (query.status !== undefined) where.push(`status = ${p.add(query.status)}`);
      if (query.sinceMs !== undefined) where.push(`logged_at >= ${p.add(query.sinceMs)}`);
      if (query.untilMs !== undefined) where.push(`logged_at < ${p.add(query.untilMs)}`);
      return readKeysetPage<LogEntry>(db, {
        table: logs,
        select: SELECT,
        where,
        params: p,
        orderBy: ['logged_at', 'seq'],
        descending: true,
        cursor: query.cursor,
        tie: 'number',
        limit: query.limit,
      });
    },

    async count() {
      const { rows } = await db.query<{ count: number }>(`SELECT count(*) AS count FROM ${logs}`);
      return rows[0]?.count ?? 0;
    },

    async prune({ beforeMs, keepNewest }) {
      const p = params();
      const rules: string[] = [];
      if (beforeMs !== undefined) rules.push(`logged_at < ${p.add(beforeMs)}`);
      if (keepNewest !== undefined) {
        // Everything from the first entry past the newest `keepNewest` down.
        rules.push(
          `(logged_at, seq) <= (SELECT logged_at, seq FROM ${logs} ORDER BY logged_at DESC, seq DESC OFFSET ${p.add(Math.max(0, keepNewest))} LIMIT 1)`,
        );
      }
      if (rules.length === 0) return 0;
      const { rowCount } = await db.query(`DELETE FROM ${logs} WHERE ${rules.join(' OR ')}`, p.values);
      return rowCount ?? 0;
    },
  };
}
