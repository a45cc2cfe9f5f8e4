import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createEgressPolicy,
  createGateway,
  generateApiKey,
  keyRingFromBase64,
  manualClock,
  memoryStorage,
  signStandardWebhook,
  silentLogger,
  type Gateway,
  type GatewayOptions,
  type InboundEvent,
  type LogEntry,
} from '@portico/core';
import { createExpressRouter } from '@portico/express';
import { sqliteStorage } from '@portico/sqlite';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { rotateApiKey } from '../snippets/security-api-keys.ts';
import { resealUnderCurrentKey, rotatedKeyRing } from '../snippets/security-key-ring.ts';
import { maskForLog, maskedLogEntry } from '../snippets/security-masking.ts';
import { createReceiver, verifyNotification } from '../snippets/security-receiver.ts';
import { sendWebhook, signWebhook } from '../snippets/security-sender.ts';

const snippets = fileURLToPath(new URL('../snippets/', import.meta.url));
const STANDARD_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const GITHUB_SECRET = 'example-github-secret-0123';
const ADMIN_TOKEN = 'docs-admin-token';
const MASTER_KEY_A = Buffer.alloc(32, 1).toString('base64');
const MASTER_KEY_B = Buffer.alloc(32, 2).toString('base64');

interface Served {
  gateway: Gateway;
  events: InboundEvent[];
  base: string;
  close(): Promise<void>;
}

