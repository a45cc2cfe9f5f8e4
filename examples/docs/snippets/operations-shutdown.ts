// A whole gateway process for docs/operations.md: SQLite, Express, a readiness route, and a
// graceful stop on SIGTERM or SIGINT. The test runs it as a child process and sends it SIGTERM.
// Environment: PORTICO_DB, PORTICO_MASTER_KEY, PORTICO_ADMIN_TOKEN, HOST, PORT.
// #region server
import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { createGateway, digestsEqual, keyRingFromBase64, type HttpRequest, type Principal } from '@portico/core';
import { createExpressRouter } from '@portico/express';
import { sqliteStorage } from '@portico/sqlite';

const storage = sqliteStorage({ filename: process.env.PORTICO_DB ?? 'data/portico.db' });
const gateway = createGateway({ storage, keyRing: keyRingFromBase64(process.env.PORTICO_MASTER_KEY ?? '') });
gateway.start();

let stopping = false;
const app = express();
// Portico has no health route: readiness is the host's. This one reads the store, and says 503
// once the process is stopping, so a load balancer sends new requests elsewhere.
app.get('/readyz', (_request, response) => {
  if (stopping) return void response.status(503).json({ ready: false });
  gateway.integrations.list({ limit: 1 }).then(
    () => response.json({ ready: true }),
    () => response.status(503).json({ ready: false }),
  );
});
app.use(createExpressRouter(gateway, { authenticate }));

const server = app.listen(Number(process.env.PORT ?? 8080), process.env.HOST ?? '127.0.0.1', () => {
  console.log(`listening on http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});
// #endregion server

// #region shutdown
async function shutdown(): Promise<void> {
  stopping = true;
  // 1. No new requests; wait for those in flight, whose log entries are then in the buffer. Not
  //    forever: a client still sending (a body dripped a byte a second) is cut off after 10 s.
  const closed = new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
  server.closeIdleConnections();
  const deadline = setTimeout(() => server.closeAllConnections(), 10_000);
  await closed;
  clearTimeout(deadline);
  // 2. Stop the dispatchers and wait for hand-offs and delivery attempts in flight, 10 s at most
  //    (those still running are taken again once their leases lapse); then write buffered log
  //    entries and counts.
  await gateway.stop({ timeoutMs: 10_000 });
  // 3. The store last: everything above still writes to it.
  await storage.close();
}

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    shutdown().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('Shutdown failed', error);
        process.exit(1);
      },
    );
  });
}
// #endregion shutdown

// Your own authentication; here one admin bearer token, compared in constant time.
function authenticate(request: HttpRequest): Principal | null {
  const token = /^Bearer (\S+)$/.exec(String(request.headers.authorization ?? ''))?.[1];
  if (token === undefined) return null;
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return digestsEqual(digest(token), digest(process.env.PORTICO_ADMIN_TOKEN ?? '')) ? { id: 'admin', roles: ['ADMIN'] } : null;
}
