import { execFile } from 'node:child_process';
import { createHash, createHmac, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createGateway, generateKeyRing, memoryStorage, silentLogger } from '@portico/core';
import { createExpressRouter } from '@portico/express';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importIntegrations, type OriginalIntegration } from '../snippets/migrating-import.ts';

const run = promisify(execFile);
const sender = fileURLToPath(new URL('../snippets/migrating-legacy-sender.py', import.meta.url));

/** What the original router kept for a registration (its create_integration), as its list answered it. */
function originalRecord(body: { name: string; type: string; secret?: string; headers?: Record<string, string>; endpoint_url?: string; rate_limit?: number; enabled?: boolean }): OriginalIntegration {
  const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
  const masked = /(authorization|password|secret|token|api_key|apikey|key|credential)/i;
  const apiKey = `gk_${randomUUID().replaceAll('-', '')}${randomUUID().replaceAll('-', '').slice(0, 8)}`;
  return {
    int_id: `GW-${randomUUID().replaceAll('-', '').slice(0, 8).toUpperCase()}`,
    name: body.name,
    type: body.type,
    description: '',
    endpoint_url: body.endpoint_url ?? null,
    api_key_hash: sha256(apiKey),
    secret_hash: body.secret === undefined ? null : sha256(body.secret),
    headers: Object.fromEntries(Object.entries(body.headers ?? {}).map(([name, value]) => [name, masked.test(name) ? '***' : value])),
    enabled: body.enabled ?? true,
    rate_limit: body.rate_limit ?? 60,
  };
}

const gateway = createGateway({ storage: memoryStorage(), keyRing: generateKeyRing(), logger: silentLogger });
const app = express();
app.use(createExpressRouter(gateway));
let server: Server;
let base = '';

beforeAll(async () => {
  server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/gateway`;
});
afterAll(async () => {
  server.close();
  await gateway.stop();
});

async function sendAsOriginalSender(apiKey: string, secret: string, event: string) {
  const { stdout } = await run('python3', [sender, event], {
    env: { ...process.env, PORTICO_URL: base, PORTICO_API_KEY: apiKey, PORTICO_SECRET: secret },
  });
  return JSON.parse(stdout) as { status: number; answer: Record<string, unknown> };
}

describe('importing the original integrations', () => {
  const zabbix = originalRecord({ name: 'Zabbix', type: 'MONITORING', secret: 'zabbix-shared-secret-01' });
  const jenkins = originalRecord({ name: 'Jenkins', type: 'WEBHOOK_IN', secret: 'short-secret' });
  const slack = originalRecord({
    name: 'Slack relay',
    type: 'NOTIFICATION',
    endpoint_url: 'https://chat.corp.example/hooks/itsm',
    headers: { Authorization: 'Bearer example-relay-token', 'X-Team': 'ops' },
    enabled: false,
  });
  const chat = originalRecord({ name: 'Chat', type: 'CHAT' });
  const wrongSecret = originalRecord({ name: 'Nagios', type: 'MONITORING', secret: 'nagios-shared-secret-1' });
  const secrets = { [zabbix.int_id]: 'zabbix-shared-secret-01', [wrongSecret.int_id]: 'not-the-nagios-secret' };
  let results: Awaited<ReturnType<typeof importIntegrations>> = [];

  beforeAll(async () => {
    results = await importIntegrations(gateway, [zabbix, jenkins, slack, chat, wrongSecret], secrets, 'migration');
  });

  it('registers each with a new id and a new key, and reports what it could not carry', async () => {
    const [z, j, s, c, n] = results;
    for (const imported of [z, j, s]) {
      expect(imported?.intId).toMatch(/^GW-[0-9A-F]{8}$/);
      expect(imported?.apiKey).toMatch(/^gk_[0-9A-Za-z]{49}$/);
      expect(imported?.problem).toBeUndefined();
    }
    expect(z?.intId).not.toBe(zabbix.int_id);
    expect(s?.headersToReenter).toEqual(['Authorization']);
    expect(c?.problem).toMatch(/^Invalid integration: type: Unknown integration type/);
    expect(n?.problem).toBe('The secret given does not match secret_hash.');

    const relay = await gateway.integrations.get(s!.intId!);
    expect(relay).toMatchObject({ status: 'INACTIVE', headers: { 'X-Team': 'ops' }, hasSecret: false, createdBy: 'migration' });
    expect((await gateway.integrations.get(z!.intId!)).signatureScheme).toBe('legacy');
    expect((await gateway.integrations.get(j!.intId!)).signatureScheme).toBe('github');
  });

  it('lets the original senders go on signing as they did, with their new keys', async () => {
    const [z, j] = results;
    const zabbixSent = await sendAsOriginalSender(z!.apiKey!, 'zabbix-shared-secret-01', 'ALERT_RAISED');
    expect(zabbixSent).toMatchObject({ status: 202, answer: { accepted: true, event: 'ALERT_RAISED', int_id: z!.intId } });
    // Imported from its hash alone: the same signature verifies under `github`.
    const jenkinsSent = await sendAsOriginalSender(j!.apiKey!, 'short-secret', 'BUILD_FAILED');
    expect(jenkinsSent).toMatchObject({ status: 202, answer: { event: 'BUILD_FAILED', int_id: j!.intId } });
    const forged = await sendAsOriginalSender(j!.apiKey!, 'another-secret', 'BUILD_FAILED');
    expect(forged).toMatchObject({ status: 403, answer: { code: 'SIGNATURE_INVALID' } });
  });

  it('needs `sha256=` before the hex once the secret was imported from its hash', async () => {
    const [, j] = results;
    const body = '{"event":"BUILD_FIXED"}';
    const key = createHash('sha256').update('short-secret').digest('hex');
    const hex = createHmac('sha256', key).update(body).digest('hex');
    const answer = await fetch(`${base}/webhook/${j!.apiKey}`, { method: 'POST', headers: { 'x-hub-signature-256': hex }, body });
    expect(answer.status).toBe(403);
    expect(((await answer.json()) as { detail: string }).detail).toBe('Webhook signature verification failed (malformed).');
  });

  it('leaves the original keys behind: they open nothing', async () => {
    const originalKey = `gk_${'0'.repeat(40)}`;
    expect((await fetch(`${base}/webhook/${originalKey}`, { method: 'POST', body: '{}' })).status).toBe(401);
  });
});
