// The original router's requests (shapes from its pydantic models), sent to Portico over HTTP:
// every claim of the tables in docs/migrating-from-fastapi.md is checked here.
import { createHash, createHmac, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createEgressPolicy, generateKeyRing, memoryStorage, type Logger } from '@portico/core';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { readError } from '../snippets/migrating-errors.ts';
import { mountGateway, type HostUser } from '../snippets/migrating-server.ts';

const users: Record<string, HostUser> = {
  'admin-token': { username: 'kim', role: 'ADMIN' },
  'pm-token': { username: 'lee', role: 'PM' },
  'user-token': { username: 'park', role: 'USER' },
};
const warnings: { message: string; fields?: Record<string, unknown> }[] = [];
const logger: Logger = {
  debug() {},
  info() {},
  warn: (message, fields) => void warnings.push({ message, fields }),
  error() {},
};

const app = express();
const gateway = mountGateway(app, {
  storage: memoryStorage(),
  keyRing: generateKeyRing(),
  logger,
  currentUser: async (request) => users[/^Bearer (\S+)$/.exec(String(request.headers.authorization ?? ''))?.[1] ?? ''] ?? null,
  // The receiver of this test listens on 127.0.0.1, which the on-premises default refuses.
  egress: { policy: createEgressPolicy({ prepend: [{ action: 'allow', cidr: '127.0.0.1/32' }] }) },
});

let answerWith = 200;
const received: { headers: IncomingHttpHeaders; body: string; method: string }[] = [];
const receiver = createServer((request, response) => {
  let body = '';
  request.setEncoding('utf8');
  request.on('data', (chunk: string) => (body += chunk));
  request.on('end', () => {
    received.push({ headers: request.headers, body, method: request.method ?? '' });
    response.statusCode = answerWith;
    response.end();
  });
});

let server: Server;
let base = '';
let receiverUrl = '';

beforeAll(async () => {
  server = app.listen(0, '127.0.0.1');
  receiver.listen(0, '127.0.0.1');
  await Promise.all([once(server, 'listening'), once(receiver, 'listening')]);
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/gateway`;
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/guardia`;
});

afterAll(async () => {
  server.close();
  receiver.close();
  await gateway.stop();
});

type Json = Record<string, unknown>;

