import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { snippetEnvironment } from './support/snippet-environment.ts';

const environment = snippetEnvironment('koa', 9);
const printed = vi.spyOn(console, 'log').mockImplementation(() => {});

const { server } = await import('../snippets/getting-started-koa.ts');
const { shutdown } = await import('../snippets/getting-started-gateway.ts');

const json = { 'content-type': 'application/json' };

describe('getting started on Koa', () => {
  let origin = '';
  beforeAll(async () => {
    if (!server.listening) await once(server, 'listening');
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await shutdown(server);
    printed.mockRestore();
    environment.remove();
  });

  it('registers an integration with the admin token and accepts a webhook with its key', async () => {
    const body = JSON.stringify({ name: 'Zabbix', type: 'MONITORING' });
    expect((await fetch(`${origin}/api/gateway/integrations`, { method: 'POST', headers: json, body })).status).toBe(401);
    const created = await fetch(`${origin}/api/gateway/integrations`, {
      method: 'POST',
      headers: { ...json, authorization: 'Bearer docs-admin-token' },
      body,
    });
    expect(created.status).toBe(201);
    const { int_id, api_key } = (await created.json()) as { int_id: string; api_key: string };
    const payload = { event: 'ALERT_RAISED', data: { host: 'db-1' } };
    const accepted = await fetch(`${origin}/api/gateway/webhook`, {
      method: 'POST',
      headers: { ...json, 'x-api-key': api_key },
      body: JSON.stringify(payload),
    });
    expect(accepted.status).toBe(202);
    expect(await accepted.json()).toMatchObject({ accepted: true, event: 'ALERT_RAISED', int_id });
    await vi.waitFor(() => expect(printed).toHaveBeenCalledWith(`ALERT_RAISED from ${int_id}`, payload));
  });

  it('answers 405 with Allow under its prefix by itself, and passes other paths to the host routes', async () => {
    const wrongMethod = await fetch(`${origin}/api/gateway/stats`, { method: 'DELETE' });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('GET');
    const health = await fetch(`${origin}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ ok: true });
  });
});
