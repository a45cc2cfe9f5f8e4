// The Express app of docs/getting-started.md. The test imports it, listens on loopback and walks
// the guide's requests through it.
// #region app
import { createHash } from 'node:crypto';
import express from 'express';
import { createGateway, digestsEqual, keyRingFromBase64, type HttpRequest, type Principal } from '@portico/core';
import { createExpressRouter } from '@portico/express';
import { sqliteStorage } from '@portico/sqlite';

const storage = sqliteStorage({ filename: process.env.PORTICO_DB ?? 'portico.db' });
const gateway = createGateway({
  storage,
  // 32 random bytes in base64 (`openssl rand -base64 32`): they seal signing secrets at rest.
  keyRing: keyRingFromBase64(process.env.PORTICO_MASTER_KEY ?? ''),
});
gateway.start(); // the dispatcher that retries failed notifications

// Accepted webhooks arrive here, verified and logged.
gateway.on('event', (event) => {
  console.log(`${event.event} from integration ${event.intId}`, event.payload);
});

// Your authentication: here one admin bearer token, compared in constant time.
const adminDigest = createHash('sha256').update(process.env.PORTICO_ADMIN_TOKEN ?? '').digest();
function authenticate(request: HttpRequest): Principal | null {
  const token = /^Bearer (\S+)$/.exec(String(request.headers.authorization ?? ''))?.[1];
  if (token === undefined) return null;
  const presented = createHash('sha256').update(token).digest();
  return digestsEqual(presented, adminDigest) ? { id: 'admin', roles: ['ADMIN'] } : null;
}

const app = express();
// Before any body parser: signatures are checked over the raw bytes.
app.use(createExpressRouter(gateway, { authenticate }));
app.use(express.json());
// #endregion

export { app, gateway, storage };
