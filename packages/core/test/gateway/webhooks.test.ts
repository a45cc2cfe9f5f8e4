import { sign as octokitSign } from '@octokit/webhooks-methods';
import { describe, expect, it } from 'vitest';
import { memoryStorage } from '../../src/storage/memory-storage';
import { bytes, handOffs, legacyHeaders, PLAIN_SECRET, setup, STANDARD_SECRET, standardHeaders, T0 } from './harness';

const body = '{"event":"ALERT_RAISED","data":{"host":"db-1","password":"hunter2"}}';

async function standardIntegration(overrides: Record<string, unknown> = {}) {
  const ctx = setup();
  const created = await ctx.gateway.integrations.create(
    { name: 'Zabbix', type: 'MONITORING', secret: STANDARD_SECRET, ...overrides },
    'admin',
  );
  return { ...ctx, ...created, id: created.integration.id };
}

describe('receiveWebhook', () => {
  it('accepts a webhook signed by the standardwebhooks package and hands it to the host', async () => {
    const { gateway, events, apiKey, id } = await standardIntegration();
    const headers = standardHeaders(STANDARD_SECRET, 'msg_1', T0, body);
    const accepted = await gateway.receiveWebhook({ key: apiKey, headers, rawBody: bytes(body) });
    expect(accepted).toMatchObject({ accepted: true, event: 'ALERT_RAISED', intId: id, eventId: expect.stringMatching(/^evt_/) });
    expect(accepted.rateLimit).toEqual({ limit: 60, windowMs: 60_000, remaining: 59, resetMs: 60_000 });
    await handOffs();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      id: accepted.eventId,
      messageId: 'msg_1',
      intId: id,
      event: 'ALERT_RAISED',
      test: false,
      receivedAt: T0,
      attempt: 1,
    });
    expect(events[0]?.headers).toMatchObject({ 'webhook-id': 'msg_1' });
    expect(events[0]?.payload).toEqual(JSON.parse(body));
  });

  it('logs the accepted webhook masked and counts it', async () => {
    const { gateway, apiKey, id } = await standardIntegration();
    await gateway.receiveWebhook({ key: apiKey, headers: standardHeaders(STANDARD_SECRET, 'm', T0, body), rawBody: bytes(body) });
    const logs = await gateway.logs.query({ intId: id, direction: 'IN' });
    expect(logs.items[0]).toMatchObject({
      direction: 'IN',
      event: 'WEBHOOK_ALERT_RAISED',
      status: 'OK',
      payload: { event: 'ALERT_RAISED', data: { host: 'db-1', password: '***' } },
    });
    expect(JSON.stringify(logs)).not.toContain(apiKey);
    const stats = await gateway.stats();
    expect(stats).toMatchObject({ totalIntegrations: 1, enabled: 1, totalRequests: 1, totalErrors: 0, successRatePct: 100 });
    expect((await gateway.integrations.get(id)).stats).toMatchObject({ totalRequests: 1, successRequests: 1, lastRequestAt: new Date(T0).toISOString() });
  });

  it('verifies over the exact bytes, not a re-serialisation', async () => {
    const { gateway, apiKey } = await standardIntegration();
    const odd = '{ "event" : "caf\\u00e9",\n  "b":1 ,"a":[ 1,2 ] }';
    const accepted = await gateway.receiveWebhook({ key: apiKey, headers: standardHeaders(STANDARD_SECRET, 'x', T0, odd), rawBody: bytes(odd) });
    expect(accepted.event).toBe('café');
  });

  it.each([
    ['a tampered body', (h: Record<string, string>) => ({ headers: h, body: body.replace('db-1', 'db-2') })],
    ['a wrong secret', () => ({ headers: standardHeaders('whsec_' + Buffer.alloc(24, 7).toString('base64'), 'm', T0, body), body })],
    ['no signature at all', () => ({ headers: {}, body })],
    ['a stale timestamp', () => ({ headers: standardHeaders(STANDARD_SECRET, 'm', T0 - 301_000, body), body })],
    ['a future timestamp', () => ({ headers: standardHeaders(STANDARD_SECRET, 'm', T0 + 301_000, body), body })],
    ['a non-integer timestamp', (h: Record<string, string>) => ({ headers: { ...h, 'webhook-timestamp': `${h['webhook-timestamp']}abc` }, body })],
  ])('refuses %s with 403 and logs the failure', async (_, make) => {
    const { gateway, apiKey, id, events } = await standardIntegration();
    const request = make(standardHeaders(STANDARD_SECRET, 'm', T0, body));
    await expect(gateway.receiveWebhook({ key: apiKey, headers: request.headers, rawBody: bytes(request.body) })).rejects.toMatchObject({
      code: 'SIGNATURE_INVALID',
      status: 403,
    });
    expect(events).toHaveLength(0);
    const logs = await gateway.logs.query({ intId: id, direction: 'IN' });
    expect(logs.items[0]).toMatchObject({ event: 'WEBHOOK_SIGNATURE_FAILED', status: 'ERROR' });
    expect((await gateway.stats()).totalErrors).toBe(1);
  });

  it('accepts timestamps just inside the tolerance both ways', async () => {
    const { gateway, apiKey } = await standardIntegration();
    for (const [id, at] of [['early', T0 - 299_000], ['late', T0 + 299_000]] as const) {
      await expect(gateway.receiveWebhook({ key: apiKey, headers: standardHeaders(STANDARD_SECRET, id, at, body), rawBody: bytes(body) })).resolves.toMatchObject({ accepted: true });
    }
  });

  it('refuses a replayed webhook-id with 409 while it could still verify', async () => {
    const { gateway, apiKey, clock, events } = await standardIntegration();
    const headers = standardHeaders(STANDARD_SECRET, 'msg_replay', T0, body);
    await gateway.receiveWebhook({ key: apiKey, headers, rawBody: bytes(body) });
    clock.advance(200_000);
    await expect(gateway.receiveWebhook({ key: apiKey, headers, rawBody: bytes(body) })).rejects.toMatchObject({ code: 'WEBHOOK_REPLAYED', status: 409 });
    await handOffs();
    expect(events).toHaveLength(1);
  });

  it('remembers an id for as long as its own timestamp verifies, whatever the skew', async () => {
    const { gateway, apiKey, clock, events } = await standardIntegration();
    // Signed 299 s ahead of the receiver's clock: it keeps verifying for 600 s from now.
    const headers = standardHeaders(STANDARD_SECRET, 'msg_ahead', T0 + 299_000, body);
    await gateway.receiveWebhook({ key: apiKey, headers, rawBody: bytes(body) });
    clock.advance(599_999);
    await expect(gateway.receiveWebhook({ key: apiKey, headers, rawBody: bytes(body) })).rejects.toMatchObject({ code: 'WEBHOOK_REPLAYED' });
    clock.advance(1);
    await expect(gateway.receiveWebhook({ key: apiKey, headers, rawBody: bytes(body) })).rejects.toMatchObject({ code: 'SIGNATURE_INVALID' });
    await handOffs();
    expect(events).toHaveLength(1);
  });

  it('verifies GitHub-style signatures made by @octokit/webhooks-methods', async () => {
    const { gateway, apiKey } = await standardIntegration({ secret: PLAIN_SECRET, signatureScheme: 'github' });
    const signature = await octokitSign(PLAIN_SECRET, body);
    await expect(gateway.receiveWebhook({ key: apiKey, headers: { 'x-hub-signature-256': signature }, rawBody: bytes(body) })).resolves.toMatchObject({ accepted: true });
    await expect(gateway.receiveWebhook({ key: apiKey, headers: { 'x-hub-signature-256': signature }, rawBody: bytes(`${body} `) })).rejects.toMatchObject({ code: 'SIGNATURE_INVALID' });
  });

  it("keeps the original's senders working with the legacy scheme, and refuses them unsigned", async () => {
    const { gateway, apiKey } = await standardIntegration({ secret: PLAIN_SECRET });
    await expect(gateway.receiveWebhook({ key: apiKey, headers: legacyHeaders(PLAIN_SECRET, body), rawBody: bytes(body) })).resolves.toMatchObject({ accepted: true });
    await expect(gateway.receiveWebhook({ key: apiKey, headers: {}, rawBody: bytes(body) })).rejects.toMatchObject({ code: 'SIGNATURE_INVALID' });
  });

  it('authenticates by key alone when the integration has no secret, as the original', async () => {
    const { gateway, apiKey } = await standardIntegration({ secret: undefined });
    await expect(gateway.receiveWebhook({ key: apiKey, headers: {}, rawBody: bytes('not json at all') })).resolves.toMatchObject({ event: 'UNKNOWN' });
  });

  it.each([
    ['an empty key', ''],
    ['a malformed key', 'gk_short'],
    ['a key with a broken checksum', 'flip'],
    ['a well-formed unknown key', 'unknown'],
  ])('refuses %s with 401 without touching the integration', async (_, kind) => {
    const { gateway, apiKey, id } = await standardIntegration({ secret: undefined });
    const { apiKey: unknown } = await setup().gateway.integrations.create({ name: 'elsewhere', type: 'WEBHOOK_IN' }, 'a');
    const key =
      kind === 'flip' ? apiKey.slice(0, -1) + (apiKey.endsWith('A') ? 'B' : 'A') : kind === 'unknown' ? unknown : kind;
    await expect(gateway.receiveWebhook({ key, headers: {}, rawBody: bytes(body) })).rejects.toMatchObject({ code: 'INVALID_API_KEY', status: 401 });
    expect((await gateway.logs.query({ intId: id, direction: 'IN' })).items).toHaveLength(0);
  });

  it("never accepts one integration's key for another's signature", async () => {
    const { gateway } = setup();
    const a = await gateway.integrations.create({ name: 'a', type: 'WEBHOOK_IN', secret: STANDARD_SECRET }, 'x');
    const other = 'whsec_' + Buffer.alloc(24, 9).toString('base64');
    const b = await gateway.integrations.create({ name: 'b', type: 'WEBHOOK_IN', secret: other }, 'x');
    const accepted = await gateway.receiveWebhook({ key: b.apiKey, headers: standardHeaders(other, 'm', T0, body), rawBody: bytes(body) });
    expect(accepted.intId).toBe(b.integration.id);
    await expect(gateway.receiveWebhook({ key: a.apiKey, headers: standardHeaders(other, 'n', T0, body), rawBody: bytes(body) })).rejects.toMatchObject({ code: 'SIGNATURE_INVALID' });
  });

  it('refuses an INACTIVE integration and accepts it again once enabled', async () => {
    const { gateway, apiKey, id } = await standardIntegration({ secret: undefined });
    await gateway.integrations.update(id, { enabled: false }, 'a');
    await expect(gateway.receiveWebhook({ key: apiKey, headers: {}, rawBody: bytes(body) })).rejects.toMatchObject({ code: 'INVALID_API_KEY' });
    await gateway.integrations.update(id, { enabled: true }, 'a');
    await expect(gateway.receiveWebhook({ key: apiKey, headers: {}, rawBody: bytes(body) })).resolves.toMatchObject({ accepted: true });
  });

  it('marks events of a TEST integration', async () => {
    const { gateway, apiKey, events } = await standardIntegration({ secret: undefined, status: 'TEST' });
    await gateway.receiveWebhook({ key: apiKey, headers: {}, rawBody: bytes(body) });
    await handOffs();
    expect(events[0]?.test).toBe(true);
  });

  it('admits exactly the limit per minute, refuses limit+1 with Retry-After, and admits again later', async () => {
    const { gateway, apiKey, id, clock } = await standardIntegration({ secret: undefined, rateLimit: 3 });
    for (let i = 0; i < 3; i++) await gateway.receiveWebhook({ key: apiKey, headers: {}, rawBody: bytes(body) });
    const refused = await gateway.receiveWebhook({ key: apiKey, headers: {}, rawBody: bytes(body) }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'RATE_LIMITED', status: 429, retryAfterMs: 60_000, rateLimit: { limit: 3, remaining: 0 } });
    clock.advance(60_000);
    await expect(gateway.receiveWebhook({ key: apiKey, headers: {}, rawBody: bytes(body) })).resolves.toMatchObject({ accepted: true });
    const logs = await gateway.logs.query({ intId: id, status: 'RATE_LIMITED' });
    expect(logs.items).toHaveLength(1);
    expect((await gateway.integrations.get(id)).stats).toMatchObject({ totalRequests: 4, rateLimitedRequests: 1 });
  });

  it('keeps a rotated-out key for the grace period, then refuses it', async () => {
    const { gateway, apiKey, id, clock } = await standardIntegration({ secret: undefined });
    const rotated = await gateway.integrations.rotateKey(id, 'admin', { gracePeriodMs: 3_600_000 });
    expect(rotated.apiKey).not.toBe(apiKey);
    expect(rotated.previousKeyExpiresAt).toBe(new Date(T0 + 3_600_000).toISOString());
    const send = (key: string) => gateway.receiveWebhook({ key, headers: {}, rawBody: bytes(body) });
    await expect(send(apiKey)).resolves.toMatchObject({ intId: id });
    await expect(send(rotated.apiKey)).resolves.toMatchObject({ intId: id });
    clock.advance(3_600_000);
    await expect(send(apiKey)).rejects.toMatchObject({ code: 'INVALID_API_KEY' });
    await expect(send(rotated.apiKey)).resolves.toMatchObject({ intId: id });
  });

  it('revokes the previous key at once with a zero grace period, and drops an older one on a second rotation', async () => {
    const { gateway, apiKey, id } = await standardIntegration({ secret: undefined });
    const send = (key: string) => gateway.receiveWebhook({ key, headers: {}, rawBody: bytes(body) });
    const second = await gateway.integrations.rotateKey(id, 'admin');
    expect(second.previousKeyExpiresAt).toBe(new Date(T0 + 86_400_000).toISOString());
    const third = await gateway.integrations.rotateKey(id, 'admin', { gracePeriodMs: 0 });
    expect(third.previousKeyExpiresAt).toBeNull();
    await expect(send(apiKey)).rejects.toMatchObject({ code: 'INVALID_API_KEY' });
    await expect(send(second.apiKey)).rejects.toMatchObject({ code: 'INVALID_API_KEY' });
    await expect(send(third.apiKey)).resolves.toMatchObject({ intId: id });
  });

  it('refuses a second webhook handler: each event goes to one', async () => {
    const { gateway } = await standardIntegration({ secret: undefined });
    expect(() => gateway.onWebhook(() => {})).toThrow(TypeError);
  });

  it('refuses a sealed secret copied into another record, even after it was opened for its own', async () => {
    const storage = memoryStorage();
    const { gateway } = setup({ storage });
    const a = await gateway.integrations.create({ name: 'a', type: 'WEBHOOK_IN', secret: STANDARD_SECRET }, 'x');
    const other = await gateway.integrations.create({ name: 'b', type: 'WEBHOOK_IN', signatureScheme: 'standard' }, 'x');
    await gateway.receiveWebhook({ key: a.apiKey, headers: standardHeaders(STANDARD_SECRET, 'm1', T0, body), rawBody: bytes(body) });
    const stolen = (await storage.integrations.get(a.integration.id))!.sealedSecret;
    const target = (await storage.integrations.get(other.integration.id))!;
    await storage.integrations.update(target.id, target.version, { sealedSecret: stolen });
    await expect(
      gateway.receiveWebhook({ key: other.apiKey, headers: standardHeaders(STANDARD_SECRET, 'm2', T0, body), rawBody: bytes(body) }),
    ).rejects.toMatchObject({ code: 'INTERNAL' });
  });

  it('keeps a storage it was given open on stop', async () => {
    const storage = memoryStorage();
    const { gateway } = setup({ storage });
    await gateway.integrations.create({ name: 'x', type: 'REST_API' }, 'a');
    await gateway.stop();
    expect((await storage.integrations.counts()).total).toBe(1);
  });
});