/** A real gateway behind the Express adapter on loopback, collecting accepted events. */
async function serve(options: GatewayOptions): Promise<Served> {
  const gateway = createGateway({ logger: silentLogger, ...options });
  const events: InboundEvent[] = [];
  gateway.onWebhook((event) => {
    events.push(event);
  });
  const app = express();
  app.use(
    createExpressRouter(gateway, {
      logger: silentLogger,
      authenticate: (request) => (request.headers.authorization === `Bearer ${ADMIN_TOKEN}` ? { id: 'admin', roles: ['ADMIN'] } : null),
    }),
  );
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/gateway`;
  return {
    gateway,
    events,
    base,
    async close() {
      server.close();
      await gateway.stop();
    },
  };
}

/** Runs a sender as a child process with only the environment it is given (no proxies). */
function run(command: string, args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(command, args, { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The answer and status the shell senders print: the body, then the status on its own line. */
function curlOutput(stdout: string): { status: number; answer: Record<string, unknown> } {
  const lines = stdout.trimEnd().split('\n');
  const status = Number(lines.pop());
  return { status, answer: JSON.parse(lines.join('\n')) as Record<string, unknown> };
}

describe('signed webhooks to Portico, from three senders', () => {
  const dir = mkdtempSync(join(tmpdir(), 'portico-docs-security-'));
  const storage = sqliteStorage({ filename: join(dir, 'portico.db') });
  let served: Served;
  let url = '';
  let standard: { apiKey: string; intId: string };
  let github: { apiKey: string; intId: string };

  beforeAll(async () => {
    served = await serve({ storage, keyRing: keyRingFromBase64(MASTER_KEY_A) });
    url = `${served.base}/webhook`;
    const a = await served.gateway.integrations.create({ name: 'Zabbix', type: 'MONITORING', secret: STANDARD_SECRET }, 'admin');
    standard = { apiKey: a.apiKey, intId: a.integration.id };
    const b = await served.gateway.integrations.create(
      { name: 'Forge', type: 'WEBHOOK_IN', secret: GITHUB_SECRET, signatureScheme: 'github' },
      'admin',
    );
    github = { apiKey: b.apiKey, intId: b.integration.id };
    expect(a.integration.signatureScheme).toBe('standard');
    expect(b.integration.signatureScheme).toBe('github');
  });
  afterAll(async () => {
    await served.close();
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const lastEvent = () => served.events.at(-1);

  it('Node: accepts a signed event (202) and hands it to gateway.onWebhook', async () => {
    const before = served.events.length;
    const event = { event: 'ALERT_RAISED', data: { host: 'db-1', message: 'disk 91 % full — café' } };
    const { status, answer } = await sendWebhook({ url, apiKey: standard.apiKey, secret: STANDARD_SECRET, event });
    expect(status).toBe(202);
    expect(answer).toMatchObject({ accepted: true, event: 'ALERT_RAISED', int_id: standard.intId });
    expect(answer.event_id).toMatch(/^evt_/);
    await vi.waitFor(() => expect(served.events).toHaveLength(before + 1));
    expect(lastEvent()).toMatchObject({ intId: standard.intId, id: answer.event_id, messageId: expect.stringMatching(/^msg_/), event: 'ALERT_RAISED', payload: event, attempt: 1 });
    // The handler gets the request's headers, never the credentials among them.
    expect(lastEvent()?.headers).toMatchObject({ 'webhook-id': expect.stringMatching(/^msg_/) });
    expect(lastEvent()?.headers).not.toHaveProperty('authorization');
  });

  it('Node: refuses a body changed after signing with 403 SIGNATURE_INVALID', async () => {
    const before = served.events.length;
    const signed = JSON.stringify({ event: 'ALERT_RAISED', data: { host: 'db-1' } });
    const response = await fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${standard.apiKey}`, 'content-type': 'application/json', ...signWebhook({ secret: STANDARD_SECRET, body: signed }) },
      body: signed.replace('db-1', 'db-2'),
    });
    expect(response.status).toBe(403);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await response.json()).toMatchObject({ code: 'SIGNATURE_INVALID', status: 403, detail: expect.stringContaining('mismatch') });
    expect(served.events).toHaveLength(before);
  });

  it('Node: refuses a timestamp outside the tolerance (403, stale) and a replayed id (409)', async () => {
    const body = JSON.stringify({ event: 'OLD' });
    const stale = await fetch(url, {
      method: 'POST',
      headers: {
        'x-api-key': standard.apiKey,
        ...signWebhook({ secret: STANDARD_SECRET, body, timestampSeconds: Math.floor(Date.now() / 1000) - 301 }),
      },
      body,
    });
    expect(stale.status).toBe(403);
    expect(await stale.json()).toMatchObject({ code: 'SIGNATURE_INVALID', detail: expect.stringContaining('stale') });

    const event = { event: 'ALERT_RAISED' };
    const first = await sendWebhook({ url, apiKey: standard.apiKey, secret: STANDARD_SECRET, event, id: 'msg_docs_retry_1' });
    const retry = await sendWebhook({ url, apiKey: standard.apiKey, secret: STANDARD_SECRET, event, id: 'msg_docs_retry_1' });
    expect(first.status).toBe(202);
    expect(retry.status).toBe(409);
    expect(retry.answer).toMatchObject({ code: 'WEBHOOK_REPLAYED' });
  });

  it('Python (stdlib): accepts a signed event and refuses a wrong secret', async () => {
    const env = { PORTICO_API_KEY: standard.apiKey, PORTICO_WEBHOOK_SECRET: STANDARD_SECRET };
    const event = { event: 'TICKET_UPDATED', data: { ticket: 'SR-1042', status: 'résolu' } };
    const sent = await run('python3', [join(snippets, 'security-sender.py'), url, JSON.stringify(event)], env);
    expect(sent.stdout).toMatch(/^202 /);
    expect(sent.code).toBe(0);
    expect(sent.stderr).toBe('');
    expect(lastEvent()).toMatchObject({ intId: standard.intId, event: 'TICKET_UPDATED', payload: event });

    const fromEnv = await run('python3', [join(snippets, 'security-sender.py')], { ...env, PORTICO_WEBHOOK_URL: url });
    expect(fromEnv.code).toBe(0);
    expect(lastEvent()).toMatchObject({ event: 'ALERT_RAISED', payload: { event: 'ALERT_RAISED', data: { host: 'db-1' } } });

    const wrongSecret = `whsec_${Buffer.alloc(24, 9).toString('base64')}`;
    const refused = await run('python3', [join(snippets, 'security-sender.py'), url], { ...env, PORTICO_WEBHOOK_SECRET: wrongSecret });
    expect(refused.code).toBe(1);
    expect(refused.stdout).toMatch(/^403 /);
    expect(JSON.parse(refused.stdout.slice(4))).toMatchObject({ code: 'SIGNATURE_INVALID' });
  });

  it('curl + openssl: accepts a signed event and refuses the same webhook-id twice (409)', async () => {
    const env = { PORTICO_WEBHOOK_URL: url, PORTICO_API_KEY: standard.apiKey, PORTICO_WEBHOOK_SECRET: STANDARD_SECRET };
    const event = { event: 'BACKUP_DONE', data: { host: 'db-1', note: "100% — it's done" } };
    const sent = await run('bash', [join(snippets, 'security-sender.sh'), JSON.stringify(event)], env);
    expect(sent.code).toBe(0);
    expect(sent.stderr).toBe('');
    expect(curlOutput(sent.stdout)).toMatchObject({ status: 202, answer: { accepted: true, event: 'BACKUP_DONE' } });
    expect(lastEvent()).toMatchObject({ intId: standard.intId, payload: event });

    const once = { ...env, PORTICO_WEBHOOK_ID: 'msg_docs_sh_1' };
    expect((await run('bash', [join(snippets, 'security-sender.sh')], once)).code).toBe(0);
    const again = await run('bash', [join(snippets, 'security-sender.sh')], once);
    expect(again.code).not.toBe(0);
    expect(curlOutput(again.stdout)).toMatchObject({ status: 409, answer: { code: 'WEBHOOK_REPLAYED' } });
  });

  it('curl + openssl, GitHub style: accepts X-Hub-Signature-256 and refuses a wrong secret', async () => {
    const env = { PORTICO_WEBHOOK_URL: url, PORTICO_API_KEY: github.apiKey, PORTICO_WEBHOOK_SECRET: GITHUB_SECRET };
    const sent = await run('bash', [join(snippets, 'security-sender-github.sh'), '{"event":"PUSH","data":{"ref":"main"}}'], env);
    expect(sent.code).toBe(0);
    expect(sent.stderr).toBe('');
    expect(curlOutput(sent.stdout)).toMatchObject({ status: 202, answer: { event: 'PUSH', int_id: github.intId } });
    expect(lastEvent()).toMatchObject({ intId: github.intId, payload: { event: 'PUSH', data: { ref: 'main' } } });

    const refused = await run('bash', [join(snippets, 'security-sender-github.sh')], { ...env, PORTICO_WEBHOOK_SECRET: 'not-the-secret-0123' });
    expect(curlOutput(refused.stdout)).toMatchObject({ status: 403, answer: { code: 'SIGNATURE_INVALID' } });
  });
});

