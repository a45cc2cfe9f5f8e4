import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createGateway, keyRingFromBase64, silentLogger } from '@portico/core';
import { sqliteStorage } from '@portico/sqlite';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { sourceAliases } from '../../../vitest.shared.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const snippet = fileURLToPath(new URL('../snippets/operations-shutdown.ts', import.meta.url));
const MASTER_KEY = Buffer.alloc(32, 9).toString('base64');

const dataDir = mkdtempSync(join(tmpdir(), 'portico-docs-shutdown-'));
// The program runs under plain Node, so it is compiled first; beside the repository's
// node_modules, so that express and better-sqlite3 resolve as they would in a host service.
const cacheRoot = join(root, 'node_modules', '.cache');
mkdirSync(cacheRoot, { recursive: true });
const buildDir = mkdtempSync(join(cacheRoot, 'portico-docs-shutdown-'));
let child: ChildProcess | undefined;

afterAll(() => {
  child?.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(buildDir, { recursive: true, force: true });
});

async function compile(): Promise<string> {
  const outfile = join(buildDir, 'operations-shutdown.mjs');
  await build({
    entryPoints: [snippet],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'silent',
    plugins: [
      {
        name: 'portico-from-source',
        setup(plugins) {
          // The packages from source, as every docs test uses them; anything else stays an import.
          plugins.onResolve({ filter: /^[^./]/ }, ({ path }) => {
            const source = sourceAliases[path];
            return source === undefined ? { path, external: true } : { path: source };
          });
        },
      },
    ],
  });
  return outfile;
}

describe('graceful shutdown', () => {
  it('writes every buffered log entry and count before the process exits on SIGTERM, and keeps the inbox', async () => {
    const db = join(dataDir, 'portico.db');
    const keyRing = keyRingFromBase64(MASTER_KEY);
    const seeded = sqliteStorage({ filename: db });
    const seeding = createGateway({ storage: seeded, keyRing, logger: silentLogger });
    const { integration, apiKey } = await seeding.integrations.create({ name: 'Zabbix', type: 'MONITORING' }, 'ops');
    const signed = await seeding.integrations.create({ name: 'Forge', type: 'WEBHOOK_IN', secret: 'forge-shared-secret-0001' }, 'ops');
    await seeding.stop();
    await seeded.close();

    child = spawn(process.execPath, [await compile()], {
      env: { ...process.env, PORTICO_DB: db, PORTICO_MASTER_KEY: MASTER_KEY, PORTICO_ADMIN_TOKEN: 'docs-admin', HOST: '127.0.0.1', PORT: '0' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = once(child, 'exit');
    let origin = '';
    for await (const line of createInterface({ input: child.stdout! })) {
      const match = /^listening on (http:\/\/\S+)$/.exec(line);
      if (match?.[1]) {
        origin = match[1];
        break;
      }
    }
    expect(origin).not.toBe('');

    expect(await (await fetch(`${origin}/readyz`)).json()).toEqual({ ready: true });
    const stats = await fetch(`${origin}/api/gateway/stats`, { headers: { authorization: 'Bearer docs-admin' } });
    expect(stats.status).toBe(200);
    for (let i = 0; i < 20; i++) {
      const answer = await fetch(`${origin}/api/gateway/webhook/${apiKey}`, { method: 'POST', body: JSON.stringify({ event: `ALERT_${i}` }) });
      expect(answer.status).toBe(202);
      // Unsigned for an integration with a secret: refused, its log entry and count buffered.
      const refused = await fetch(`${origin}/api/gateway/webhook/${signed.apiKey}`, { method: 'POST', body: JSON.stringify({ event: `PUSH_${i}` }) });
      expect(refused.status).toBe(403);
    }
    // At once: the refusals' entries and counts are still in the one-second buffer (the accepted
    // webhooks' were committed with them, before their 202).
    child.kill('SIGTERM');
    const [code, signal] = await exited;
    expect({ code, signal }).toEqual({ code: 0, signal: null });

    // The last connection to close folded the WAL into the file.
    expect(existsSync(`${db}-wal`)).toBe(false);
    const reopened = sqliteStorage({ filename: db });
    try {
      const inbound = await reopened.logs.query({ intId: integration.id, direction: 'IN', limit: 50 });
      expect(inbound.total).toBe(20);
      expect(new Set(inbound.items.map((entry) => entry.event)).size).toBe(20);
      expect(await reopened.usage.totals(integration.id)).toMatchObject({ success: 20, error: 0 });
      const refusals = await reopened.logs.query({ intId: signed.integration.id, direction: 'IN', limit: 50 });
      expect(refusals.items.map((entry) => entry.event)).toEqual(Array(20).fill('WEBHOOK_SIGNATURE_FAILED'));
      expect(await reopened.usage.totals(signed.integration.id)).toMatchObject({ success: 0, error: 20 });
      // The program registers no webhook handler: the 20 events wait in the inbox for one.
      const inbox = await reopened.inbox.list({ intId: integration.id, status: 'pending', limit: 50 });
      expect(inbox.total).toBe(20);
    } finally {
      await reopened.close();
    }
  });
});
