// The Koa app of docs/getting-started.md. The test imports it (with PORT=0) and sends it the
// guide's requests over loopback.
import { authenticate, gateway } from './getting-started-gateway.ts';
// #region app
import Router from '@koa/router';
import Koa from 'koa';
import { createKoaRouter } from '@portico/koa';

const app = new Koa();
// First, before any body parser, as on Express. Portico answers 404 and 405 under its prefix
// itself, so it needs no `allowedMethods()`.
app.use(createKoaRouter(gateway, { authenticate }).routes());
// Your own routes follow; requests outside /api/gateway pass through.
const routes = new Router();
routes.get('/health', (ctx) => {
  ctx.body = { ok: true };
});
app.use(routes.routes());

const server = app.listen(Number(process.env.PORT ?? 3000), process.env.HOST ?? '127.0.0.1');
// #endregion app

export { server };
