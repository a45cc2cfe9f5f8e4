import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGateway, keyRingFromBase64, silentLogger, type InboundEvent } from '@portico/core';
import { sqliteStorage } from '@portico/sqlite';
import { afterAll, describe, expect, it, vi } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'portico-docs-sqlite-'));
process.env.PORTICO_MASTER_KEY = Buffer.alloc(32, 9).toString('base64');

// The snippet opens data/portico.db under the working directory, as a service started in its
// own folder would: run it in the temporary directory.
const cwd = process.cwd();
process.chdir(dir);
const { gateway, storage } = await import('../snippets/storage-sqlite.ts').finally(() => process.chdir(cwd));

const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
const lastHour = () => ({ fromMs: Date.now() - 3_600_000, toMs: Date.now() + 1, bucket: 'hour' as const });

describe('storage and scaling: one instance on SQLite', () => {
  let restarted: { stop(): Promise<void> } | undefined;
  afterAll(async () => {
    await restarted?.stop();
    await gateway.stop();
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps integrations, the inbox, the log and usage in data/portico.db across a restart', async () => {
    const { integration, apiKey } = await gateway.integrations.create({ name: 'Zabbix', type: 'MONITORING' }, 'admin');
    const events: InboundEvent[] = [];
    gateway.onWebhook((event) => void events.push(event));

    const accepted = await gateway.receiveWebhook({ key: apiKey, headers: { 'content-type': 'application/json' }, rawBody: json({ event: 'PROBLEM', host: 'db-1' }) });
    expect(accepted).toMatchObject({ accepted: true, event: 'PROBLEM', intId: integration.id });
    await vi.waitFor(() => expect(events.map((event) => event.payload)).toEqual([{ event: 'PROBLEM', host: 'db-1' }]));
    expect(events[0]).toMatchObject({ id: accepted.eventId, messageId: null, attempt: 1 });
    expect((await gateway.logs.query({ intId: integration.id })).items).toMatchObject([
      { direction: 'IN', event: 'WEBHOOK_PROBLEM', status: 'OK', payload: { event: 'PROBLEM', host: 'db-1' } },
      { direction: 'SYSTEM', event: 'INTEGRATION_CREATED' },
    ]);

    // The guide's shutdown: stop flushes the buffered usage count, then the file is closed.
    await gateway.stop();
    await storage.close();

    const reopened = sqliteStorage({ filename: join(dir, 'data/portico.db') });
    const again = createGateway({ storage: reopened, keyRing: keyRingFromBase64(process.env.PORTICO_MASTER_KEY ?? ''), logger: silentLogger });
    restarted = { stop: async () => (await again.stop(), await reopened.close()) };

    expect((await again.integrations.get(integration.id)).name).toBe('Zabbix');
    expect((await again.logs.query({ intId: integration.id })).items.map((entry) => entry.event)).toEqual([
      'WEBHOOK_PROBLEM',
      'INTEGRATION_CREATED',
    ]);
    expect((await again.usage(integration.id, lastHour())).points.reduce((sum, point) => sum + point.success, 0)).toBe(1);
    // The accepted webhook is in the inbox, handed off.
    expect((await again.events.list({ intId: integration.id })).items).toMatchObject([{ id: accepted.eventId, status: 'delivered', attempts: [{ error: '' }] }]);
    // The key was stored as a hash and still opens the door.
    await expect(again.receiveWebhook({ key: apiKey, headers: {}, rawBody: json({ event: 'RECOVERY' }) })).resolves.toMatchObject({ event: 'RECOVERY' });
  });
});
