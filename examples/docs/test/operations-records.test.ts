import { execFile } from 'node:child_process';
import { createHash, createHmac } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createGateway, generateKeyRing, silentLogger } from '@portico/core';
import { createExpressRouter } from '@portico/express';
import { sqliteStorage } from '@portico/sqlite';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchLogs, recentErrors, type WireLogEntry } from '../snippets/operations-logs.ts';
import { lastHourByMinute } from '../snippets/operations-usage.ts';

const run = promisify(execFile);
const curlScript = fileURLToPath(new URL('../snippets/operations-curl.sh', import.meta.url));
const TOKEN = 'docs-ops-token';
const SECRET = 'legacy-shared-secret-0001';

const dir = mkdtempSync(join(tmpdir(), 'portico-docs-ops-'));
const storage = sqliteStorage({ filename: join(dir, 'portico.db') });
const gateway = createGateway({ storage, keyRing: generateKeyRing(), logger: silentLogger });
const app = express();
app.use(
  createExpressRouter(gateway, {
    authenticate: (request) => (request.headers.authorization === `Bearer ${TOKEN}` ? { id: 'ops', roles: ['ADMIN'] } : null),
  }),
);

let server: Server;
let base = '';
let signed = '';
let plain = '';
let outbound = '';
let deliveryId = '';

function legacySignature(body: string): string {
  const key = createHash('sha256').update(SECRET).digest('hex');
  return `sha256=${createHmac('sha256', key).update(body).digest('hex')}`;
}

async function webhook(key: string, body: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${base}/webhook/${key}`, { method: 'POST', headers, body });
  await response.arrayBuffer();
  return response.status;
}

beforeAll(async () => {
  server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/gateway`;

  const withSecret = await gateway.integrations.create({ name: 'Zabbix', type: 'MONITORING', secret: SECRET }, 'ops');
  const withoutSecret = await gateway.integrations.create({ name: 'Forms', type: 'WEBHOOK_IN' }, 'ops');
  // Loopback is outside the default egress policy: the first attempt fails for good at once.
  const receiver = await gateway.integrations.create(
    { name: 'Alerts', type: 'WEBHOOK_OUT', endpointUrl: 'http://127.0.0.1:9/hooks' },
    'ops',
  );
  signed = withSecret.integration.id;
  plain = withoutSecret.integration.id;
  outbound = receiver.integration.id;

  for (let i = 0; i < 3; i++) {
    const body = JSON.stringify({ event: 'ALERT_RAISED', data: { n: i } });
    expect(await webhook(withSecret.apiKey, body, { 'x-hub-signature-256': legacySignature(body) })).toBe(202);
    expect(await webhook(withSecret.apiKey, body, { 'x-hub-signature-256': legacySignature('forged') })).toBe(403);
  }
  const secretInBody = JSON.stringify({ event: 'FORM_SENT', data: { user: 'kim', password: 'hunter2' } });
  expect(await webhook(withoutSecret.apiKey, secretInBody)).toBe(202);
  const sent = await gateway.send(outbound, { event: 'TICKET_CREATED', message: 'SR-1042 opened' }, 'ops');
  expect(sent.status).toBe('failed');
  deliveryId = sent.deliveryId;
});

afterAll(async () => {
  server.close();
  await gateway.stop();
  await storage.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('reading the integration log', () => {
  it('pages through one integration’s errors with gateway.logs.query, newest first', async () => {
    const errors = [];
    for await (const entry of recentErrors(gateway, signed, 1)) errors.push(entry);
    expect(errors).toHaveLength(3);
    expect(new Set(errors.map((entry) => entry.id)).size).toBe(3);
    for (const entry of errors) {
      expect(entry).toMatchObject({ intId: signed, direction: 'IN', event: 'WEBHOOK_SIGNATURE_FAILED', status: 'ERROR' });
      expect(entry.error).toBe('Webhook signature verification failed (mismatch).');
    }
    const times = errors.map((entry) => entry.loggedAt);
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  it('follows next_cursor over HTTP without repeating or skipping an entry', async () => {
    const entries = await fetchLogs(base, TOKEN, { int_id: signed, limit: '2' });
    // Three accepted, three refused, and the creation.
    expect(entries).toHaveLength(7);
    expect(new Set(entries.map((entry) => entry.log_id)).size).toBe(7);
    expect(entries.at(-1)).toMatchObject({ direction: 'SYSTEM', event: 'INTEGRATION_CREATED', status: 'OK' });
    expect(entries.filter((entry) => entry.event === 'WEBHOOK_ALERT_RAISED')).toHaveLength(3);
    for (const entry of entries) expect(entry.logged_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('shows payloads masked', async () => {
    const [entry] = await fetchLogs(base, TOKEN, { int_id: plain, direction: 'IN' });
    expect(entry?.payload).toEqual({ event: 'FORM_SENT', data: { user: 'kim', password: '***' } });
  });

  it('logs each outbound attempt with its URL, status and masked headers', async () => {
    const [entry] = await fetchLogs(base, TOKEN, { int_id: outbound, direction: 'OUT' });
    expect(entry).toMatchObject({ event: 'SEND_TICKET_CREATED', status: 'ERROR' });
    expect(entry?.error).toMatch(/^EGRESS_DENIED: /);
    expect(entry?.payload).toMatchObject({ url: 'http://127.0.0.1:9/hooks', status_code: null, by: 'ops' });
  });
});

describe('usage counters', () => {
  it('count accepted and refused webhooks per minute', async () => {
    const points = await lastHourByMinute(gateway, signed);
    expect(points.length).toBeGreaterThanOrEqual(60);
    const sum = points.reduce((acc, point) => ({ total: acc.total + point.total, error: acc.error + point.error }), { total: 0, error: 0 });
    expect(sum).toEqual({ total: 6, error: 3 });
    const stats = await gateway.stats();
    // 4 webhooks accepted, 3 refused, 1 failed delivery attempt.
    expect(stats).toMatchObject({ totalIntegrations: 3, totalRequests: 8, totalErrors: 4, successRatePct: 50 });
  });
});

describe('the curl calls', () => {
  it('read logs, usage and deliveries, and retry a failed delivery', async () => {
    const { stdout } = await run('bash', [curlScript], {
      env: { ...process.env, B: base, TOKEN, INT_ID: outbound, DELIVERY_ID: deliveryId },
    });
    const [logs, usage, deliveries, retried] = stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    const logPage = logs as { total: number; logs: WireLogEntry[] };
    expect(logPage.total).toBe(1);
    expect(logPage.logs[0]?.event).toBe('SEND_TICKET_CREATED');
    const points = (usage as { bucket: string; points: { total: number; error: number }[] }).points;
    expect(usage?.bucket).toBe('minute');
    expect(points.reduce((acc, point) => acc + point.error, 0)).toBe(1);
    const listed = deliveries as { total: number; deliveries: { delivery_id: string; status: string; attempts: unknown[] }[] };
    expect(listed.total).toBe(1);
    expect(listed.deliveries[0]).toMatchObject({ delivery_id: deliveryId, status: 'failed' });
    expect(retried).toMatchObject({ delivery_id: deliveryId, int_id: outbound, status: 'pending' });
    expect((retried as { attempts: unknown[] }).attempts).toHaveLength(1);
  });
});