describe('the order of checks: key, signature, replay, quota', () => {
  it('answers 401 before anything else, lets forged and replayed requests use no quota, and remembers ids only once admitted', async () => {
    const clock = manualClock(Date.now());
    const served = await serve({ clock });
    try {
      const { apiKey } = await served.gateway.integrations.create(
        { name: 'Tight', type: 'MONITORING', secret: STANDARD_SECRET, rateLimit: 1 },
        'admin',
      );
      const url = `${served.base}/webhook`;
      const body = JSON.stringify({ event: 'PING' });
      const post = (key: string, headers: Record<string, string>, sent = body) =>
        fetch(url, { method: 'POST', headers: { 'x-api-key': key, ...headers }, body: sent });
      const signed = (id: string) => signWebhook({ secret: STANDARD_SECRET, body, id, timestampSeconds: Math.floor(clock.now() / 1000) });

      // An unknown key is refused first, even with a valid signature.
      expect((await post(generateApiKey().key, signed('a'))).status).toBe(401);
      // Forged requests are refused before the quota: they do not use the sender's one request a minute.
      for (let i = 0; i < 3; i++) expect((await post(apiKey, signed('a'), '{"event":"FORGED"}')).status).toBe(403);
      expect((await post(apiKey, signed('a'))).status).toBe(202);
      // A replayed copy is refused before the quota: 409, though the quota is spent.
      expect((await post(apiKey, signed('a'))).status).toBe(409);
      // Over the quota: refused before the id is remembered, so the id is not spent...
      const limited = await post(apiKey, signed('b'));
      expect(limited.status).toBe(429);
      expect(limited.headers.get('retry-after')).toBe('60');
      // ...and once the window has passed, replays still cost nothing: the sender's retry with the same id gets the one request.
      clock.advance(61_000);
      expect((await post(apiKey, signed('a'))).status).toBe(409);
      expect((await post(apiKey, signed('b'))).status).toBe(202);
      await vi.waitFor(() => expect(served.events.map((event) => event.messageId)).toEqual(['a', 'b']));
    } finally {
      await served.close();
    }
  });
});

