// @ts-check
// The load generator, run as its own process so it never shares an event loop with the server
// under test: `node load.mjs <config.json>`. It drives autocannon against one loopback URL and
// prints one JSON line: requests per second, latency percentiles and error counts.
//
// Each request carries a fresh Standard Webhooks id, timestamp and signature, computed here, so
// a gateway that refuses replayed ids sees only new messages, and every server under test
// receives the very same bytes and headers.
import autocannon from 'autocannon';
import { createHmac, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';

/**
 * @typedef {object} LoadConfig
 * @property {string} origin `http://127.0.0.1:<port>`
 * @property {string} pathPrefix the path before the key, e.g. `/api/gateway/webhook/`
 * @property {string[]} keys API keys, used in turn
 * @property {string} secret the Standard Webhooks secret (`whsec_…`) every key's integration shares
 * @property {string} body the JSON body
 * @property {number} connections
 * @property {number} durationSeconds
 */

const configPath = process.argv[2];
if (!configPath) throw new Error('usage: node load.mjs <config.json>');
/** @type {LoadConfig} */
const config = JSON.parse(readFileSync(configPath, 'utf8'));
if (!new URL(config.origin).hostname.startsWith('127.')) throw new Error('The bench only targets loopback.');

const hmacKey = Buffer.from(config.secret.slice('whsec_'.length), 'base64');
const idPrefix = `msg_${randomBytes(6).toString('hex')}_`;
let sequence = 0;

/** @param {{ headers?: Record<string, string>, path?: string }} request */
function signed(request) {
  const id = `${idPrefix}${sequence}`;
  const key = config.keys[sequence % config.keys.length];
  sequence++;
  const timestamp = String(Math.floor(Date.now() / 1000));
  const signature = createHmac('sha256', hmacKey).update(`${id}.${timestamp}.`).update(config.body).digest('base64');
  request.path = `${config.pathPrefix}${key}`;
  request.headers = {
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': timestamp,
    'webhook-signature': `v1,${signature}`,
  };
  return request;
}

const result = await autocannon({
  url: config.origin,
  connections: config.connections,
  duration: config.durationSeconds,
  method: 'POST',
  body: config.body,
  requests: [{ method: 'POST', body: config.body, setupRequest: signed }],
});

process.stdout.write(
  `${JSON.stringify({
    requestsPerSecond: result.requests.average,
    totalRequests: result.requests.total,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
  })}\n`,
);
