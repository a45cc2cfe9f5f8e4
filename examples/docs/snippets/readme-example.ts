// The Example of the README. The test sets the environment (PORT=0, PORTICO_DB in a temporary
// folder), imports it, sends the registered integration a signed webhook over loopback and checks
// that the handler saw it and that the inbox lists it.
// #region example
import { createHash } from 'node:crypto';
import { createGateway, digestsEqual, keyRingFromBase64, type HttpRequest, type Principal } from '@portico/core';
import { createExpressRouter } from '@portico/express';
import { sqliteStorage } from '@portico/sqlite';
import express from 'express';

// Integrations, the log, usage and the inbox of accepted webhooks, in one SQLite file.
const storage = sqliteStorage({ filename: process.env.PORTICO_DB ?? 'portico.db' });
const gateway = createGateway({
  storage,
  // 32 random bytes, base64: `openssl rand -base64 32`. Keep it: it opens the sealed secrets.
  keyRing: keyRingFromBase64(process.env.PORTICO_MASTER_KEY ?? ''),
});

// Asking for a signature scheme without a secret makes Portico generate one.
const { integration, apiKey, secret } = await gateway.integrations.create(
  { name: 'Zabbix', type: 'MONITORING', signatureScheme: 'standard' },
  'admin',
);
// apiKey and secret are shown this once: hand them to the sender.

// Each accepted webhook is committed to the inbox before its 202, then handed to this handler at
// least once: again, with the same `event.id`, if it throws or times out. Act once per id.
gateway.onWebhook(async (event) => {
  console.log(event.intId, event.event, event.payload, event.test);
});
gateway.start(); // retries hand-offs (and outbound notifications) until gateway.stop()

// Your authentication of admin calls: here one bearer token, compared as SHA-256 digests in constant time.
const adminToken = process.env.PORTICO_ADMIN_TOKEN;
if (!adminToken) throw new Error('PORTICO_ADMIN_TOKEN is not set.');
const sha256 = (text: string) => createHash('sha256').update(text).digest();
const adminDigest = sha256(`Bearer ${adminToken}`);
const authenticate = (request: HttpRequest): Principal | null =>
  digestsEqual(sha256(String(request.headers.authorization)), adminDigest) ? { id: 'admin', roles: ['ADMIN'] } : null;

// Serve the HTTP API (webhooks, admin routes, /openapi.json, /docs) from Express,
// mounted before any body parser: signatures are checked over the raw bytes.
const app = express();
app.use(createExpressRouter(gateway, { authenticate }));
const server = app.listen(Number(process.env.PORT ?? 3000), '127.0.0.1');
// #endregion example

export { apiKey, gateway, integration, secret, server, storage };