describe('API keys', () => {
  it('have the documented format; storage keeps only the SHA-256; one 401 for malformed, unknown and inactive keys', async () => {
    const gateway = createGateway({ logger: silentLogger });
    try {
      const { apiKey, integration } = await gateway.integrations.create({ name: 'Zabbix', type: 'MONITORING' }, 'admin');
      expect(apiKey).toMatch(/^gk_[0-9A-Za-z]{49}$/);
      expect(integration.apiKeyPrefix).toBe(apiKey.slice(0, 10));

      const refusals: unknown[] = [];
      const tryKey = async (key: string) => {
        try {
          await gateway.receiveWebhook({ key, headers: {}, rawBody: new Uint8Array() });
          return 'accepted';
        } catch (error) {
          refusals.push(error);
          return 'refused';
        }
      };
      expect(await tryKey(apiKey)).toBe('accepted');
      const typo = apiKey.slice(0, 20) + (apiKey[20] === 'a' ? 'b' : 'a') + apiKey.slice(21);
      expect(await tryKey('gk_0123456789abcdef')).toBe('refused'); // malformed
      expect(await tryKey(typo)).toBe('refused'); // checksum fails: no lookup
      expect(await tryKey(generateApiKey().key)).toBe('refused'); // well formed, unknown
      await gateway.integrations.update(integration.id, { status: 'INACTIVE' }, 'admin');
      expect(await tryKey(apiKey)).toBe('refused'); // inactive
      expect(refusals).toHaveLength(4);
      for (const refusal of refusals) {
        expect(refusal).toMatchObject({ code: 'INVALID_API_KEY', status: 401, message: 'Invalid webhook key.' });
      }
    } finally {
      await gateway.stop();
    }
  });

  it('the SQLite file holds the key hash, not the key, the signing secret, header values or inbox requests', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'portico-docs-security-'));
    const file = join(dir, 'portico.db');
    const storage = sqliteStorage({ filename: file });
    const gateway = createGateway({ storage, keyRing: keyRingFromBase64(MASTER_KEY_A), logger: silentLogger });
    try {
      const headerValue = 'Bearer receiver-token-6a1f0c2d';
      const { apiKey, integration } = await gateway.integrations.create(
        { name: 'Zabbix', type: 'MONITORING', secret: STANDARD_SECRET, headers: { Authorization: headerValue } },
        'admin',
      );
      expect(integration.headers).toEqual({ Authorization: '***' });
      const record = await storage.integrations.get(integration.id);
      expect(record?.keyHash).toBe(createHash('sha256').update(apiKey).digest('hex'));
      // An accepted webhook: its log entry is masked, its request sealed in the inbox.
      const body = JSON.stringify({ event: 'LOGIN', data: { password: 'inbox-password-5e1d' } });
      const headers = { 'x-trace': 'inbox-header-77c2', ...signStandardWebhook({ secret: STANDARD_SECRET, id: 'msg_sealed', timestampSeconds: Math.floor(Date.now() / 1000), body }) };
      await gateway.receiveWebhook({ key: apiKey, headers, rawBody: Buffer.from(body) });
      await gateway.stop();
      await storage.close();
      const raw = [file, `${file}-wal`].filter(existsSync).map((path) => readFileSync(path).toString('latin1')).join('');
      expect(raw).toContain(createHash('sha256').update(apiKey).digest('hex'));
      for (const secret of [apiKey, STANDARD_SECRET, headerValue, 'inbox-password-5e1d', 'inbox-header-77c2']) expect(raw).not.toContain(secret);
      expect(raw).toContain('msg_sealed'); // the sender's webhook-id is kept in clear, for replay checks and listings
    } finally {
      await gateway.stop();
      await storage.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rotation: both keys work during the grace period, then only the new one', async () => {
    const clock = manualClock(Date.UTC(2026, 0, 1));
    const gateway = createGateway({ clock, logger: silentLogger });
    try {
      const { apiKey: oldKey, integration } = await gateway.integrations.create({ name: 'Zabbix', type: 'MONITORING' }, 'admin');
      const rotated = await rotateApiKey(gateway, integration.id);
      expect(rotated.previousKeyExpiresAt).toBe('2026-01-01T01:00:00.000Z');
      expect(rotated.apiKey).not.toBe(oldKey);
      const receive = (key: string) => gateway.receiveWebhook({ key, headers: {}, rawBody: new Uint8Array() });
      await expect(receive(oldKey)).resolves.toMatchObject({ accepted: true });
      await expect(receive(rotated.apiKey)).resolves.toMatchObject({ accepted: true });
      clock.advance(60 * 60_000);
      await expect(receive(oldKey)).rejects.toMatchObject({ code: 'INVALID_API_KEY' });
      await expect(receive(rotated.apiKey)).resolves.toMatchObject({ accepted: true });

      // Only the current key and the one before it are accepted: a newer rotation drops the oldest at once.
      const again = await rotateApiKey(gateway, integration.id);
      const third = await gateway.integrations.rotateKey(integration.id, 'ops-kim');
      await expect(receive(rotated.apiKey)).rejects.toMatchObject({ code: 'INVALID_API_KEY' });
      await expect(receive(again.apiKey)).resolves.toMatchObject({ accepted: true });
      await expect(receive(third.apiKey)).resolves.toMatchObject({ accepted: true });
    } finally {
      await gateway.stop();
    }
  });

  it('rotation over HTTP: POST /integrations/{int_id}/rotate-key keeps the old key for keyGracePeriodMs', async () => {
    const served = await serve({ keyGracePeriodMs: 2 * 3_600_000 });
    try {
      const { integration } = await served.gateway.integrations.create({ name: 'Zabbix', type: 'MONITORING' }, 'admin');
      const before = Date.now();
      const response = await fetch(`${served.base}/integrations/${integration.id}/rotate-key`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      });
      expect(response.status).toBe(200);
      const body = (await response.json()) as { api_key: string; previous_key_expires_at: string; warning: string };
      expect(body.api_key).toMatch(/^gk_/);
      expect(Date.parse(body.previous_key_expires_at) - before).toBeGreaterThanOrEqual(2 * 3_600_000);
      expect(Date.parse(body.previous_key_expires_at) - before).toBeLessThan(2 * 3_600_000 + 60_000);
      const unauthenticated = await fetch(`${served.base}/integrations/${integration.id}/rotate-key`, { method: 'POST' });
      expect(unauthenticated.status).toBe(401);
    } finally {
      await served.close();
    }
  });
});

