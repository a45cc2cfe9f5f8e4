// The example of packages/postgres/README.md, the page npm shows for @portico/postgres. The
// README's block is this region (scripts/snippets.mjs keeps them equal); tsconfig.examples.json
// typechecks it.
// #region example
import { createGateway, keyRingFromBase64 } from '@portico/core';
import { postgresStorage } from '@portico/postgres';

// Or `{ pool }` to share a pg Pool of yours; the tables live in schema `portico` (option `schema`).
const storage = postgresStorage({ connectionString: process.env.DATABASE_URL! });
await storage.ready(); // migrates now: an unreachable database fails the start, not a request
const gateway = createGateway({
  storage,
  keyRing: keyRingFromBase64(process.env.PORTICO_MASTER_KEY ?? ''), // the same key ring on every instance
});
gateway.start();

process.once('SIGTERM', async () => {
  await gateway.stop(); // drains in-flight work and flushes the log
  await storage.close();
});
// #endregion example
