import Database from 'better-sqlite3';
import { migrate } from './migrations';
import { isBusy } from './sqlite-errors';

/** The pause between two attempts to switch a new file to WAL. */
const WAL_RETRY_PAUSE_MS = 10;

/** Blocks the thread, as the driver's own busy wait does: opening is synchronous. */
const pause = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/**
 * Switches the file to WAL. Two connections switching one new file at once deadlock, and SQLite
 * fails one of them at once instead of waiting (its busy timeout cannot help); that one retries,
 * finds the file switched by the other, and is done. Retries stop after `busyTimeoutMs`.
 */
function switchToWal(db: Database.Database, busyTimeoutMs: number): void {
  for (let attempt = 0; ; attempt++) {
    try {
      db.pragma('journal_mode = WAL');
      return;
    } catch (error) {
      if (!isBusy(error) || attempt * WAL_RETRY_PAUSE_MS >= busyTimeoutMs) throw error;
      pause(WAL_RETRY_PAUSE_MS);
    }
  }
}

/**
 * Opens (creating if needed) a database file, sets the connection up and migrates its schema.
 *
 * - WAL journal: readers never block the writer, nor the writer them.
 * - `synchronous`: `normal` (the default): in WAL mode a commit appends to the log without
 *   waiting for the disk, which is synced at checkpoints. The file never corrupts and a crashed
 *   or killed process loses nothing; a power cut or OS crash may lose the last commits. `full`
 *   syncs the log at every commit (one per group of webhooks), so nothing committed is lost even
 *   then, at the cost of a disk sync per transaction.
 * - `foreign_keys = ON` (it is per connection): a removed integration takes its key hashes with it.
 * - `busyTimeoutMs`: how long a write waits for another connection's lock.
 *
 * @example
 * ```ts
 * const db = openDatabase('data/portico.db', 5000, 'normal');
 * ```
 */
export function openDatabase(filename: string, busyTimeoutMs: number, synchronous: 'normal' | 'full' = 'normal'): Database.Database {
  const db = new Database(filename, { timeout: busyTimeoutMs });
  try {
    switchToWal(db, busyTimeoutMs);
    db.pragma(`synchronous = ${synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
    db.pragma('foreign_keys = ON');
    migrate(db);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}
