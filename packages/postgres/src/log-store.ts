import type { LogEntry, LogStore } from '@portico/core';
import { selectList, type RecordColumns } from './columns';
import type { Database } from './database';
import { readKeysetPage } from './keyset-page';
import { params } from './params';

const logColumns: RecordColumns<LogEntry> = {
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
      // One statement for the batch, in the order given, so `seq` follows it.
      await db.query(
        `INSERT INTO ${logs} (id, int_id, direction, event, status, payload, error, logged_at)
         SELECT id, int_id, direction, event, status, payload, error, logged_at
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::jsonb[], $7::text[], $8::bigint[])
           WITH ORDINALITY AS entry (id, int_id, direction, event, status, payload, error, logged_at, position)
         ORDER BY position`,
        [
          entries.map((entry) => entry.id),
          entries.map((entry) => entry.intId),
          entries.map((entry) => entry.direction),
          entries.map((entry) => entry.event),
          entries.map((entry) => entry.status),
          entries.map((entry) => JSON.stringify(entry.payload ?? null)),
          entries.map((entry) => entry.error),
          entries.map((entry) => entry.loggedAt),
        ],
      );
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
