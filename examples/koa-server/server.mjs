// @ts-check
// A complete Portico gateway on Koa 3: copy it, then swap the bearer tokens for your own
// authentication, and SQLite for @portico/postgres when several instances share the work.
import Koa from 'koa';
import { createKoaRouter } from '@portico/koa';
import { announce, exampleGateway, limitSlowClients, loadConfig, stopGracefully } from '@portico-examples/shared/config';

const say = (/** @type {string} */ line) => console.log(line);
const config = loadConfig(process.env, say);
const service = exampleGateway(config, say);
const { gateway } = service;

const app = new Koa();
const portico = createKoaRouter(gateway, { authenticate: config.authenticate, routes: config.routes });
app.use(portico.routes()).use(portico.allowedMethods());
app.use((ctx) => {
  if (ctx.path === '/') ctx.body = { service: 'example host', gateway: '/api/gateway', docs: '/api/gateway/docs' };
});

const server = app.listen(config.port, config.host, () => announce(server, config, say));
limitSlowClients(server);
stopGracefully(server, service, config.shutdownTimeoutMs);
