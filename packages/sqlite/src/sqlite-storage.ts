import type { Storage } from '@portico/core';
import { groupCommit } from './group-commit';
import { sqliteInboxStore } from './inbox-store';
import { sqliteIntegrationStore } from './integration-store';
import { sqliteLogStore } from './log-store';
import { openDatabase } from './open-database';
import { sqliteOutboxStore } from './outbox-store';
import { sqliteReplayIds, sqliteReplayStore } from './replay-store';
import { sqliteUsageStore } from './usage-store';

/** Options of {@link sqliteStorage}. */
export interface SqliteStorageOptions {
  /**
   * The database file, created when missing; give Portico a file of its own. `':memory:'` keeps
   * a private database in memory, gone on `close()`: for tests.
   */
  filename: string;
  /** How long a write waits for another connection or process to release the lock before failing. Default 5000. */
  busyTimeoutMs?: number;
  /**
   * When a commit counts as done. `normal` (default): written to the WAL, so what was answered
   * survives the process crashing or being killed, but a power cut or OS crash may lose the last
   * commits. `full`: the WAL is synced to disk at every commit (one per group of concurrent
   * writes), so nothing answered is lost even then.
   */
  synchronous?: 'normal' | 'full';
}

const OPTION_NAMES = new Set(['filename', 'busyTimeoutMs', 'synchronous']);

function checkOptions(options: SqliteStorageOptions): void {
  const unknown = Object.keys(options).filter((name) => !OPTION_NAMES.has(name));
  if (unknown.length > 0) throw new TypeError(`Unknown sqliteStorage option(s): ${unknown.join(', ')}.`);
  if (typeof options.filename !== 'string' || options.filename === '') throw new TypeError('sqliteStorage needs a filename.');
  if (options.synchronous !== undefined && options.synchronous !== 'normal' && options.synchronous !== 'full') {
    throw new TypeError(`sqliteStorage synchronous must be 'normal' or 'full', got ${JSON.stringify(options.synchronous)}.`);
  }
}

const DEFAULT_BUSY_TIMEOUT_MS = 5000;

/**
 * Storage in one SQLite file through better-sqlite3: the embedded default. It opens the file
 * in WAL mode (by default with `synchronous = NORMAL`: durable across process crashes; a power
 * cut may lose the last commits, never the file; see `synchronous`), migrates its schema, and
 * owns the connection until `close()`.
 *
 * Every method is one transaction, a write one (`BEGIN IMMEDIATE`) when it writes, so several
 * storages on one file, in one process or several, stay consistent: key hashes unique, counters
 * exact, outbox and inbox leases exclusive, and an accepted webhook's event, replay id, log entry
 * and usage count committed together. Small writes of one event-loop turn share a transaction
 * and are answered once it has committed; the rest of the methods have done their work when
 * they return their (settled) promise, as better-sqlite3 is synchronous.
 *
 * @throws TypeError naming an unknown option or a wrong value.
 * @example
 * ```ts
 * import { createGateway } from '@portico/core';
 * import { sqliteStorage } from '@portico/sqlite';
 *
 * const storage = sqliteStorage({ filename: 'data/portico.db' });
 * const gateway = createGateway({ storage, keyRing });
 * // on shutdown:
 * await gateway.stop();
 * await storage.close();
 * ```
 */
export function sqliteStorage(options: SqliteStorageOptions): Storage {
  checkOptions(options);
  const db = openDatabase(options.filename, options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS, options.synchronous);
  const group = groupCommit(db);
  const replayIds = sqliteReplayIds(db, group);
  return {
    integrations: sqliteIntegrationStore(db),
    logs: sqliteLogStore(db),
    usage: sqliteUsageStore(db),
    replay: sqliteReplayStore(db, group, replayIds),
    outbox: sqliteOutboxStore(db, group),
    inbox: sqliteInboxStore(db, group, replayIds),
    async close() {
      if (!db.open) return;
      group.flush();
      db.close();
    },
  };
}
