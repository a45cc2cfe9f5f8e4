// @ts-check
// `npm run bench`: every scenario of Portico against its baseline, one table, `results.json`.
// HTTP scenarios run each server in its own process and drive it with autocannon from another
// (load.mjs), on 127.0.0.1 only; sides alternate round by round and the medians are compared.
// `--quick` is a smoke run of about a minute: the numbers it prints mean little. `--only <text>`
// runs the scenarios whose name holds the text.
import { generateWebhookSecret } from '@portico/core';
import { writeFileSync } from 'node:fs';
import { arch, cpus, platform, totalmem } from 'node:os';
import { join } from 'node:path';
import { WEBHOOK_BODY } from './lib/fixtures.mjs';
import { configFile, killAll, runJson, startServer } from './lib/processes.mjs';
import { median } from './lib/stats.mjs';

const quick = process.argv.includes('--quick');
/** `--only <text>`: run just the scenarios whose name holds it, e.g. `--only ingest`. */
const onlyAt = process.argv.indexOf('--only');
const only = onlyAt < 0 ? undefined : process.argv[onlyAt + 1];
const settings = quick
  ? {
      http: { warmupSeconds: 1, roundSeconds: 1, rounds: 3, connections: 32 },
      micro: { warmupMs: 200, roundMs: 300, rounds: 3 },
      send: { warmupMs: 300, roundMs: 700, rounds: 3, concurrency: 32 },
      memory: { total: 100_000, integrations: 1_000, maxLogEntries: 10_000, sampleEvery: 10_000 },
      scale: { registered: 10_000, baseline: 10 },
    }
  : {
      http: { warmupSeconds: 3, roundSeconds: 5, rounds: 3, connections: 32 },
      micro: { warmupMs: 1_000, roundMs: 1_000, rounds: 5 },
      send: { warmupMs: 2_000, roundMs: 4_000, rounds: 3, concurrency: 32 },
      memory: { total: 1_000_000, integrations: 10_000, maxLogEntries: 100_000, sampleEvery: 100_000 },
      scale: { registered: 100_000, baseline: 10 },
    };
const ACTIVE_KEYS = 10;
const secret = generateWebhookSecret();

/**
 * @typedef {object} Row
 * @property {string} scenario
 * @property {string} portico what Portico measured, for the table
 * @property {string} baseline what the baseline measured
 * @property {number | null} ratio
 * @property {string} target
 * @property {boolean | null} met
 * @property {unknown} [details]
 */

/** @type {Row[]} */
const rows = [];
const fmt = (/** @type {number} */ value, digits = 0) => value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const httpCell = (/** @type {{ requestsPerSecond: number, p99Ms: number }} */ side) => `${fmt(side.requestsPerSecond)} req/s, p99 ${fmt(side.p99Ms)} ms`;

