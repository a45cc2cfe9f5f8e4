import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'portico-docs-'));
process.env.PORTICO_DB = join(dir, 'portico.db');
process.env.PORTICO_MASTER_KEY = Buffer.alloc(32, 7).toString('base64');
process.env.PORTICO_ADMIN_TOKEN = 'docs-admin-token';

const { app, gateway, storage } = await import('../snippets/getting-started-express.ts');

describe('getting started on Express', () => {
  let base = '';
  let server: ReturnType<typeof app.listen>;
  beforeAll(async () => {
    server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/gateway`;
  });
  afterAll(async () => {
    server.close();
    await gateway.stop();
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('registers an integration with the admin token and refuses without it', async () => {
    const body = JSON.stringify({ name: 'Zabbix', type: 'MONITORING' });
    const headers = { 'content-type': 'application/json' };
    const refused = await fetch(`${base}/integrations`, { method: 'POST', headers, body });
    expect(refused.status).toBe(401);
    const created = await fetch(`${base}/integrations`, {
      method: 'POST',
      headers: { ...headers, authorization: 'Bearer docs-admin-token' },
      body,
    });
    expect(created.status).toBe(201);
    expect(((await created.json()) as { api_key: string }).api_key).toMatch(/^gk_/);
  });
});