describe('outbound notifications: a receiver verifies what Portico signs', () => {
  const handled: Array<{ notification: unknown; id: string }> = [];
  let receiver: Server;
  let endpoint = '';
  let gateway: Gateway;
  let intId = '';

  beforeAll(async () => {
    receiver = createReceiver(STANDARD_SECRET, async (notification, id) => {
      handled.push({ notification, id });
    });
    receiver.listen(0, '127.0.0.1');
    await once(receiver, 'listening');
    endpoint = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/portico`;
    // In this test only: a receiver on this machine. The default policy denies loopback.
    gateway = createGateway({
      logger: silentLogger,
      egress: { policy: createEgressPolicy({ prepend: [{ action: 'allow', cidr: '127.0.0.1/32' }] }) },
    });
    const created = await gateway.integrations.create(
      {
        name: 'Alerts',
        type: 'WEBHOOK_OUT',
        endpointUrl: endpoint,
        secret: STANDARD_SECRET,
        headers: { Authorization: 'Bearer receiver-token-6a1f0c2d' },
      },
      'admin',
    );
    intId = created.integration.id;
  });
  afterAll(async () => {
    await gateway.stop();
    receiver.close();
  });

  it('gateway.send reaches the receiver, which verifies the signature and handles it once', async () => {
    const result = await gateway.send(intId, { event: 'TICKET_CREATED', message: 'SR-1042 opened', data: { sr: 'SR-1042' } }, 'pm-kim');
    expect(result).toMatchObject({ sent: true, statusCode: 204, status: 'delivered' });
    expect(handled).toHaveLength(1);
    expect(handled[0]).toMatchObject({
      id: result.deliveryId,
      notification: { event: 'TICKET_CREATED', message: 'SR-1042 opened', severity: 'INFO', data: { sr: 'SR-1042' }, source: 'portico' },
    });
  });

  it('the attempt log masks the signature and the custom Authorization header', async () => {
    const { items } = await gateway.logs.query({ intId, direction: 'OUT' });
    const headers = (items[0] as LogEntry).payload as { headers: Record<string, string> };
    expect(headers.headers).toMatchObject({ authorization: '***', 'webhook-signature': '***', 'content-type': 'application/json' });
    expect(headers.headers['webhook-id']).toMatch(/.+/);
  });

  it('the receiver refuses a forgery (401) and handles a duplicate webhook-id once', async () => {
    const count = handled.length;
    const body = JSON.stringify({ event: 'FORGED', message: '', severity: 'INFO', data: {}, source: 'portico', sent_at: new Date().toISOString() });
    const timestampSeconds = Math.floor(Date.now() / 1000);
    const forged = signStandardWebhook({ secret: `whsec_${Buffer.alloc(24, 5).toString('base64')}`, id: 'msg_x', timestampSeconds, body });
    const refused = await fetch(endpoint, { method: 'POST', headers: forged, body });
    expect(refused.status).toBe(401);

    const genuine = signStandardWebhook({ secret: STANDARD_SECRET, id: 'msg_dup', timestampSeconds, body });
    expect((await fetch(endpoint, { method: 'POST', headers: genuine, body })).status).toBe(204);
    expect((await fetch(endpoint, { method: 'POST', headers: genuine, body })).status).toBe(204);
    expect(handled.length).toBe(count + 1);

    const headers = { ...genuine };
    expect(verifyNotification(STANDARD_SECRET, headers, Buffer.from(body))).toBe(true);
    expect(verifyNotification(STANDARD_SECRET, headers, Buffer.from(body), Date.now() + 301_000)).toBe(false);
    expect(verifyNotification(STANDARD_SECRET, headers, Buffer.from(body.replace('FORGED', 'FORGES')))).toBe(false);
  });
});

describe('masking', () => {
  it('the integration log keeps a webhook with its secrets masked', async () => {
    const gateway = createGateway({ logger: silentLogger });
    try {
      const { apiKey } = await gateway.integrations.create({ name: 'Zabbix', type: 'MONITORING' }, 'admin');
      expect(await maskedLogEntry(gateway, apiKey)).toEqual({
        event: 'ALERT_RAISED',
        data: {
          host: 'db-1',
          password: '***',
          note: 'retry with Bearer ***',
          callback: 'https://bot:***@hooks.corp.example/cb?token=***&page=2',
          tokens_used: 1200,
        },
      });
    } finally {
      await gateway.stop();
    }
  });

  it('createMasker masks the host’s own names too', () => {
    expect(maskForLog({ user: 'kim', user_ssn: '900101-1234567', headers: { 'X-Api-Key': 'abc' } })).toEqual({
      user: 'kim',
      user_ssn: '***',
      headers: { 'X-Api-Key': '***' },
    });
  });
});

describe('master key rotation', () => {
  it('a secret sealed under the old key verifies with [new, old], not with the new key alone until it is resealed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'portico-docs-security-'));
    const filename = join(dir, 'portico.db');
    try {
      // Before the rotation: one key, id k1.
      const before = sqliteStorage({ filename });
      const first = createGateway({ storage: before, keyRing: keyRingFromBase64(MASTER_KEY_A), logger: silentLogger });
      const { apiKey, integration } = await first.integrations.create({ name: 'Zabbix', type: 'MONITORING', secret: STANDARD_SECRET }, 'admin');
      await first.stop();
      await before.close();

      // After: the same file, the ring of the guide.
      const after = sqliteStorage({ filename });
      const keyRing = rotatedKeyRing({ PORTICO_MASTER_KEY: MASTER_KEY_B, PORTICO_PREVIOUS_MASTER_KEY: MASTER_KEY_A });
      expect(keyRing.currentKeyId).toBe('k2');
      const served = await serve({ storage: after, keyRing });
      try {
        const url = `${served.base}/webhook`;
        const sent = await sendWebhook({ url, apiKey, secret: STANDARD_SECRET, event: { event: 'AFTER_ROTATION' } });
        expect(sent.status).toBe(202);
        expect(served.events.at(-1)).toMatchObject({ intId: integration.id, event: 'AFTER_ROTATION' });
        const fresh = await served.gateway.integrations.create({ name: 'New', type: 'MONITORING', secret: STANDARD_SECRET }, 'admin');
        expect((await after.integrations.get(integration.id))?.sealedSecret).toMatch(/^v1\.k1\./);
        expect((await after.integrations.get(fresh.integration.id))?.sealedSecret).toMatch(/^v1\.k2\./);
      } finally {
        await served.close();
      }

      // Dropping the old key too early: its secrets no longer open, and the webhook fails closed.
      const withoutOld = await serve({ storage: after, keyRing: keyRingFromBase64(MASTER_KEY_B, 'k2') });
      try {
        const sent = await sendWebhook({ url: `${withoutOld.base}/webhook`, apiKey, secret: STANDARD_SECRET, event: { event: 'X' } });
        expect(sent.status).toBe(500);
        expect(sent.answer).toMatchObject({ code: 'INTERNAL' });
        expect(JSON.stringify(sent.answer)).not.toContain(STANDARD_SECRET);
        expect(withoutOld.events).toHaveLength(0);
      } finally {
        await withoutOld.close();
      }

      // Resealed with both keys in the ring, the secret then opens with the new key alone.
      const rotatedGateway = createGateway({ storage: after, keyRing: rotatedKeyRing({ PORTICO_MASTER_KEY: MASTER_KEY_B, PORTICO_PREVIOUS_MASTER_KEY: MASTER_KEY_A }), logger: silentLogger });
      expect(await resealUnderCurrentKey(rotatedGateway)).toEqual({ checked: 2, resealed: 1 });
      expect((await after.integrations.get(integration.id))?.sealedSecret).toMatch(/^v1\.k2\./);
      const newKeyOnly = await serve({ storage: after, keyRing: keyRingFromBase64(MASTER_KEY_B, 'k2') });
      try {
        const sent = await sendWebhook({ url: `${newKeyOnly.base}/webhook`, apiKey, secret: STANDARD_SECRET, event: { event: 'AFTER_RESEAL' } });
        expect(sent.status).toBe(202);
      } finally {
        await newKeyOnly.close();
        await after.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('an inbox event sealed under the old key reaches the handler only while the old key is in the ring', async () => {
    const storage = memoryStorage();
    const oldRing = keyRingFromBase64(MASTER_KEY_A, 'k1');
    const quick = { retryScheduleMs: [0], pollIntervalMs: 10 };
    // Accepted under k1 while no handler is registered: it waits in the inbox, sealed under k1.
    const before = createGateway({ storage, keyRing: oldRing, logger: silentLogger });
    const { apiKey, integration } = await before.integrations.create({ name: 'Zabbix', type: 'MONITORING' }, 'admin');
    const { eventId } = await before.receiveWebhook({ key: apiKey, headers: {}, rawBody: Buffer.from('{"event":"SEALED_UNDER_K1"}') });
    await before.stop();
    await before.integrations.resealSecrets('admin'); // reseals secrets and headers, not inbox events

    // The new key alone: the event cannot be opened, so every hand-off fails and the handler is never called.
    const handled: string[] = [];
    const newOnly = createGateway({ storage, keyRing: keyRingFromBase64(MASTER_KEY_B, 'k2'), logger: silentLogger, handoff: quick });
    newOnly.onWebhook((event) => void handled.push(event.id));
    newOnly.start();
    await vi.waitFor(async () => expect((await newOnly.events.list({ intId: integration.id })).items[0]?.status).toBe('failed'));
    await expect(newOnly.events.get(eventId)).rejects.toMatchObject({ code: 'INTERNAL' });
    await newOnly.stop();
    expect(handled).toEqual([]);

    // Both keys: the failed event, retried, reaches the handler.
    const both = createGateway({ storage, keyRing: rotatedKeyRing({ PORTICO_MASTER_KEY: MASTER_KEY_B, PORTICO_PREVIOUS_MASTER_KEY: MASTER_KEY_A }), logger: silentLogger, handoff: quick });
    both.onWebhook((event) => void handled.push(event.event));
    both.start();
    await both.events.retry(eventId, 'admin');
    await vi.waitFor(() => expect(handled).toEqual(['SEALED_UNDER_K1']));
    await both.stop();
  });
});