/** @param {string} label */
function log(label) {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${label}\n`);
}

/**
 * Starts every side's server, warms each up, then runs the rounds, alternating the order.
 * @param {string} name
 * @param {Record<string, object>} sides server configs by label
 * @returns {Promise<Record<string, { requestsPerSecond: number, p99Ms: number, non2xx: number, errors: number, setupMs: number, rounds: object[] }>>}
 */
async function httpScenario(name, sides) {
  const { warmupSeconds, roundSeconds, rounds, connections } = settings.http;
  const labels = Object.keys(sides);
  /** @type {Record<string, Awaited<ReturnType<typeof startServer>>>} */
  const servers = {};
  try {
    for (const label of labels) {
      log(`${name}: starting ${label}`);
      servers[label] = await startServer({ ...sides[label], secret }, { timeoutMs: 600_000 });
    }
    /** @param {string} label @param {number} durationSeconds */
    const load = (label, durationSeconds) => {
      const server = /** @type {Awaited<ReturnType<typeof startServer>>} */ (servers[label]);
      const config = { origin: server.origin, pathPrefix: '/api/gateway/webhook/', keys: server.keys, secret, body: WEBHOOK_BODY, connections, durationSeconds };
      return runJson('load.mjs', [configFile(config)], { timeoutMs: (durationSeconds + 30) * 1000 });
    };
    for (const label of labels) await load(label, warmupSeconds);
    /** @type {Record<string, any[]>} */
    const results = Object.fromEntries(labels.map((label) => [label, []]));
    for (let round = 0; round < rounds; round++) {
      const order = labels.map((_, index) => labels[(index + round) % labels.length] ?? '');
      for (const label of order) {
        log(`${name}: round ${round + 1}/${rounds}, ${label}`);
        results[label]?.push(await load(label, roundSeconds));
      }
    }
    return Object.fromEntries(
      labels.map((label) => {
        const list = results[label] ?? [];
        return [
          label,
          {
            requestsPerSecond: median(list.map((r) => r.requestsPerSecond)),
            p99Ms: median(list.map((r) => r.p99Ms)),
            non2xx: list.reduce((sum, r) => sum + r.non2xx, 0),
            errors: list.reduce((sum, r) => sum + r.errors + r.timeouts, 0),
            setupMs: servers[label]?.setupMs ?? 0,
            rounds: list,
          },
        ];
      }),
    );
  } finally {
    await Promise.all(Object.values(servers).map((server) => server.stop()));
  }
}

/**
 * @param {string} scenario
 * @param {{ requestsPerSecond: number, p99Ms: number, non2xx: number, errors: number }} portico
 * @param {{ requestsPerSecond: number, p99Ms: number, non2xx: number, errors: number }} baseline
 * @param {number} target the least ratio that meets it
 * @param {string} targetText
 */
function httpRow(scenario, portico, baseline, target, targetText) {
  const ratio = portico.requestsPerSecond / baseline.requestsPerSecond;
  const clean = portico.non2xx + portico.errors + baseline.non2xx + baseline.errors === 0;
  rows.push({
    scenario: clean ? scenario : `${scenario} (NON-2XX OR ERRORS: see results.json)`,
    portico: httpCell(portico),
    baseline: httpCell(baseline),
    ratio,
    target: targetText,
    met: clean && ratio >= target,
    details: { portico, baseline },
  });
}

/** Runs one scenario; a failure is recorded as a row and the bench goes on. @param {string} name @param {() => Promise<void>} body */
async function scenario(name, body) {
  if (only !== undefined && !name.includes(only)) return;
  try {
    await body();
  } catch (error) {
    log(`${name} failed: ${error instanceof Error ? error.stack : String(error)}`);
    rows.push({ scenario: name, portico: 'FAILED', baseline: String(error instanceof Error ? error.message : error), ratio: null, target: '', met: null });
  }
}

const porticoExpress = { kind: 'portico-express', activeKeys: ACTIVE_KEYS };
const started = Date.now();

await scenario('webhook ingest, Express 5', async () => {
  const result = await httpScenario('express', {
    portico: porticoExpress,
    bare: { kind: 'bare-express', activeKeys: ACTIVE_KEYS },
    glue: { kind: 'glue-express', activeKeys: ACTIVE_KEYS },
  });
  const { portico, bare, glue } = /** @type {Required<typeof result>} */ (result);
  httpRow('webhook ingest, Express 5 vs bare', portico, bare, 0.9, '≥ 0.90');
  httpRow('webhook ingest, Express 5 vs glue', portico, glue, 1.2, '≥ 1.2');
});

await scenario('webhook ingest, Koa 3', async () => {
  const result = await httpScenario('koa', {
    portico: { kind: 'portico-koa', activeKeys: ACTIVE_KEYS },
    bare: { kind: 'bare-koa', activeKeys: ACTIVE_KEYS },
  });
  httpRow('webhook ingest, Koa 3 vs bare', /** @type {any} */ (result.portico), /** @type {any} */ (result.bare), 0.85, '≥ 0.85');
});

await scenario('ingest on SQLite', async () => {
  const result = await httpScenario('sqlite', { sqlite: { ...porticoExpress, storage: 'sqlite' }, memory: porticoExpress });
  httpRow('ingest on SQLite vs memory', /** @type {any} */ (result.sqlite), /** @type {any} */ (result.memory), 0.8, '≥ 0.80');
});

await scenario('webhook hand-off', async () => {
  log('webhook hand-off');
  const { warmupMs, roundMs, rounds, concurrency } = settings.send;
  const timeoutMs = (2 * warmupMs + 2 * rounds * roundMs) * 3 + 120_000;
  const result = await runJson('scenarios/handoff.mjs', [JSON.stringify({ warmupMs, roundMs, rounds, concurrency, secret })], { timeoutMs });
  const cell = (/** @type {number} */ perSecond, /** @type {string} */ what) => `${fmt(perSecond)} ${what}/s`;
  const live = result.live.opsPerSecond / result.ingest.opsPerSecond;
  rows.push({
    scenario: 'hand-off to a handler (SQLite), live, vs ingest alone',
    portico: cell(result.live.opsPerSecond, 'hand-offs'),
    baseline: cell(result.ingest.opsPerSecond, 'accepted'),
    ratio: live,
    target: '≥ 0.8',
    met: live >= 0.8,
    details: result,
  });
  const drain = result.drain.opsPerSecond / result.ingest.opsPerSecond;
  rows.push({
    scenario: `hand-off of a backlog of ${fmt(result.drain.backlog)} (SQLite) vs ingest alone`,
    portico: cell(result.drain.opsPerSecond, 'hand-offs'),
    baseline: cell(result.ingest.opsPerSecond, 'accepted'),
    ratio: drain,
    target: '≥ 1.0',
    met: drain >= 1,
  });
});

await scenario('key lookup at scale', async () => {
  const { registered, baseline } = settings.scale;
  const result = await httpScenario('scale', {
    large: { ...porticoExpress, registered },
    small: { ...porticoExpress, registered: baseline },
  });
  const large = /** @type {any} */ (result.large);
  httpRow(`key lookup, ${fmt(registered)} integrations vs ${baseline}`, large, /** @type {any} */ (result.small), 0.95, '≥ 0.95');
  const last = /** @type {Row} */ (rows.at(-1));
  last.details = { ...(/** @type {object} */ (last.details)), registrationMs: large.setupMs, registrationsPerSecond: registered / (large.setupMs / 1000) };
  log(`registered ${fmt(registered)} integrations in ${fmt(large.setupMs / 1000, 1)} s`);
});

await scenario('signature verification', async () => {
  log('signature verification');
  const result = await runJson('scenarios/signature.mjs', [JSON.stringify(settings.micro)], { timeoutMs: 120_000 });
  const cell = (/** @type {number} */ ops) => `${fmt(ops)} verifies/s`;
  const portico = result.portico.opsPerSecond;
  const vsPackage = portico / result.standardwebhooks.opsPerSecond;
  const vsRaw = portico / result.rawHmac.opsPerSecond;
  rows.push({ scenario: 'signature verify vs standardwebhooks', portico: cell(portico), baseline: cell(result.standardwebhooks.opsPerSecond), ratio: vsPackage, target: '≥ 4', met: vsPackage >= 4, details: result });
  rows.push({ scenario: 'signature verify vs raw HMAC', portico: cell(portico), baseline: cell(result.rawHmac.opsPerSecond), ratio: vsRaw, target: '≥ 0.7', met: vsRaw >= 0.7 });
});

await scenario('rate-limit decision', async () => {
  log('rate-limit decision');
  const result = await runJson('scenarios/rate-limit.mjs', [JSON.stringify(settings.micro)], { timeoutMs: 120_000 });
  const ratio = result.portico.opsPerSecond / result.rateLimiterFlexible.opsPerSecond;
  const cell = (/** @type {number} */ ops) => `${fmt(ops)} decisions/s`;
  rows.push({ scenario: 'rate-limit decision vs RateLimiterMemory', portico: cell(result.portico.opsPerSecond), baseline: cell(result.rateLimiterFlexible.opsPerSecond), ratio, target: '≥ 1.0', met: ratio >= 1, details: result });
});

await scenario('outbound send', async () => {
  log('outbound send');
  const receiver = await startServer({ kind: 'receiver' }, { timeoutMs: 30_000, script: 'receiver.mjs' });
  try {
    const { warmupMs, roundMs, rounds } = settings.send;
    const timeoutMs = (3 * warmupMs + 3 * rounds * roundMs) * 3 + 60_000;
    const result = await runJson('scenarios/send.mjs', [receiver.origin, JSON.stringify({ ...settings.send, secret })], { timeoutMs });
    const ratio = result.portico.opsPerSecond / result.undici.opsPerSecond;
    const cell = (/** @type {{ opsPerSecond: number, p99Ms: number }} */ side) => `${fmt(side.opsPerSecond)} sends/s, p99 ${fmt(side.p99Ms, 1)} ms`;
    rows.push({ scenario: 'outbound send (SQLite) vs undici.request', portico: cell(result.portico), baseline: cell(result.undici), ratio, target: '≥ 0.6', met: ratio >= 0.6, details: result });
    // Not in the table: the glue with the same durability, an outbox row before and after.
    const glueRatio = result.portico.opsPerSecond / result.undiciOutbox.opsPerSecond;
    rows.push({ scenario: 'outbound send (SQLite) vs undici + SQLite outbox', portico: cell(result.portico), baseline: cell(result.undiciOutbox), ratio: glueRatio, target: '—', met: null });
  } finally {
    await receiver.stop();
  }
});

// The embedded default store first: the target is for the gateway as it ships. Memory storage
// keeps the whole capped log in the heap, so its row shows what that costs.
for (const storage of /** @type {const} */ (['sqlite', 'memory'])) {
  await scenario(`memory (${storage})`, async () => {
    log(`memory (${storage})`);
    const result = await runJson('scenarios/memory.mjs', [JSON.stringify({ ...settings.memory, storage, secret })], { nodeFlags: ['--expose-gc'], timeoutMs: 900_000 });
    const flat = result.secondHalfGrowthMb < 20;
    rows.push({
      scenario: `memory (${storage === 'sqlite' ? 'SQLite' : 'memory storage'}), ${fmt(settings.memory.total)} webhooks over ${fmt(settings.memory.integrations)} integrations`,
      portico: `+${fmt(result.growthMb)} MB RSS (${fmt(result.rssBeforeMb)} → ${fmt(result.rssAfterMb)}), +${fmt(result.secondHalfGrowthMb)} MB in 2nd half`,
      baseline: '—',
      ratio: null,
      target: '< 200 MB, flat',
      met: result.growthMb < 200 && flat,
      details: result,
    });
  });
}

killAll();

const headers = ['scenario', 'Portico', 'baseline', 'ratio', 'target', 'met?'];
const table = rows.map((row) => [row.scenario, row.portico, row.baseline, row.ratio === null ? '—' : fmt(row.ratio, 2), row.target, row.met === null ? '—' : row.met ? 'yes' : 'NO']);
const widths = headers.map((header, column) => Math.max(header.length, ...table.map((cells) => (cells[column] ?? '').length)));
const line = (/** @type {string[]} */ cells) => `| ${cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join(' | ')} |`;
process.stdout.write(`\n${[line(headers), line(widths.map((width) => '-'.repeat(width))), ...table.map(line)].join('\n')}\n`);

const machine = { node: process.version, platform: `${platform()} ${arch()}`, cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, memoryGb: Math.round(totalmem() / 1024 ** 3) };
const resultsFile = join(import.meta.dirname, 'results.json');
writeFileSync(resultsFile, `${JSON.stringify({ date: new Date().toISOString(), quick, durationSeconds: (Date.now() - started) / 1000, machine, settings, rows }, null, 2)}\n`);
process.stdout.write(`\n${machine.cpu}, ${machine.cores} cores, Node ${machine.node}; ${fmt((Date.now() - started) / 1000)} s. Written: ${resultsFile}\n`);
