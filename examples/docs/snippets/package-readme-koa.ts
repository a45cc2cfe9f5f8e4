// The example of packages/koa/README.md, the page npm shows for @portico/koa. The README's block
// is this region (scripts/snippets.mjs keeps them equal); tsconfig.examples.json typechecks it.
// #region example
import { createHash } from 'node:crypto';
import Koa from 'koa';
import { createGateway, digestsEqual, keyRingFromBase64, type HttpRequest } from '@portico/core';
import { createKoaRouter } from '@portico/koa';

const gateway = createGateway({ keyRing: keyRingFromBase64(process.env.PORTICO_MASTER_KEY ?? '') });
gateway.onWebhook(async (event) => console.log(event.intId, event.event, event.payload));
gateway.start();

// Your authentication of admin calls: a principal, or null (the admin routes then answer 401).
const sha256 = (text: string) => createHash('sha256').update(text).digest();
const adminToken = process.env.PORTICO_ADMIN_TOKEN;
if (!adminToken) throw new Error('PORTICO_ADMIN_TOKEN is not set.');
const adminDigest = sha256(`Bearer ${adminToken}`);
const authenticate = (request: HttpRequest) =>
  digestsEqual(sha256(String(request.headers.authorization)), adminDigest) ? { id: 'admin', roles: ['ADMIN'] } : null;

const app = new Koa();
// First, before any body parser. Portico answers 404 and 405 under its prefix itself: no allowedMethods().
app.use(createKoaRouter(gateway, { authenticate }).routes());
app.listen(3000); // your own middleware and routers follow; requests outside /api/gateway pass through
// #endregion example
