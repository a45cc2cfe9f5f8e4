import { createHash, createHmac } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGateway, generateKeyRing, silentLogger, type KeyRing } from '@portico/core';
import { sqliteStorage } from '@portico/sqlite';
import { afterAll, describe, expect, it } from 'vitest';
import { backupLive, backupStopped } from '../snippets/operations-backup.ts';

const dir = mkdtempSync(join(tmpdir(), 'portico-docs-backup-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SECRET = 'legacy-shared-secret-0001';
const encoder = new TextEncoder();
let stoppedKey = '';

function signedWebhook(key: string, event: string) {
  const rawBody = encoder.encode(JSON.stringify({ event }));
  const hmacKey = createHash('sha256').update(SECRET).digest('hex');
  const signature = `sha256=${createHmac('sha256', hmacKey).update(rawBody).digest('hex')}`;
  return { key, headers: { 'x-hub-signature-256': signature }, rawBody };
}

/** Opens a backup as a store, with the key ring of the original: keys and sealed secrets work. */
async function restore(filename: string, keyRing: KeyRing, apiKey: string, intId: string) {
  const storage = sqliteStorage({ filename });
  const gateway = createGateway({ storage, keyRing, logger: silentLogger });
  try {
    const accepted = await gateway.receiveWebhook(signedWebhook(apiKey, 'AFTER_RESTORE'));
    expect(accepted.intId).toBe(intId);
    return (await gateway.logs.query({ intId, direction: 'IN' })).items.map((entry) => entry.event);
  } finally {
    await gateway.stop();
    await storage.close();
  }
}

describe('SQLite backups', () => {
  it('copies a live store, and the copy opens with the same key ring', async () => {
    const filename = join(dir, 'live.db');
    const keyRing = generateKeyRing();
    const storage = sqliteStorage({ filename });
    const gateway = createGateway({ storage, keyRing, logger: silentLogger });
    const { integration, apiKey } = await gateway.integrations.create({ name: 'Zabbix', type: 'MONITORING', secret: SECRET }, 'ops');
    await gateway.receiveWebhook(signedWebhook(apiKey, 'BEFORE_BACKUP'));

    await backupLive(gateway, filename, join(dir, 'live-backup.db'));
    // The gateway goes on: the backup does not hold it up.
    await gateway.receiveWebhook(signedWebhook(apiKey, 'AFTER_BACKUP'));
    await gateway.stop();
    await storage.close();

    const events = await restore(join(dir, 'live-backup.db'), keyRing, apiKey, integration.id);
    expect(events).toEqual(['WEBHOOK_AFTER_RESTORE', 'WEBHOOK_BEFORE_BACKUP']);
  });

  it('copies the file alone once the gateway is stopped', async () => {
    const filename = join(dir, 'stopped.db');
    const keyRing = generateKeyRing();
    const storage = sqliteStorage({ filename });
    const gateway = createGateway({ storage, keyRing, logger: silentLogger });
    const { integration, apiKey } = await gateway.integrations.create({ name: 'Zabbix', type: 'MONITORING', secret: SECRET }, 'ops');
    await gateway.receiveWebhook(signedWebhook(apiKey, 'BEFORE_STOP'));

    stoppedKey = apiKey;
    await backupStopped(gateway, storage, filename, join(dir, 'stopped-backup.db'));
    expect(existsSync(`${filename}-wal`)).toBe(false);

    const events = await restore(join(dir, 'stopped-backup.db'), keyRing, apiKey, integration.id);
    expect(events).toEqual(['WEBHOOK_AFTER_RESTORE', 'WEBHOOK_BEFORE_STOP']);
  });

  it('is of no use without the key ring: sealed secrets cannot be opened', async () => {
    const storage = sqliteStorage({ filename: join(dir, 'stopped-backup.db') });
    const gateway = createGateway({ storage, keyRing: generateKeyRing(), logger: silentLogger });
    try {
      await expect(gateway.receiveWebhook(signedWebhook(stoppedKey, 'WITH_ANOTHER_KEY_RING'))).rejects.toMatchObject({ code: 'INTERNAL' });
    } finally {
      await gateway.stop();
      await storage.close();
    }
  });
});
