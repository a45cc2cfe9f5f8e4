import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signStandardWebhook } from '@portico/core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'portico-docs-readme-'));
Object.assign(process.env, {
  PORTICO_MASTER_KEY: Buffer.alloc(32, 5).toString('base64'),
  PORTICO_ADMIN_TOKEN: 'readme-admin-token',
  PORTICO_DB: join(dir, 'portico.db'),
  PORT: '0',
});
const printed = vi.spyOn(console, 'log').mockImplementation(() => {});

const { apiKey, gateway, integration, secret, server, storage } = await import('../snippets/readme-example.ts');
const admin = { authorization: 'Bearer readme-admin-token' };

describe('the Example of the README', () => {
  let base = '';
  beforeAll(async () => {
    if (!server.listening) await once(server, 'listening');
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/gateway`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await gateway.stop();
    await storage.close();
    printed.mockRestore();
    rmSync(dir, { recursive: true, force: true });
  });

  it('registers an integration with a generated Standard Webhooks secret', () => {
    expect(apiKey).toMatch(/^gk_/);
    expect(secret).toMatch(/^whsec_/);
    expect(integration.signatureScheme).toBe('standard');
  });

  it('accepts a webhook signed with that secret, hands it to the handler and lists it in the inbox', async () => {
    const body = JSON.stringify({ event: 'ALERT_RAISED', data: { host: 'db-1' } });
    const signature = signStandardWebhook({ secret: secret ?? '', id: 'msg_readme', timestampSeconds: Math.floor(Date.now() / 1000), body });
    const accepted = await fetch(`${base}/webhook`, { method: 'POST', headers: { 'x-api-key': apiKey, ...signature }, body });
    expect(accepted.status).toBe(202);
    const { event_id: eventId } = (await accepted.json()) as { event_id: string };
    expect(eventId).toMatch(/^evt_/);
    await vi.waitFor(() => {
      expect(printed).toHaveBeenCalledWith(integration.id, 'ALERT_RAISED', { event: 'ALERT_RAISED', data: { host: 'db-1' } }, false);
    });
    await vi.waitFor(async () => {
      const listed = await fetch(`${base}/events/${eventId}`, { headers: admin });
      expect(await listed.json()).toMatchObject({ event_id: eventId, message_id: 'msg_readme', status: 'delivered' });
    });
    const unsigned = await fetch(`${base}/webhook`, { method: 'POST', headers: { 'x-api-key': apiKey }, body });
    expect(unsigned.status).toBe(403);
  });

  it('serves the admin routes to the admin token only', async () => {
    expect((await fetch(`${base}/stats`)).status).toBe(401);
    expect((await fetch(`${base}/stats`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    expect((await fetch(`${base}/stats`, { headers: { authorization: 'Bearer undefined' } })).status).toBe(401);
    expect((await fetch(`${base}/stats`, { headers: admin })).status).toBe(200);
  });
});
