// The single-instance setup of docs/storage-and-scaling.md. The test runs it in a temporary
// directory, receives a webhook through it, and reopens the file after shutdown.
// #region sqlite
import { mkdirSync } from 'node:fs';
import { createGateway, keyRingFromBase64 } from '@portico/core';
import { sqliteStorage } from '@portico/sqlite';

mkdirSync('data', { recursive: true }); // SQLite creates the file, not its folder
const storage = sqliteStorage({ filename: 'data/portico.db' });
const gateway = createGateway({ storage, keyRing: keyRingFromBase64(process.env.PORTICO_MASTER_KEY!) });
gateway.start();
// on shutdown: await gateway.stop(); await storage.close();
// #endregion sqlite

export { gateway, storage };
