// The example of packages/core/README.md, the page npm shows for @portico/core. The README's
// block is this region (scripts/snippets.mjs keeps them equal); tsconfig.examples.json typechecks it.
// #region example
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import { createGateway, createHttpHandler, digestsEqual, keyRingFromBase64, readNodeBody } from '@portico/core';

// In memory unless you pass `storage`. The key ring (32 random bytes, base64) opens the sealed secrets: keep it.
const gateway = createGateway({ keyRing: keyRingFromBase64(process.env.PORTICO_MASTER_KEY ?? '') });
// Called at least once per accepted webhook (again, with the same event.id, if it throws).
gateway.onWebhook(async (event) => console.log(event.intId, event.event, event.payload));
gateway.start(); // retries hand-offs and outbound notifications until gateway.stop()

// Admin calls are authenticated by you: here one bearer token, compared in constant time.
const sha256 = (text: string) => createHash('sha256').update(text).digest();
const adminToken = process.env.PORTICO_ADMIN_TOKEN;
if (!adminToken) throw new Error('PORTICO_ADMIN_TOKEN is not set.');
const adminDigest = sha256(`Bearer ${adminToken}`);
const handler = createHttpHandler(gateway, {
  authenticate: (request) => (digestsEqual(sha256(String(request.headers.authorization)), adminDigest) ? { id: 'admin', roles: ['ADMIN'] } : null),
});

// Any transport will do. The handler reads the body only once the caller passed its checks.
createServer(async (req, res) => {
  const [path = '/'] = (req.url ?? '/').split('?');
  const query = new URLSearchParams((req.url ?? '').slice(path.length + 1));
  const answer = await handler.handle({ method: req.method ?? 'GET', path, query, headers: req.headers, rawBody: (max) => readNodeBody(req, max) });
  res.writeHead(answer.status, answer.headers).end(answer.body);
}).listen(3000);
// #endregion example
