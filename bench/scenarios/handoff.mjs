// @ts-check
// Hand-off of accepted webhooks to the host's handler, in process on SQLite (the embedded
// default), `concurrency` senders at a time, signed with Standard Webhooks:
// - ingest: `receiveWebhook` alone, no handler registered, so every event waits in the inbox;
// - live: the same with a handler registered, each event handed off at once after its commit
//   (and settled in the inbox); counted as hand-offs completed per second;
// - drain: the backlog the ingest side left, handed off by the dispatcher alone.
// Sides alternate; prints one JSON line. Usage: `node handoff.mjs <options>`.
import { signStandardWebhook } from '@portico/core';
import { sqliteStorage } from '@portico/sqlite';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchGateway, registerIntegrations, WEBHOOK_BODY } from '../lib/fixtures.mjs';
import { median } from '../lib/stats.mjs';

/** @type {{ warmupMs: number, roundMs: number, rounds: number, concurrency: number, secret: string }} */
const options = JSON.parse(process.argv[2] ?? '');
const body = new TextEncoder().encode(WEBHOOK_BODY);
const files = /** @type {string[]} */ ([]);

/** @param {string} name */
function open(name) {
  const filename = join(tmpdir(), `portico-bench-handoff-${name}-${process.pid}.db`);
  files.push(filename);
  const storage = sqliteStorage({ filename });
  const gateway = benchGateway({ storage, handoff: { pollIntervalMs: 5, concurrency: options.concurrency } });
  return { storage, gateway };
}

const ingest = open('ingest');
const live = open('live');
let handedOff = 0;
live.gateway.onWebhook(async () => {
  handedOff++;
});
// Events that found every hand-off slot taken wait for the dispatcher.
live.gateway.start();
const keys = {
  ingest: await registerIntegrations(ingest.gateway, options.concurrency, options.secret),
  live: await registerIntegrations(live.gateway, options.concurrency, options.secret),
};

/** @param {import('@portico/core').Gateway} gateway @param {string} key */
function receive(gateway, key) {
  const headers = signStandardWebhook({
    secret: options.secret,
    id: `msg_${randomBytes(12).toString('base64url')}`,
    timestampSeconds: Math.floor(Date.now() / 1000),
    body,
  });
  return gateway.receiveWebhook({ key, headers, rawBody: body });
}

let acceptedIngest = 0;
let acceptedLive = 0;

/**
 * Runs `concurrency` senders on one side for `durationMs`: webhooks accepted per second (ingest),
 * or hand-offs completed per second (live, waiting for the last ones to finish).
 * @param {'ingest' | 'live'} side @param {number} durationMs
 */
async function runSide(side, durationMs) {
  const count = side === 'ingest' ? () => acceptedIngest : () => handedOff;
  const gateway = side === 'ingest' ? ingest.gateway : live.gateway;
  const before = count();
  const deadline = performance.now() + durationMs;
  const started = performance.now();
  await Promise.all(
    keys[side].map(async (key) => {
      while (performance.now() < deadline) {
        await receive(gateway, key);
        if (side === 'ingest') acceptedIngest++;
        else acceptedLive++;
      }
    }),
  );
  while (side === 'live' && handedOff < acceptedLive) await new Promise((resolve) => setImmediate(resolve));
  return (count() - before) / ((performance.now() - started) / 1000);
}

try {
  /** @type {Record<'ingest' | 'live', number[]>} */
  const rounds = { ingest: [], live: [] };
  await runSide('ingest', options.warmupMs);
  await runSide('live', options.warmupMs);
  for (let round = 0; round < options.rounds; round++) {
    const order = /** @type {const} */ (round % 2 === 0 ? ['ingest', 'live'] : ['live', 'ingest']);
    for (const side of order) rounds[side].push(await runSide(side, options.roundMs));
  }

  let drained = 0;
  const backlog = acceptedIngest;
  ingest.gateway.onWebhook(async () => {
    drained++;
  });
  const drainStarted = performance.now();
  ingest.gateway.start();
  while (drained < backlog) await new Promise((resolve) => setTimeout(resolve, 5));
  const drainPerSecond = backlog / ((performance.now() - drainStarted) / 1000);

  process.stdout.write(
    `${JSON.stringify({
      ingest: { opsPerSecond: median(rounds.ingest), rounds: rounds.ingest },
      live: { opsPerSecond: median(rounds.live), rounds: rounds.live },
      drain: { opsPerSecond: drainPerSecond, backlog },
    })}\n`,
  );
} finally {
  await Promise.all([ingest.gateway.stop(), live.gateway.stop()]);
  await Promise.all([ingest.storage.close(), live.storage.close()]);
  for (const file of files) for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
}