async function call(method: string, path: string, options: { token?: string; body?: unknown; raw?: string; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined = options.raw;
  if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  const response = await fetch(`${base}${path}`, { method, headers, body });
  const text = await response.text();
  return { status: response.status, headers: response.headers, json: (text ? JSON.parse(text) : null) as Json };
}

const admin = { token: 'admin-token' };

/** The original's signature: HMAC-SHA256 keyed with the hex SHA-256 of the secret. */
function originalSignature(secret: string, body: string, prefix = 'sha256='): string {
  const key = createHash('sha256').update(secret).digest('hex');
  return prefix + createHmac('sha256', key).update(body).digest('hex');
}

/** The original's IntegrationIn, every field set. */
const integrationIn = {
  name: 'Zabbix',
  type: 'MONITORING',
  description: 'Alerts from the monitoring cluster',
  endpoint_url: null as string | null,
  secret: 'zabbix-shared-secret-01',
  headers: { Authorization: 'Bearer example-outbound-token', 'X-Team': 'ops' },
  enabled: true,
  rate_limit: 60,
};

async function create(overrides: Json = {}) {
  const created = await call('POST', '/integrations', { ...admin, body: { ...integrationIn, ...overrides } });
  expect(created.status).toBe(201);
  return created.json as Json & { int_id: string; api_key: string };
}

describe('POST /integrations', () => {
  it('takes the original IntegrationIn and answers its record, without the hashes, plus the new fields', async () => {
    const created = await call('POST', '/integrations', { ...admin, body: integrationIn });
    expect(created.status).toBe(201);
    const record = created.json;
    const original = ['int_id', 'name', 'type', 'type_label', 'description', 'endpoint_url', 'headers', 'enabled', 'rate_limit', 'created_by', 'created_at', 'stats', 'api_key', 'warning'];
    const added = ['status', 'updated_by', 'updated_at', 'api_key_prefix', 'has_secret', 'signature_scheme', 'previous_secret_expires_at', 'failing'];
    expect(Object.keys(record).sort()).toEqual([...original, ...added].sort());
    expect(record).toMatchObject({
      name: 'Zabbix',
      type: 'MONITORING',
      type_label: 'Monitoring system integration',
      headers: { Authorization: '***', 'X-Team': 'ops' },
      enabled: true,
      status: 'ACTIVE',
      rate_limit: 60,
      created_by: 'kim',
      updated_by: null,
      updated_at: null,
      has_secret: true,
      signature_scheme: 'legacy',
      failing: false,
      warning: 'The API key is shown only this once. Store it safely.',
      stats: { total_requests: 0, success_requests: 0, error_requests: 0, rate_limited_requests: 0, last_request_at: null },
    });
    expect(record.int_id).toMatch(/^GW-[0-9A-F]{8}$/);
    expect(record.api_key).toMatch(/^gk_[0-9A-Za-z]{49}$/);
    expect(record.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('answers 400 problems where the original answered 400 or 422', async () => {
    const unknownType = await call('POST', '/integrations', { ...admin, body: { ...integrationIn, type: 'CHAT' } });
    expect(unknownType.status).toBe(400);
    expect(unknownType.headers.get('content-type')).toBe('application/problem+json; charset=utf-8');
    expect(unknownType.json).toMatchObject({ status: 400, code: 'VALIDATION_FAILED', title: 'Invalid request', type: 'urn:portico:error:validation-failed' });
    expect(unknownType.json.detail).toEqual(expect.any(String));
    expect(unknownType.json.errors).toEqual([
      { path: 'type', message: 'Unknown integration type; allowed: WEBHOOK_IN, WEBHOOK_OUT, REST_API, MONITORING, TICKETING, NOTIFICATION' },
    ]);
    const fields = async (body: Json) => ((await call('POST', '/integrations', { ...admin, body })).json.errors as { path: string }[]).map((field) => field.path);
    expect(await fields({ type: 'MONITORING' })).toEqual(['name']);
    expect(await fields({ ...integrationIn, secret: 'short' })).toEqual(['secret']);
    expect(await fields({ ...integrationIn, rate_limit: 0 })).toEqual(['rate_limit']);
    expect(await fields({ ...integrationIn, name: '' })).toEqual(['name']);
    expect(await fields({ ...integrationIn, endpoint_url: 'ftp://files.corp.example/' })).toEqual(['endpoint_url']);
    expect(await fields({ ...integrationIn, headers: { 'Content-Type': 'text/plain' } })).toEqual(['headers.Content-Type']);
  });

  it('answers the problem document shown in the guide', async () => {
    const refused = await call('POST', '/integrations', { ...admin, body: { name: 'Zabbix', type: 'CHAT', rate_limit: 0 } });
    const allowed = 'WEBHOOK_IN, WEBHOOK_OUT, REST_API, MONITORING, TICKETING, NOTIFICATION';
    expect(refused.json).toEqual({
      type: 'urn:portico:error:validation-failed',
      title: 'Invalid request',
      status: 400,
      detail: `Invalid body: type: Unknown integration type; allowed: ${allowed}; rate_limit: Too small: expected number to be >=1`,
      code: 'VALIDATION_FAILED',
      errors: [
        { path: 'type', message: `Unknown integration type; allowed: ${allowed}` },
        { path: 'rate_limit', message: 'Too small: expected number to be >=1' },
      ],
    });
  });

  it('keeps the role checks: 401 without a user, 403 for a PM', async () => {
    const anonymous = await call('POST', '/integrations', { body: integrationIn });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer');
    expect((await call('POST', '/integrations', { token: 'pm-token', body: integrationIn })).json).toMatchObject({ status: 403, code: 'FORBIDDEN' });
  });
});

describe('GET /integrations and GET /integrations/{int_id}', () => {
  it('lists with type_filter and enabled_only, pages with next_cursor, and never shows a hash', async () => {
    const off = await create({ name: 'Old monitor', enabled: false });
    const listed = await call('GET', '/integrations?type_filter=MONITORING&enabled_only=true', admin);
    expect(listed.status).toBe(200);
    expect(Object.keys(listed.json).sort()).toEqual(['integrations', 'next_cursor', 'total']);
    const items = listed.json.integrations as Json[];
    expect(items.map((item) => item.int_id)).not.toContain(off.int_id);
    for (const item of items) {
      expect(item).not.toHaveProperty('api_key_hash');
      expect(item).not.toHaveProperty('secret_hash');
      expect(item).not.toHaveProperty('api_key');
    }
    const page = await call('GET', '/integrations?limit=1', admin);
    expect((page.json.integrations as unknown[]).length).toBe(1);
    expect(page.json.total).toBeGreaterThan(1);
    expect(page.json.next_cursor).toEqual(expect.any(String));
    // The original filtered an unknown type down to nothing; Portico refuses it.
    expect((await call('GET', '/integrations?type_filter=CHAT', admin)).status).toBe(400);
  });

  it('answers one integration, or a 404 problem with the message in `detail`', async () => {
    const { int_id } = await create();
    expect((await call('GET', `/integrations/${int_id}`, admin)).json.int_id).toBe(int_id);
    const missing = await call('GET', '/integrations/GW-00000000', admin);
    expect(missing.status).toBe(404);
    expect(missing.json).toMatchObject({ code: 'NOT_FOUND', detail: "Integration 'GW-00000000' not found." });
  });
});

describe('PUT /integrations/{int_id}', () => {
  it('takes the original IntegrationUpdateIn, maps enabled to status, and records who', async () => {
    const { int_id } = await create();
    const updated = await call('PUT', `/integrations/${int_id}`, {
      token: 'admin-token',
      body: { name: 'Zabbix (DC2)', description: 'moved', endpoint_url: receiverUrl, enabled: false, rate_limit: 120 },
    });
    expect(updated.status).toBe(200);
    expect(updated.json).toMatchObject({ name: 'Zabbix (DC2)', endpoint_url: receiverUrl, enabled: false, status: 'INACTIVE', rate_limit: 120, updated_by: 'kim' });
    expect(updated.json.updated_at).toMatch(/Z$/);
    expect((await call('PUT', `/integrations/${int_id}`, { ...admin, body: { enabled: true } })).json.status).toBe('ACTIVE');
  });

  it('reads null differently: endpoint_url null clears the endpoint, other nulls are refused', async () => {
    const { int_id } = await create({ endpoint_url: receiverUrl });
    const cleared = await call('PUT', `/integrations/${int_id}`, { ...admin, body: { endpoint_url: null } });
    expect(cleared.json.endpoint_url).toBeNull();
    const nulls = await call('PUT', `/integrations/${int_id}`, { ...admin, body: { name: null, enabled: null } });
    expect(nulls.status).toBe(400);
    expect((nulls.json.errors as { path: string }[]).map((field) => field.path)).toEqual(['name', 'enabled']);
  });
});

describe('DELETE /integrations/{int_id}', () => {
  it('answers { message } and stops the key at once', async () => {
    const { int_id, api_key } = await create({ secret: undefined });
    const deleted = await call('DELETE', `/integrations/${int_id}`, admin);
    expect(deleted.json).toEqual({ message: `Integration '${int_id}' deleted.` });
    expect((await call('POST', `/webhook/${api_key}`, { raw: '{}' })).status).toBe(401);
    expect((await call('DELETE', `/integrations/${int_id}`, admin)).status).toBe(404);
  });
});

describe('POST /integrations/{int_id}/test', () => {
  it('answers the original shapes, through the egress policy', async () => {
    const none = await create();
    expect((await call('POST', `/integrations/${none.int_id}/test`, admin)).json).toEqual({
      status: 'SKIPPED',
      message: 'The integration has no endpoint_url.',
    });
    const reachable = await create({ endpoint_url: receiverUrl });
    const ok = await call('POST', `/integrations/${reachable.int_id}/test`, admin);
    expect(ok.json).toMatchObject({ status: 'OK', status_code: 200, url: receiverUrl });
    expect(ok.json.elapsed_ms).toEqual(expect.any(Number));
    expect(received.at(-1)?.headers.authorization).toBe('Bearer example-outbound-token');
    const refused = await create({ endpoint_url: 'http://127.0.0.2:8080/hooks' });
    const denied = await call('POST', `/integrations/${refused.int_id}/test`, admin);
    expect(denied.json).toMatchObject({ status: 'ERROR', url: 'http://127.0.0.2:8080/hooks' });
    expect(denied.json.message).toMatch(/^EGRESS_DENIED: /);
  });
});

describe('POST /webhook/{key}', () => {
  const webhookPayload = JSON.stringify({ event: 'ALERT_RAISED', data: { host: 'db-1' }, source: 'external' });

  it('accepts the original WebhookPayload signed the original way, and adds event_id', async () => {
    const { int_id, api_key } = await create();
    const events: unknown[] = [];
    const unsubscribe = gateway.onWebhook((event) => void events.push(event.payload));
    const accepted = await call('POST', `/webhook/${api_key}`, {
      raw: webhookPayload,
      headers: { 'x-hub-signature-256': originalSignature(integrationIn.secret, webhookPayload) },
    });
    expect(accepted.status).toBe(202);
    expect(accepted.json).toEqual({ accepted: true, event: 'ALERT_RAISED', int_id, event_id: expect.stringMatching(/^evt_/) });
    // event_id is Portico's id of the event in its inbox: the host's handler gets it as event.id.
    await vi.waitFor(() => expect(events).toEqual([JSON.parse(webhookPayload)]));
    unsubscribe();
    await vi.waitFor(async () => {
      const inbox = await call('GET', `/events/${String(accepted.json.event_id)}`, admin);
      expect(inbox.json).toMatchObject({ event_id: accepted.json.event_id, int_id, message_id: null, status: 'delivered' });
    });
    // The original stripped `sha256=` if present: so does the legacy scheme.
    const bare = await call('POST', `/webhook/${api_key}`, {
      raw: webhookPayload,
      headers: { 'x-hub-signature-256': originalSignature(integrationIn.secret, webhookPayload, '') },
    });
    expect(bare.status).toBe(202);
  });

  it('refuses what the original let through: no signature, a forged one', async () => {
    const { api_key } = await create();
    const unsigned = await call('POST', `/webhook/${api_key}`, { raw: webhookPayload });
    expect(unsigned.status).toBe(403);
    expect(unsigned.json).toMatchObject({ code: 'SIGNATURE_INVALID', detail: 'Webhook signature verification failed (missing).' });
    const forged = await call('POST', `/webhook/${api_key}`, {
      raw: webhookPayload,
      headers: { 'x-hub-signature-256': originalSignature('not-the-secret-at-all', webhookPayload) },
    });
    expect(forged.status).toBe(403);
  });

  it('answers 401 to a key of the original router, and the host hears of it', async () => {
    const originalKey = `gk_${randomUUID().replaceAll('-', '')}${randomUUID().replaceAll('-', '').slice(0, 8)}`;
    const refused = await call('POST', `/webhook/${originalKey}`, { raw: webhookPayload });
    expect(refused.status).toBe(401);
    expect(refused.json).toMatchObject({ code: 'INVALID_API_KEY', detail: 'Invalid webhook key.' });
    expect(warnings).toContainEqual({
      message: 'A sender still uses a key of the original router',
      fields: { keyStart: originalKey.slice(0, 8), from: '127.0.0.1' },
    });
  });

  it('takes bodies that are not JSON objects, answers 401 when disabled, 429 over the limit, 413 over 1 MiB', async () => {
    const { int_id, api_key } = await create({ secret: undefined, rate_limit: 3 });
    expect((await call('POST', `/webhook/${api_key}`, { raw: 'status=down' })).json.event).toBe('UNKNOWN');
    expect((await call('POST', `/webhook/${api_key}`, { raw: '[1, 2]' })).json.event).toBe('UNKNOWN');
    expect((await call('POST', `/webhook/${api_key}`, { raw: '' })).json.event).toBe('UNKNOWN');
    const limited = await call('POST', `/webhook/${api_key}`, { raw: '{}' });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.headers.get('ratelimit-policy')).toBe('"webhook";q=3;w=60');
    expect((await call('POST', `/webhook/${api_key}`, { raw: 'x'.repeat(1024 * 1024 + 1) })).status).toBe(413);
    await call('PUT', `/integrations/${int_id}`, { ...admin, body: { enabled: false } });
    expect((await call('POST', `/webhook/${api_key}`, { raw: '{}' })).status).toBe(401);
  });
});

describe('POST /send/{int_id}', () => {
  const outboundPayload = { event: 'TICKET_CREATED', message: 'SR-1042 opened', data: { sr_id: 'SR-1042' }, severity: 'WARNING' };

  it('sends the original body, with source kept, real header values and a signature', async () => {
    const { int_id } = await create({ endpoint_url: receiverUrl });
    answerWith = 200;
    const sent = await call('POST', `/send/${int_id}`, { token: 'pm-token', body: outboundPayload });
    expect(sent.status).toBe(202);
    expect(sent.json).toEqual({ sent: true, status_code: 200, int_id, delivery_id: expect.stringMatching(/^msg_/), status: 'delivered' });
    const request = received.at(-1)!;
    const body = JSON.parse(request.body) as Json;
    expect(Object.keys(body)).toEqual(['event', 'message', 'severity', 'data', 'source', 'sent_at']);
    expect(body).toMatchObject({ ...outboundPayload, source: 'guardia_itsm' });
    expect(body.sent_at).toMatch(/Z$/);
    expect(request.headers).toMatchObject({
      authorization: 'Bearer example-outbound-token',
      'x-team': 'ops',
      'content-type': 'application/json',
      'user-agent': 'Portico',
      'webhook-id': sent.json.delivery_id,
      'x-hub-signature-256': originalSignature(integrationIn.secret, request.body),
    });
    expect(request.headers['webhook-timestamp']).toMatch(/^\d+$/);
  });

  it('says sent: false when the receiver answered an error, which the original called sent', async () => {
    const { int_id } = await create({ endpoint_url: receiverUrl });
    answerWith = 500;
    const sent = await call('POST', `/send/${int_id}`, { ...admin, body: outboundPayload });
    answerWith = 200;
    expect(sent.status).toBe(202);
    expect(sent.json).toMatchObject({ sent: false, status_code: 500, status: 'pending', error: 'The endpoint answered HTTP 500.' });
  });

  it('keeps the original refusals: 400 disabled or without endpoint, 404, 403 for other roles', async () => {
    const disabled = await create({ endpoint_url: receiverUrl, enabled: false });
    const noEndpoint = await create();
    const code = async (path: string, token = 'admin-token', body: unknown = outboundPayload) => {
      const answer = await call('POST', path, { token, body });
      return [answer.status, answer.json.code];
    };
    expect(await code(`/send/${disabled.int_id}`)).toEqual([400, 'INTEGRATION_DISABLED']);
    expect(await code(`/send/${noEndpoint.int_id}`)).toEqual([400, 'NO_ENDPOINT']);
    expect(await code('/send/GW-00000000')).toEqual([404, 'NOT_FOUND']);
    expect(await code(`/send/${noEndpoint.int_id}`, 'user-token')).toEqual([403, 'FORBIDDEN']);
    expect(await code(`/send/${noEndpoint.int_id}`, 'admin-token', { event: 'X' })).toEqual([400, 'VALIDATION_FAILED']);
  });
});

describe('GET /logs and GET /stats', () => {
  it('answers logs in the original shape, with total over all pages and a cursor', async () => {
    const { int_id, api_key } = await create({ secret: undefined });
    for (const event of ['A', 'B', 'C']) await call('POST', `/webhook/${api_key}`, { raw: JSON.stringify({ event }) });
    const page = await call('GET', `/logs?int_id=${int_id}&limit=2`, admin);
    expect(Object.keys(page.json).sort()).toEqual(['logs', 'next_cursor', 'total']);
    expect(page.json.total).toBe(4);
    const logs = page.json.logs as Json[];
    expect(logs.map((entry) => entry.event)).toEqual(['WEBHOOK_C', 'WEBHOOK_B']);
    expect(Object.keys(logs[0]!).sort()).toEqual(['direction', 'error', 'event', 'int_id', 'log_id', 'logged_at', 'payload', 'status']);
    expect(logs[0]!.log_id).toMatch(/^LOG-[0-9A-F]{8}$/);
    expect((await call('GET', '/logs?limit=0', admin)).status).toBe(400);
    expect((await call('GET', '/logs?limit=501', admin)).status).toBe(400);
    expect((await call('GET', '/logs?since=2026-01-01T00:00:00', admin)).status).toBe(400);
  });

  it('answers the original stats fields and a few more', async () => {
    const stats = await call('GET', '/stats', admin);
    const original = ['total_integrations', 'enabled', 'disabled', 'total_requests', 'total_errors', 'success_rate_pct', 'by_type', 'total_log_entries', 'integration_types'];
    expect(Object.keys(stats.json).sort()).toEqual([...original, 'by_status', 'total_rate_limited'].sort());
    expect(Object.keys(stats.json.integration_types as Json)).toEqual(['WEBHOOK_IN', 'WEBHOOK_OUT', 'REST_API', 'MONITORING', 'TICKETING', 'NOTIFICATION']);
  });
});

describe('reading errors of either router', () => {
  it('reads Portico problems and FastAPI details alike', async () => {
    const portico = await fetch(`${base}/integrations`, {
      method: 'POST',
      headers: { authorization: 'Bearer admin-token', 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'CHAT' }),
    });
    const error = await readError(portico);
    expect(error).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
    expect(error.fields.map((field) => field.path)).toEqual(['name', 'type']);

    const fastapi422 = new Response(JSON.stringify({ detail: [{ loc: ['body', 'name'], msg: 'field required', type: 'value_error.missing' }] }), { status: 422 });
    expect(await readError(fastapi422)).toEqual({ status: 422, code: null, message: 'Invalid request', fields: [{ path: 'name', message: 'field required' }] });
    const fastapi404 = new Response(JSON.stringify({ detail: "연동 'GW-00000000'를 찾을 수 없습니다." }), { status: 404 });
    expect(await readError(fastapi404)).toMatchObject({ status: 404, code: null, fields: [] });
  });
});
