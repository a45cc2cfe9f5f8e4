// @ts-check
// Memory under sustained ingest, in process: `total` signed webhooks spread over `integrations`
// integrations through `gateway.receiveWebhook`, the log kept to `maxLogEntries` by retention.
// RSS (after a full GC, so garbage not yet collected does not count) is sampled every
// `sampleEvery` webhooks. Run with `--expose-gc`. Prints one JSON line.
import { signStandardWebhook } from '@portico/core';
import { sqliteStorage } from '@portico/sqlite';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchGateway, registerIntegrations, WEBHOOK_BODY } from '../lib/fixtures.mjs';

/** @type {{ total: number, integrations: number, maxLogEntries: number, sampleEvery: number, secret: string, storage: 'memory' | 'sqlite' }} */
const options = JSON.parse(process.argv[2] ?? '');
const collect = /** @type {() => void} */ (globalThis.gc);
if (typeof collect !== 'function') throw new Error('Run with --expose-gc');
const MB = 1024 * 1024;
const rssMb = () => {
  collect();
  return process.memoryUsage().rss / MB;
};

const dataDir = options.storage === 'sqlite' ? mkdtempSync(join(tmpdir(), 'portico-bench-memory-')) : null;
const storage = dataDir === null ? undefined : sqliteStorage({ filename: join(dataDir, 'portico.db') });
const gateway = benchGateway({ storage, logs: { maxEntries: options.maxLogEntries, pruneIntervalMs: 1_000 } });
const setupStarted = performance.now();
// Each integration takes total / integrations webhooks, well inside a minute: the quota must not refuse them.
const keys = await registerIntegrations(gateway, options.integrations, options.secret, 100_000);
const setupMs = performance.now() - setupStarted;
await gateway.flush();
const rssBeforeMb = rssMb();
const rawBody = Buffer.from(WEBHOOK_BODY);

/** @type {{ webhooks: number, rssMb: number, heapUsedMb: number }[]} */
const samples = [{ webhooks: 0, rssMb: rssBeforeMb, heapUsedMb: process.memoryUsage().heapUsed / MB }];
const started = performance.now();
for (let sent = 0; sent < options.total; ) {
  const key = keys[sent % keys.length] ?? '';
  const headers = signStandardWebhook({ secret: options.secret, id: `msg_${sent}`, timestampSeconds: Math.floor(Date.now() / 1000), body: rawBody });
  await gateway.receiveWebhook({ key, headers, rawBody });
  sent++;
  if (sent % options.sampleEvery === 0) {
    await gateway.flush();
    samples.push({ webhooks: sent, rssMb: rssMb(), heapUsedMb: process.memoryUsage().heapUsed / MB });
  }
}
const elapsedSeconds = (performance.now() - started) / 1000;
const logCount = (await gateway.stats()).totalLogEntries;
await gateway.stop();
await storage?.close();
if (dataDir !== null) rmSync(dataDir, { recursive: true, force: true });

const rssAfterMb = samples.at(-1)?.rssMb ?? rssBeforeMb;
// Flat after retention: over the second half of the run (the log long at its cap), RSS moves little.
const half = samples[Math.floor(samples.length / 2)] ?? samples[0];
process.stdout.write(
  `${JSON.stringify({
    setupMs,
    webhooksPerSecond: options.total / elapsedSeconds,
    rssBeforeMb,
    rssAfterMb,
    growthMb: rssAfterMb - rssBeforeMb,
    secondHalfGrowthMb: rssAfterMb - (half?.rssMb ?? rssBeforeMb),
    logEntriesKept: logCount,
    samples,
  })}\n`,
);
