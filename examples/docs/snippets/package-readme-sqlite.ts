// The example of packages/sqlite/README.md, the page npm shows for @portico/sqlite. The README's
// block is this region (scripts/snippets.mjs keeps them equal); tsconfig.examples.json typechecks it.
// #region example
import { mkdirSync } from 'node:fs';
import { createGateway, keyRingFromBase64 } from '@portico/core';
import { sqliteStorage } from '@portico/sqlite';

mkdirSync('data', { recursive: true }); // SQLite creates the file, not its folder
// Integrations, log, usage, replay ids, the outbox and the inbox, in one file (migrated on open).
const storage = sqliteStorage({ filename: 'data/portico.db' });
const gateway = createGateway({ storage, keyRing: keyRingFromBase64(process.env.PORTICO_MASTER_KEY ?? '') });
gateway.start();

process.once('SIGTERM', async () => {
  await gateway.stop(); // drains in-flight work and flushes the log
  await storage.close();
});
// #endregion example
