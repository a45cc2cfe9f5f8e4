// @ts-check
// Outbound sends to a loopback receiver (another process), `concurrency` at a time:
// `gateway.send` (signing, egress check, outbox and log on SQLite) against `undici.request`
// POSTing the same body to the same receiver, and against the glue a team would write for the
// same durability: an outbox row inserted in SQLite (better-sqlite3, WAL) before the request and
// updated after it. Sides alternate; prints one JSON line with the median sends per second and
// p99 latency of each. Usage: `node send.mjs <receiver origin> <options>`.
import { createEgressPolicy } from '@portico/core';
import { sqliteStorage } from '@portico/sqlite';
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { benchGateway } from '../lib/fixtures.mjs';
import { median } from '../lib/stats.mjs';

const origin = process.argv[2] ?? '';
if (!new URL(origin).hostname.startsWith('127.')) throw new Error('The bench only sends to loopback.');
/** @type {{ warmupMs: number, roundMs: number, rounds: number, concurrency: number, secret: string }} */
const options = JSON.parse(process.argv[3] ?? '');
const url = `${origin}/hooks/portico`;

const dbFile = join(tmpdir(), `portico-bench-send-${process.pid}.db`);
const storage = sqliteStorage({ filename: dbFile });
const gateway = benchGateway({
  storage,
  egress: { policy: createEgressPolicy({ prepend: [{ action: 'allow', cidr: '127.0.0.1/32' }] }) },
});
// One integration per worker: the send quota is per integration and capped at 100,000 a minute.
const intIds = [];
for (let index = 0; index < options.concurrency; index++) {
  const { integration } = await gateway.integrations.create(
    { name: `Receiver ${index}`, type: 'WEBHOOK_OUT', endpointUrl: url, secret: options.secret, rateLimit: 100_000 },
    'bench',
  );
  intIds.push(integration.id);
}
const notification = {
  event: 'TICKET_CREATED',
  message: 'SR-104233 opened: VPN drops every 20 minutes',
  data: { ticket: 'SR-104233', priority: 'HIGH', reporter: 'minji.kim@corp.example' },
  severity: 'WARNING',
};
const body = JSON.stringify({ ...notification, source: 'portico', sent_at: new Date().toISOString() });

const glueFile = join(tmpdir(), `portico-bench-send-glue-${process.pid}.db`);
const glueDb = new Database(glueFile);
glueDb.pragma('journal_mode = WAL');
glueDb.pragma('synchronous = NORMAL');
glueDb.exec('CREATE TABLE outbox (id TEXT PRIMARY KEY, body TEXT NOT NULL, status TEXT NOT NULL, status_code INTEGER, updated_at INTEGER NOT NULL)');
const glueInsert = glueDb.prepare("INSERT INTO outbox (id, body, status, updated_at) VALUES (?, ?, 'pending', ?)");
const glueSettle = glueDb.prepare('UPDATE outbox SET status = ?, status_code = ?, updated_at = ? WHERE id = ?');

/** @type {Record<string, (worker: number) => Promise<void>>} */
const sides = {
  async portico(worker) {
    const result = await gateway.send(intIds[worker] ?? '', notification, 'bench');
    if (!result.sent) throw new Error(`send failed: ${result.error}`);
  },
  async undici() {
    const response = await request(url, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
    await response.body.text();
    if (response.statusCode !== 200) throw new Error(`receiver answered ${response.statusCode}`);
  },
  async undiciOutbox() {
    const id = randomUUID();
    glueInsert.run(id, body, Date.now());
    const response = await request(url, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
    await response.body.text();
    glueSettle.run(response.statusCode === 200 ? 'delivered' : 'pending', response.statusCode, Date.now(), id);
    if (response.statusCode !== 200) throw new Error(`receiver answered ${response.statusCode}`);
  },
};

/** Runs `concurrency` workers for `durationMs`; sends per second and p99 latency. @param {(worker: number) => Promise<void>} send @param {number} durationMs */
async function load(send, durationMs) {
  const deadline = performance.now() + durationMs;
  /** @type {number[]} */
  const latencies = [];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: options.concurrency }, async (_, worker) => {
      while (performance.now() < deadline) {
        const begun = performance.now();
        await send(worker);
        latencies.push(performance.now() - begun);
      }
    }),
  );
  const elapsedSeconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { perSecond: latencies.length / elapsedSeconds, p99Ms: latencies[Math.floor(latencies.length * 0.99)] ?? 0 };
}

try {
  for (const send of Object.values(sides)) await load(send, options.warmupMs);
  /** @type {Record<string, { perSecond: number, p99Ms: number }[]>} */
  const rounds = { portico: [], undici: [], undiciOutbox: [] };
  const names = Object.keys(rounds);
  for (let round = 0; round < options.rounds; round++) {
    // Rotate the order, so no side always runs first or last.
    const order = names.map((_, index) => /** @type {string} */ (names[(index + round) % names.length]));
    for (const name of order) rounds[/** @type {keyof typeof rounds} */ (name)].push(await load(/** @type {any} */ (sides[name]), options.roundMs));
  }
  const summary = Object.fromEntries(
    Object.entries(rounds).map(([name, list]) => [
      name,
      { opsPerSecond: median(list.map((r) => r.perSecond)), p99Ms: median(list.map((r) => r.p99Ms)), rounds: list },
    ]),
  );
  process.stdout.write(`${JSON.stringify(summary)}\n`);
} finally {
  await gateway.stop();
  await storage.close();
  glueDb.close();
  for (const suffix of ['', '-wal', '-shm']) {
    rmSync(`${dbFile}${suffix}`, { force: true });
    rmSync(`${glueFile}${suffix}`, { force: true });
  }
}
