import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { snippetEnvironment } from './support/snippet-environment.ts';

const environment = snippetEnvironment('node', 11);
const printed = vi.spyOn(console, 'log').mockImplementation(() => {});

const { server } = await import('../snippets/getting-started-node.ts');
const { shutdown } = await import('../snippets/getting-started-gateway.ts');

const json = { 'content-type': 'application/json' };

describe('getting started on bare node:http', () => {
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
    const created = await fetch(`${origin}/api/gateway/integrations`, {
      method: 'POST',
      headers: { ...json, authorization: 'Bearer docs-admin-token' },
      body: JSON.stringify({ name: 'Zabbix', type: 'MONITORING' }),
    });
    expect(created.status).toBe(201);
    const { int_id, api_key } = (await created.json()) as { int_id: string; api_key: string };
    const payload = { event: 'ALERT_RAISED', data: { host: 'db-1' } };
    const accepted = await fetch(`${origin}/api/gateway/webhook/${api_key}?source=zabbix`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify(payload),
    });
    expect(accepted.status).toBe(202);
    expect(await accepted.json()).toMatchObject({ accepted: true, event: 'ALERT_RAISED', int_id });
    await vi.waitFor(() => expect(printed).toHaveBeenCalledWith(`ALERT_RAISED from ${int_id}`, payload));
  });

  it('refuses a body over maxBodyBytes with 413, and leaves other paths to the host', async () => {
    const tooLarge = await fetch(`${origin}/api/gateway/webhook`, {
      method: 'POST',
      headers: { ...json, 'x-api-key': 'gk_x' },
      body: 'x'.repeat(1024 * 1024 + 1),
    });
    expect(tooLarge.status).toBe(413);
    expect(((await tooLarge.json()) as { code: string }).code).toBe('PAYLOAD_TOO_LARGE');
    expect((await fetch(`${origin}/elsewhere`)).status).toBe(404);
  });

  it('serves the OpenAPI document to anyone', async () => {
    const document = await fetch(`${origin}/api/gateway/openapi.json`);
    expect(document.status).toBe(200);
    expect(((await document.json()) as { openapi: string }).openapi).toBe('3.1.0');
  });
});
