import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import express from 'express';
import { createGateway, keyRingFromBase64, silentLogger } from '@portico/core';
import { createExpressRouter } from '@portico/express';
import { sqliteStorage } from '@portico/sqlite';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { snippetEnvironment } from './support/snippet-environment.ts';

const { dir, masterKey, remove } = snippetEnvironment('express', 7);
const printed = vi.spyOn(console, 'log').mockImplementation(() => {});

const { server, stop } = await import('../snippets/getting-started-express.ts');
const { authenticate, gateway } = await import('../snippets/getting-started-gateway.ts');

const json = { 'content-type': 'application/json' };
const admin = { ...json, authorization: 'Bearer docs-admin-token' };
const pm = { ...json, authorization: 'Bearer docs-pm-token' };
const alert = JSON.stringify({ event: 'ALERT_RAISED', data: { host: 'db-1', password: 'hunter2' } });

describe('getting started on Express', () => {
  let origin = '';
  let base = '';
  let stopped = false;
  beforeAll(async () => {
    if (!server.listening) await once(server, 'listening');
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    base = `${origin}/api/gateway`;
  });
  afterAll(async () => {
    process.off('SIGTERM', stop).off('SIGINT', stop);
    if (!stopped) await stop();
    printed.mockRestore();
    remove();
  });

  async function register(body: object): Promise<{ int_id: string; api_key: string }> {
    const created = await fetch(`${base}/integrations`, { method: 'POST', headers: admin, body: JSON.stringify(body) });
    expect(created.status).toBe(201);
    return (await created.json()) as { int_id: string; api_key: string };
  }

  it('registers an integration with the admin token, and refuses without it or with the PM token', async () => {
    const body = JSON.stringify({ name: 'Zabbix', type: 'MONITORING' });
    const anonymous = await fetch(`${base}/integrations`, { method: 'POST', headers: json, body });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer');
    const asPm = await fetch(`${base}/integrations`, { method: 'POST', headers: pm, body });
    expect(asPm.status).toBe(403);
    const created = await fetch(`${base}/integrations`, { method: 'POST', headers: admin, body });
    expect(created.status).toBe(201);
    const wire = (await created.json()) as { int_id: string; api_key: string; created_by: string; warning: string };
    expect(wire.int_id).toMatch(/^GW-[0-9A-F]{8}$/);
    expect(wire.api_key).toMatch(/^gk_/);
    expect(wire.created_by).toBe('admin');
    expect(wire.warning).toMatch(/only this once/);
  });

  it('accepts a webhook with the returned key and hands it to the event handler', async () => {
    const { int_id, api_key } = await register({ name: 'Zabbix', type: 'MONITORING' });
    const accepted = await fetch(`${base}/webhook`, { method: 'POST', headers: { ...json, 'x-api-key': api_key }, body: alert });
    expect(accepted.status).toBe(202);
    expect(await accepted.json()).toMatchObject({ accepted: true, event: 'ALERT_RAISED', int_id });
    await vi.waitFor(() => expect(printed).toHaveBeenCalledWith(`ALERT_RAISED from ${int_id}`, { event: 'ALERT_RAISED', data: { host: 'db-1', password: 'hunter2' } }));
    const inPath = await fetch(`${base}/webhook/${api_key}`, { method: 'POST', headers: json, body: alert });
    expect(inPath.status).toBe(202);
    const wrongKey = await fetch(`${base}/webhook`, { method: 'POST', headers: { ...json, 'x-api-key': 'gk_wrong' }, body: alert });
    expect(wrongKey.status).toBe(401);
  });

  it('hands no event of an integration in TEST status to the handler of the guide', async () => {
    const { int_id, api_key } = await register({ name: 'Zabbix staging', type: 'MONITORING', status: 'TEST' });
    const accepted = await fetch(`${base}/webhook`, { method: 'POST', headers: { ...json, authorization: `Bearer ${api_key}` }, body: alert });
    expect(accepted.status).toBe(202);
    expect(printed.mock.calls.some(([line]) => String(line).endsWith(int_id))).toBe(false);
  });

  it('lets the PM role send notifications and nothing else', async () => {
    const { int_id } = await register({ name: 'Alerts', type: 'WEBHOOK_OUT' });
    const send = await fetch(`${base}/send/${int_id}`, { method: 'POST', headers: pm, body: JSON.stringify({ event: 'TICKET_CREATED', message: 'SR-1 opened' }) });
    // Past authorization: the integration has no endpoint to send to.
    expect(send.status).toBe(400);
    expect(((await send.json()) as { code: string }).code).toBe('NO_ENDPOINT');
    expect((await fetch(`${base}/logs`, { headers: pm })).status).toBe(403);
    expect((await fetch(`${base}/stats`, { headers: pm })).status).toBe(403);
    expect((await fetch(`${base}/stats`, { headers: admin })).status).toBe(200);
  });

  it('passes requests outside its prefix to the host routes', async () => {
    const health = await fetch(`${origin}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ ok: true });
  });

  it('refuses webhooks with a clear problem when mounted after a JSON parser, as the guide warns', async () => {
    const wrong = express().use(express.json()).use(createExpressRouter(gateway, { authenticate, logger: silentLogger }));
    const other = wrong.listen(0, '127.0.0.1');
    await once(other, 'listening');
    try {
      const { api_key } = await register({ name: 'Zabbix', type: 'MONITORING' });
      const port = (other.address() as AddressInfo).port;
      const refused = await fetch(`http://127.0.0.1:${port}/api/gateway/webhook`, {
        method: 'POST',
        headers: { ...json, 'x-api-key': api_key },
        body: alert,
      });
      expect(refused.status).toBe(503);
      expect(((await refused.json()) as { code: string }).code).toBe('BODY_ALREADY_CONSUMED');
    } finally {
      other.close();
    }
  });

  it('shuts down gracefully: the server closes and buffered log entries reach the database', async () => {
    const { int_id, api_key } = await register({ name: 'Last one', type: 'MONITORING' });
    const accepted = await fetch(`${base}/webhook`, { method: 'POST', headers: { ...json, 'x-api-key': api_key }, body: alert });
    expect(accepted.status).toBe(202);
    process.off('SIGTERM', stop).off('SIGINT', stop);
    await stop();
    stopped = true;
    expect(server.listening).toBe(false);
    await expect(fetch(`${base}/stats`, { headers: admin })).rejects.toThrow();
    const storage = sqliteStorage({ filename: join(dir, 'portico.db') });
    const reader = createGateway({ storage, keyRing: keyRingFromBase64(masterKey), logger: silentLogger });
    try {
      const logs = await reader.logs.query({ intId: int_id });
      expect(logs.items.map((entry) => entry.event)).toContain('WEBHOOK_ALERT_RAISED');
      expect(JSON.stringify(logs.items)).not.toContain('hunter2');
    } finally {
      await reader.stop();
      await storage.close();
    }
  });
});
