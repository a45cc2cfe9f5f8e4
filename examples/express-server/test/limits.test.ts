// The example Express server as a process, under the two loads of the outside check: a flood of
// large bodies with bad keys must not grow its memory past the budget of bytes in flight, and
// SIGTERM must end it within PORTICO_SHUTDOWN_TIMEOUT_MS even while a client drips a body.
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startExample } from '@portico-examples/shared/smoke';
import { afterAll, describe, expect, it } from 'vitest';

const SERVER = new URL('../server.mjs', import.meta.url);
const ADMIN = 'limits-admin-token';
const MiB = 1024 * 1024;
/** The default of `limits.maxBytesInFlight`, which the example keeps. */
const BUDGET = 64 * MiB;
/**
 * What 1000 open connections cost a Node process, with the garbage of the bytes it drops. Measured
 * on Node 20: a peak 49 to 59 MiB over the start with bad keys, 112 to 121 MiB with a good key
 * (64 MiB of it the bodies the budget let in). Adapters that awaited the body before the key
 * reached 844 MiB with bad keys. Room to spare.
 */
const CONNECTION_OVERHEAD = 96 * MiB;
const FLOOD = 1000;
const DECLARED = MiB;
const SHUTDOWN_TIMEOUT_MS = 2_000;

const dataDirs: string[] = [];
afterAll(() => {
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
});

function start(env: Record<string, string> = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'portico-limits-'));
  dataDirs.push(dataDir);
  return startExample(SERVER, { PORTICO_ADMIN_TOKEN: ADMIN, PORTICO_DATA_DIR: dataDir, ...env });
}

/** A figure of `/proc/<pid>/status`, in bytes: `VmRSS` now, `VmHWM` the peak since the process started. */
function memory(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const found = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!found?.[1]) throw new Error(`No ${field} in /proc/${pid}/status`);
  return Number(found[1]) * 1024;
}

const mb = (bytes: number) => `${(bytes / MiB).toFixed(1)} MiB`;

/** A connection that sent `head` and `body` and holds on; `status` resolves with the answer's status once its headers arrive. */
async function holdOpen(url: URL, head: string, body: Uint8Array): Promise<{ socket: Socket; status: Promise<number> }> {
  const socket = connect(Number(url.port), url.hostname);
  socket.on('error', () => {}); // the server closing on shutdown is expected
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  const status = new Promise<number>((resolve, reject) => {
    let received = '';
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
      const line = /^HTTP\/1\.1 (\d{3}) /.exec(received);
      if (line?.[1]) resolve(Number(line[1]));
    });
    socket.once('close', () => reject(new Error(`closed before an answer: ${JSON.stringify(received)}`)));
  });
  status.catch(() => {});
  socket.write(head);
  socket.write(body);
  return { socket, status };
}

/** Registers an integration through the admin API; answers its key. */
async function register(base: URL, name: string): Promise<string> {
  const created = await fetch(`${base}/integrations`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name, type: 'WEBHOOK_IN' }),
  });
  expect(created.status).toBe(201);
  return ((await created.json()) as { api_key: string }).api_key;
}

const requestHead = (url: URL, path: string, headers: Record<string, string>) =>
  `POST ${url.pathname}${path} HTTP/1.1\r\nhost: ${url.host}\r\n${Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('')}\r\n`;

