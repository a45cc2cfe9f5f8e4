// @ts-check
// One server under test, in a process of its own: `node server.mjs <config.json>`. It listens on
// an ephemeral port of 127.0.0.1, then prints one JSON line `{ port, keys, setupMs }`: the API
// keys the load generator must use, and how long registering the integrations took.
import Router from '@koa/router';
import { createExpressRouter } from '@portico/express';
import { createKoaRouter } from '@portico/koa';
import { sqliteStorage } from '@portico/sqlite';
import express from 'express';
import fastRedact from 'fast-redact';
import Koa from 'koa';
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { Webhook } from 'standardwebhooks';
import { benchGateway, registerIntegrations } from './lib/fixtures.mjs';

/**
 * @typedef {object} ServerConfig
 * @property {'portico-express' | 'portico-koa' | 'bare-express' | 'glue-express' | 'bare-koa'} kind
 * @property {'memory' | 'sqlite'} [storage] Portico's storage; memory by default
 * @property {number} activeKeys integrations the load is spread over
 * @property {number} [registered] integrations registered in all (Portico only); `activeKeys` by default
 * @property {string} secret the Standard Webhooks secret of every integration
 */

const WEBHOOK_PATH = '/api/gateway/webhook/';
const GLUE_LOG_ENTRIES = 100_000;

/** @type {ServerConfig} */
const config = JSON.parse(readFileSync(process.argv[2] ?? '', 'utf8'));

/** Reads a Node request's body whole, as a bare Koa handler must. @param {import('node:http').IncomingMessage} req */
async function readBody(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** @returns {Promise<{ app: import('node:http').RequestListener, keys: string[], close?: () => Promise<void> }>} */
async function portico() {
  const dbFile = join(tmpdir(), `portico-bench-${process.pid}.db`);
  const storage = config.storage === 'sqlite' ? sqliteStorage({ filename: dbFile }) : undefined;
  const gateway = benchGateway({ storage });
  const registered = config.registered ?? config.activeKeys;
  const all = await registerIntegrations(gateway, registered, config.secret);
  // The active integrations are spread over the whole index, not its first entries.
  const stride = Math.floor(registered / config.activeKeys);
  const keys = Array.from({ length: config.activeKeys }, (_, index) => /** @type {string} */ (all[index * stride]));
  const close = async () => {
    await gateway.stop();
    if (storage) {
      await storage.close();
      for (const suffix of ['', '-wal', '-shm']) rmSync(`${dbFile}${suffix}`, { force: true });
    }
  };
  if (config.kind === 'portico-koa') {
    const app = new Koa().use(createKoaRouter(gateway).routes());
    return { app: app.callback(), keys, close };
  }
  return { app: express().use(createExpressRouter(gateway)), keys, close };
}

function fakeKeys() {
  return Array.from({ length: config.activeKeys }, () => `bench_${randomBytes(24).toString('hex')}`);
}

function bareExpress() {
  const app = express();
  app.post(`${WEBHOOK_PATH}:key`, express.json({ type: '*/*' }), (req, res) => {
    res.status(202).json({ accepted: true, event: req.body.event });
  });
  return { app, keys: fakeKeys() };
}

function bareKoa() {
  const router = new Router().post(`${WEBHOOK_PATH}:key`, async (ctx) => {
    const body = JSON.parse((await readBody(ctx.req)).toString('utf8'));
    ctx.status = 202;
    ctx.body = { accepted: true, event: body.event };
  });
  return { app: new Koa().use(router.routes()).callback(), keys: fakeKeys() };
}

/** What a team would glue together from peer libraries to do Portico's inbound job. */
function glueExpress() {
  const keys = fakeKeys();
  const integrations = new Map(keys.map((key, index) => [key, { id: `INT-${index}`, webhook: new Webhook(config.secret) }]));
  const limiter = new RateLimiterMemory({ points: 100_000, duration: 60 });
  const redact = fastRedact({
    paths: ['auth.api_key', 'auth.password', 'ticket.reporter.email', 'ticket.reporter.phone', 'links.self'],
  });
  /** A bounded in-memory log: a ring of the newest entries. @type {unknown[]} */
  const log = new Array(GLUE_LOG_ENTRIES);
  let logged = 0;
  const app = express();
  app.post(`${WEBHOOK_PATH}:key`, express.raw({ type: '*/*' }), async (req, res) => {
    const integration = integrations.get(req.params.key);
    if (!integration) return void res.status(401).json({ detail: 'Invalid webhook key.' });
    /** @type {any} */
    let payload;
    try {
      payload = integration.webhook.verify(req.body.toString('utf8'), /** @type {Record<string, string>} */ (req.headers));
    } catch {
      return void res.status(403).json({ detail: 'Webhook signature verification failed.' });
    }
    try {
      await limiter.consume(integration.id);
    } catch {
      return void res.status(429).json({ detail: 'Rate limit exceeded.' });
    }
    log[logged++ % GLUE_LOG_ENTRIES] = { at: Date.now(), intId: integration.id, event: payload.event, payload: redact(payload) };
    res.status(202).json({ accepted: true, event: payload.event, int_id: integration.id });
  });
  return { app, keys };
}

const started = performance.now();
/** @type {Record<ServerConfig['kind'], () => Promise<{ app: any, keys: string[], close?: () => Promise<void> }> | { app: any, keys: string[] }>} */
const builders = { 'portico-express': portico, 'portico-koa': portico, 'bare-express': bareExpress, 'glue-express': glueExpress, 'bare-koa': bareKoa };
const { app, keys, ...rest } = await builders[config.kind]();
const close = 'close' in rest ? rest.close : undefined;
const setupMs = Math.round(performance.now() - started);

const server = createServer(app);
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('No TCP address');
  process.stdout.write(`${JSON.stringify({ port: address.port, keys, setupMs })}\n`);
});

async function shutdown() {
  server.closeAllConnections();
  server.close();
  await close?.();
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown());
process.on('disconnect', () => void shutdown());
