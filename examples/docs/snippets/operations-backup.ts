// Backups of the SQLite store, as in docs/operations.md: online with SQLite's backup API, or a
// plain copy once the gateway is stopped.

// #region online
import type { Gateway } from '@portico/core';
import Database from 'better-sqlite3';

/** A consistent copy of a live store; the gateway keeps running. */
export async function backupLive(gateway: Gateway, filename: string, destination: string): Promise<void> {
  // The newest second of log entries and counts is still in memory: write it first.
  await gateway.flush();
  // A connection of its own (the store does not share its own): SQLite's backup API copies
  // committed pages, those still in the WAL included, while the gateway goes on writing.
  const db = new Database(filename, { readonly: true, fileMustExist: true });
  try {
    await db.backup(destination);
  } finally {
    db.close();
  }
}
// #endregion online

// #region stopped
import { copyFile } from 'node:fs/promises';
import type { Storage } from '@portico/core';

/** A copy taken after a graceful stop: the file alone is then the whole database. */
export async function backupStopped(gateway: Gateway, storage: Storage, filename: string, destination: string): Promise<void> {
  await gateway.stop();
  // The last connection to close checkpoints the WAL into the file and deletes it.
  await storage.close();
  await copyFile(filename, destination);
}
// #endregion stopped