describe('the example Express server under load and on SIGTERM', () => {
  it.each([
    {
      to: 'a key that fails its checksum',
      key: (real: string) => `${real.slice(0, -1)}${real.endsWith('A') ? 'B' : 'A'}`,
      // Refused from the headers: no body is read.
      expected: { 401: FLOOD },
    },
    {
      to: 'a good key',
      key: (real: string) => real,
      // As many bodies as the budget holds are read (and held, one byte short); the rest are refused unread.
      expected: { 503: FLOOD - BUDGET / DECLARED },
    },
  ])(
    `answers ${FLOOD} connections each holding all but a byte of a ${mb(DECLARED)} body to $to within the memory budget`,
    { timeout: 120_000 },
    async ({ key, expected }) => {
      const example = start();
      try {
        const base = new URL(await example.url);
        const pid = example.pid ?? 0;
        const apiKey = key(await register(base, 'Flooded'));
        // Warm up what a first request loads, so the baseline is the server's steady state.
        expect((await fetch(`${base}/openapi.json`)).status).toBe(200);
        await sleep(500);
        const startRss = memory(pid, 'VmRSS');

        const head = requestHead(base, `/webhook/${apiKey}`, { 'content-type': 'application/json', 'content-length': String(DECLARED) });
        const part = new Uint8Array(DECLARED - 1).fill(0x20);
        const held: Awaited<ReturnType<typeof holdOpen>>[] = [];
        const answered: Record<number, number> = {};
        // In batches, within the listen backlog.
        for (let i = 0; i < FLOOD; i += 100) {
          held.push(...(await Promise.all(Array.from({ length: Math.min(100, FLOOD - i) }, () => holdOpen(base, head, part)))));
        }
        for (const connection of held) {
          connection.status.then(
            (status) => (answered[status] = (answered[status] ?? 0) + 1),
            () => {},
          );
        }
        await expect.poll(() => answered, { timeout: 60_000, interval: 100 }).toEqual(expected);
        // Every client still holds its unfinished body; the server still serves.
        expect((await fetch(`${base}/openapi.json`)).status).toBe(200);
        await sleep(500);
        expect(answered).toEqual(expected);
        const rssHeld = memory(pid, 'VmRSS');
        const peak = memory(pid, 'VmHWM');
        for (const connection of held) connection.socket.destroy();

        console.info(
          `[limits] ${JSON.stringify(expected)}: RSS at start ${mb(startRss)}, with ${FLOOD} connections held ${mb(rssHeld)}, peak ${mb(peak)} ` +
            `(bound: start + budget ${mb(BUDGET)} + overhead ${mb(CONNECTION_OVERHEAD)} = ${mb(startRss + BUDGET + CONNECTION_OVERHEAD)})`,
        );
        expect(peak).toBeLessThan(startRss + BUDGET + CONNECTION_OVERHEAD);
      } finally {
        expect(await example.stop()).toBe(0);
      }
    },
  );

  it(
    `exits 0 within PORTICO_SHUTDOWN_TIMEOUT_MS (${SHUTDOWN_TIMEOUT_MS} ms) of SIGTERM while a client drips a body, letting a quick request in flight finish`,
    { timeout: 60_000 },
    async () => {
      const example = start({ PORTICO_SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS) });
      const base = new URL(await example.url);
      const pid = example.pid ?? 0;
      const apiKey = await register(base, 'Dripper');

      // A valid key, so its body is being read: a request in flight that never completes.
      const drip = await holdOpen(base, requestHead(base, '/webhook', { 'x-api-key': apiKey, 'content-length': '1000' }), new TextEncoder().encode('{'));
      const dripping = setInterval(() => drip.socket.write(' '), 1_000);
      let exited = false;
      void example.exited.then(() => (exited = true));
      try {
        // An admin call whose body arrives in two parts, the second after SIGTERM: it must be answered.
        const body = JSON.stringify({ name: 'Late', type: 'WEBHOOK_IN' });
        const quick = await holdOpen(
          base,
          requestHead(base, '/integrations', { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json', 'content-length': String(body.length) }),
          new TextEncoder().encode(body.slice(0, 10)),
        );
        await sleep(1_500);

        const signalled = Date.now();
        process.kill(pid, 'SIGTERM');
        await sleep(300);
        quick.socket.write(body.slice(10));
        expect(await quick.status).toBe(201);
        const refused = await fetch(`${base}/openapi.json`).then(
          () => 'answered',
          () => 'refused',
        );
        expect(refused).toBe('refused');

        const code = await example.exited;
        const elapsed = Date.now() - signalled;
        console.info(`[limits] exit code ${String(code)} ${elapsed} ms after SIGTERM (PORTICO_SHUTDOWN_TIMEOUT_MS=${SHUTDOWN_TIMEOUT_MS})`);
        expect(code).toBe(0);
        expect(elapsed).toBeGreaterThanOrEqual(SHUTDOWN_TIMEOUT_MS - 100);
        expect(elapsed).toBeLessThan(SHUTDOWN_TIMEOUT_MS + 3_000);
      } finally {
        clearInterval(dripping);
        // A failed assertion must not leave the server running.
        if (!exited) process.kill(pid, 'SIGKILL');
      }
    },
  );
});
