// @ts-check
// One gateway process of the reliability tests, configured by the environment. It loads the BUILT
// packages (node_modules/@portico/*/dist), as a deployment would, so the tests can kill it outright.
//   STORE=sqlite|postgres   SQLITE_FILE | PG_URL + PG_SCHEMA
//   REDIS_URL (optional: a shared redisRateLimiter) + REDIS_PREFIX
//   MASTER_KEY (base64 of 32 bytes), ADMIN_TOKEN
//   PORTICO_SHUTDOWN_TIMEOUT_MS (optional, default 10 s): how long SIGTERM waits for requests in flight
//   HANDOFF_LOG (optional): the webhook handler appends each event id it gets to this file, a line
//   each, synchronously, so what it was handed survives a SIGKILL right after.
// Retries are short (0.2 s to 3.2 s) and the outbox and inbox are polled every 100 ms, so tests run fast.
import { appendFileSync } from 'node:fs';
import express from 'express';
import { Redis } from 'ioredis';
import { createEgressPolicy, createGateway, keyRingFromBase64 } from '@portico/core';
import { createExpressRouter } from '@portico/express';
import { postgresStorage } from '@portico/postgres';
import { redisRateLimiter } from '@portico/redis';
import { sqliteStorage } from '@portico/sqlite';
import { bearerAuthenticator, limitSlowClients, shutdownTimeout, stopGracefully } from '@portico-examples/shared/config';

/** @param {string} name */
function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} must be set.`);
  return value;
}

async function openStorage() {
  if (process.env.STORE === 'postgres') {
    const storage = postgresStorage({ connectionString: required('PG_URL') }, { schema: required('PG_SCHEMA') });
    await storage.ready();
    return storage;
  }
  if (process.env.STORE === 'sqlite') return sqliteStorage({ filename: required('SQLITE_FILE') });
  throw new Error(`STORE must be sqlite or postgres, got '${process.env.STORE}'.`);
}

async function openRedis() {
  if (!process.env.REDIS_URL) return undefined;
  const client = new Redis(process.env.REDIS_URL, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1 });
  await client.connect();
  return client;
}

const storage = await openStorage();
const redis = await openRedis();
const gateway = createGateway({
  storage,
  keyRing: keyRingFromBase64(required('MASTER_KEY')),
  ...(redis && { rateLimiter: redisRateLimiter({ client: redis, prefix: process.env.REDIS_PREFIX ?? 'portico:rl:' }) }),
  // The receivers of the tests listen on loopback, which the on-premises defaults deny.
  egress: { policy: createEgressPolicy({ prepend: [{ action: 'allow', cidr: '127.0.0.1/32' }] }) },
  delivery: { retryScheduleMs: [200, 400, 800, 1600, 3200], pollIntervalMs: 100, timeoutMs: 2_000, leaseMs: 5_000 },
  handoff: { retryScheduleMs: [200, 400, 800, 1600, 3200], pollIntervalMs: 100, timeoutMs: 1_000, leaseMs: 2_000 },
});
const handoffLog = process.env.HANDOFF_LOG;
if (handoffLog) gateway.onWebhook((event) => appendFileSync(handoffLog, `${event.id}\n`));

const app = express();
app.use(createExpressRouter(gateway, { authenticate: bearerAuthenticator({ ADMIN: required('ADMIN_TOKEN') }) }));
gateway.start();

const server = app.listen(0, '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  console.log(`listening on http://127.0.0.1:${port}/api/gateway`);
});

limitSlowClients(server);

// SIGTERM is the orderly end; the tests use SIGKILL to play a crash.
const service = {
  async stop() {
    await gateway.stop();
    await storage.close();
    redis?.disconnect();
  },
};
stopGracefully(server, service, shutdownTimeout(process.env));
