// @ts-check
// A complete Portico gateway on Express 5: copy it, then swap the bearer tokens for your own
// authentication, and SQLite for @portico/postgres when several instances share the work.
import express from 'express';
import { createExpressRouter } from '@portico/express';
import { announce, exampleGateway, limitSlowClients, loadConfig, stopGracefully } from '@portico-examples/shared/config';

const say = (/** @type {string} */ line) => console.log(line);
const config = loadConfig(process.env, say);
const service = exampleGateway(config, say);
const { gateway } = service;

const app = express();
// Portico goes before any body parser: signatures are checked over the raw bytes.
app.use(createExpressRouter(gateway, { authenticate: config.authenticate, routes: config.routes }));
app.use(express.json());
app.get('/', (_request, response) => {
  response.json({ service: 'example host', gateway: '/api/gateway', docs: '/api/gateway/docs' });
});

const server = app.listen(config.port, config.host, () => announce(server, config, say));
limitSlowClients(server);
stopGracefully(server, service, config.shutdownTimeoutMs);
