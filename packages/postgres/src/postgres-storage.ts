import type { Storage } from '@portico/core';
import { Pool } from 'pg';
import { createDatabase } from './database';
import { postgresInboxStore } from './inbox-store';
import { postgresIntegrationStore } from './integration-store';
import { postgresLogStore } from './log-store';
import { postgresOutboxStore } from './outbox-store';
import { postgresReplayStore, replaySweep } from './replay-store';
import { tablesIn } from './tables';
import { postgresUsageStore } from './usage-store';

/**
 * Where the storage connects: a pool the host owns (pass one to choose its size, TLS and
 * timeouts), or a connection string from which the storage makes a default pool of its own.
 *
 * @example
 * ```ts
 * const shared: PostgresConnection = { pool: new Pool({ connectionString, max: 20 }) };
 * const own: PostgresConnection = { connectionString: 'postgres://portico@db:5432/app' };
 * ```
 */
export type PostgresConnection = { pool: Pool } | { connectionString: string };

/**
 * Options of {@link postgresStorage}.
 *
 * @example
 * ```ts
 * const options: PostgresStorageOptions = { schema: 'gateway' };
 * ```
 */
export interface PostgresStorageOptions {
  /** The schema holding Portico's tables, created if missing: lower-case letters, digits, `_`. Default `portico`. */
  schema?: string;
}

/**
 * A {@link Storage} in PostgreSQL, with a way to migrate at startup.
 *
 * @example
 * ```ts
 * const storage: PostgresStorage = postgresStorage({ pool });
 * await storage.ready();
 * ```
 */
export interface PostgresStorage extends Storage {
  /**
   * Creates or upgrades Portico's tables if needed. Every method waits for it, so calling it is
   * optional; call it at startup to fail there, not on the first request, if the database is
   * unreachable.
   */
  ready(): Promise<void>;
  /**
   * Waits for the inbox's queued acceptances to be written, then ends the pool if the storage
   * made it from a connection string; a pool passed in stays open.
   */
  close(): Promise<void>;
}

/**
 * Storage in PostgreSQL, for several gateway instances sharing one database: key hashes unique
 * across instances, atomic counters, outbox and inbox leases that two dispatchers never share,
 * and webhook acceptances committed in batches, one statement for all that arrive together. The
 * tables live in one schema, migrated on first use under an advisory lock, so instances may
 * start together. Values are read with Portico's own type parsers, per query: the host's
 * global `pg.types` settings are neither changed nor relied on.
 *
 * @throws TypeError when `options.schema` is not a valid schema name.
 * @example
 * ```ts
 * import { createGateway } from '@portico/core';
 * import { postgresStorage } from '@portico/postgres';
 *
 * const storage = postgresStorage({ connectionString: process.env.DATABASE_URL ?? '' });
 * await storage.ready();
 * const gateway = createGateway({ storage, keyRing });
 * // on shutdown
 * await gateway.stop();
 * await storage.close();
 * ```
 */
export function postgresStorage(connection: PostgresConnection, options: PostgresStorageOptions = {}): PostgresStorage {
  const tables = tablesIn(options.schema ?? 'portico');
  const ownsPool = !('pool' in connection);
  const pool = 'pool' in connection ? connection.pool : new Pool({ connectionString: connection.connectionString });
  // A connection that breaks while idle is dropped by the pool, and the next query reports
  // the failure to its caller; without a listener the event would crash the process.
  if (ownsPool) pool.on('error', () => {});
  const db = createDatabase(pool, tables);
  const sweep = replaySweep(db);
  const inbox = postgresInboxStore(db, sweep);
  let closed: Promise<void> | undefined;

  return {
    integrations: postgresIntegrationStore(db),
    logs: postgresLogStore(db),
    usage: postgresUsageStore(db),
    replay: postgresReplayStore(db, sweep),
    outbox: postgresOutboxStore(db),
    inbox,
    ready: db.ready,
    close() {
      // Acceptances already queued are written first: their callers are waiting to answer 202.
      // pg refuses to end a pool twice; a second close is a no-op, as for every store.
      closed ??= inbox.drain().then(() => (ownsPool ? pool.end() : undefined));
      return closed;
    },
  };
}
