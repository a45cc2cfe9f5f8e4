import { createHash, createHmac } from 'node:crypto';
import { verify as octokitVerify } from '@octokit/webhooks-methods';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { generateKeyRing, sealedKeyId, type KeyRing } from '../../src/crypto/key-ring';
import { createHttpHandler } from '../../src/http/handler';
import { buildOpenApiDocument } from '../../src/http/openapi';
import { gatewayRoutes } from '../../src/http/gateway-routes';
import type { HttpResponse } from '../../src/http/route';
import { silentLogger } from '../../src/logger';
import { memoryStorage } from '../../src/storage/memory-storage';
import { notification, setup as deliverySetup } from '../delivery/harness';
import { bytes, legacyHeaders, PLAIN_SECRET, setup, STANDARD_SECRET, standardHeaders, T0 } from './harness';

const NEW_SECRET = `whsec_${Buffer.alloc(32, 9).toString('base64')}`;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const body = '{"event":"ALERT_RAISED","data":{"host":"db-1"}}';

/** A gateway and an integration signed with `secret` (none when null), with ways to send it webhooks. */
async function signedIntegration(secret: string | null = STANDARD_SECRET, options: Parameters<typeof setup>[0] = {}) {
  const ctx = setup(options);
  const created = await ctx.gateway.integrations.create({ name: 'Zabbix', type: 'MONITORING', secret: secret ?? undefined }, 'admin');
  const id = created.integration.id;
  let sent = 0;
  const receive = (headers: Record<string, string>) =>
    ctx.gateway.receiveWebhook({ key: created.apiKey, headers, rawBody: bytes(body) });
  /** A webhook signed by Standard Webhooks with `secrets` (several: one `v1,` entry each), at the clock's time. */
  const standard = (...secrets: string[]) => {
    const messageId = `msg_${++sent}`;
    const signed = secrets.map((secret) => standardHeaders(secret, messageId, ctx.clock.now(), body));
    return receive({ ...signed[0], 'webhook-signature': signed.map((headers) => headers['webhook-signature']).join(' ') });
  };
  return { ...ctx, apiKey: created.apiKey, id, receive, standard };
}

const refused = { code: 'SIGNATURE_INVALID', status: 403 };

describe('integrations.rotateSecret: inbound webhooks', () => {
  it('accepts the old and the new secret during the grace period, then only the new one', async () => {
    const { gateway, id, clock, standard } = await signedIntegration();
    const rotated = await gateway.integrations.rotateSecret(id, 'admin', { secret: NEW_SECRET, gracePeriodMs: HOUR_MS });
    expect(rotated).toMatchObject({ secret: NEW_SECRET, signatureScheme: 'standard', previousSecretExpiresAt: new Date(T0 + HOUR_MS).toISOString() });

    await expect(standard(STANDARD_SECRET)).resolves.toMatchObject({ accepted: true });
    await expect(standard(NEW_SECRET)).resolves.toMatchObject({ accepted: true });
    clock.advance(HOUR_MS - 1);
    await expect(standard(STANDARD_SECRET)).resolves.toMatchObject({ accepted: true });
    clock.advance(1);
    await expect(standard(STANDARD_SECRET)).rejects.toMatchObject(refused);
    await expect(standard(NEW_SECRET)).resolves.toMatchObject({ accepted: true });
    expect((await gateway.integrations.get(id)).previousSecretExpiresAt).toBeNull();
  });

  it("keeps the old secret for the gateway's keyGracePeriodMs by default", async () => {
    const { gateway, id, clock, standard } = await signedIntegration(STANDARD_SECRET, { keyGracePeriodMs: 2 * HOUR_MS });
    const rotated = await gateway.integrations.rotateSecret(id, 'admin');
    expect(rotated.previousSecretExpiresAt).toBe(new Date(T0 + 2 * HOUR_MS).toISOString());
    clock.advance(2 * HOUR_MS - 1);
    await expect(standard(STANDARD_SECRET)).resolves.toMatchObject({ accepted: true });
    clock.advance(1);
    await expect(standard(STANDARD_SECRET)).rejects.toMatchObject(refused);
    await expect(standard(rotated.secret)).resolves.toMatchObject({ accepted: true });
  });

  it('defaults to 24 hours, and generates a Standard Webhooks secret shown only in its answer', async () => {
    const { gateway, id, standard } = await signedIntegration();
    const rotated = await gateway.integrations.rotateSecret(id, 'admin');
    expect(rotated.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(rotated.secret).not.toBe(STANDARD_SECRET);
    expect(rotated.previousSecretExpiresAt).toBe(new Date(T0 + DAY_MS).toISOString());
    expect(rotated.warning).toMatch(/only this once/);
    await expect(standard(rotated.secret)).resolves.toMatchObject({ accepted: true });

    const shown = await gateway.integrations.get(id);
    expect(shown).toMatchObject({ hasSecret: true, signatureScheme: 'standard', previousSecretExpiresAt: new Date(T0 + DAY_MS).toISOString() });
    const everything = JSON.stringify([shown, rotated.integration, await gateway.integrations.list(), await gateway.logs.query({ intId: id })]);
    expect(everything).not.toContain(rotated.secret);
    expect(everything).not.toContain(STANDARD_SECRET);
    const logs = await gateway.logs.query({ intId: id, direction: 'SYSTEM' });
    expect(logs.items[0]).toMatchObject({
      event: 'SIGNING_SECRET_ROTATED',
      payload: { by: 'admin', signature_scheme: 'standard', grace_until: new Date(T0 + DAY_MS).toISOString() },
    });
  });

  it('revokes the old secret at once with a grace period of 0', async () => {
    const { gateway, id, standard } = await signedIntegration();
    const rotated = await gateway.integrations.rotateSecret(id, 'admin', { gracePeriodMs: 0 });
    expect(rotated.previousSecretExpiresAt).toBeNull();
    expect(rotated.integration.previousSecretExpiresAt).toBeNull();
    await expect(standard(STANDARD_SECRET)).rejects.toMatchObject(refused);
    await expect(standard(rotated.secret)).resolves.toMatchObject({ accepted: true });
  });

  it('changes the scheme from legacy to standard, still accepting legacy signatures with the old secret during the grace period', async () => {
    const { gateway, id, clock, receive, standard } = await signedIntegration(PLAIN_SECRET);
    expect((await gateway.integrations.get(id)).signatureScheme).toBe('legacy');
    const rotated = await gateway.integrations.rotateSecret(id, 'admin', { signatureScheme: 'standard', gracePeriodMs: HOUR_MS });
    expect(rotated).toMatchObject({ signatureScheme: 'standard', integration: { signatureScheme: 'standard' } });

    await expect(receive(legacyHeaders(PLAIN_SECRET, body))).resolves.toMatchObject({ accepted: true });
    await expect(standard(rotated.secret)).resolves.toMatchObject({ accepted: true });
    await expect(receive(legacyHeaders('another-plain-secret-entirely', body))).rejects.toMatchObject(refused);
    clock.advance(HOUR_MS);
    await expect(receive(legacyHeaders(PLAIN_SECRET, body))).rejects.toMatchObject(refused);
    await expect(standard(rotated.secret)).resolves.toMatchObject({ accepted: true });
  });

  it('adds a secret to an integration without one: unsigned webhooks are refused at once', async () => {
    const { gateway, id, receive, standard } = await signedIntegration(null);
    expect((await gateway.integrations.get(id)).hasSecret).toBe(false);
    await expect(receive({})).resolves.toMatchObject({ accepted: true });

    const rotated = await gateway.integrations.rotateSecret(id, 'admin', { gracePeriodMs: HOUR_MS });
    expect(rotated).toMatchObject({ signatureScheme: 'standard', previousSecretExpiresAt: null });
    expect(rotated.integration).toMatchObject({ hasSecret: true, signatureScheme: 'standard', previousSecretExpiresAt: null });
    await expect(receive({})).rejects.toMatchObject({ ...refused, message: expect.stringContaining('missing') });
    await expect(standard(rotated.secret)).resolves.toMatchObject({ accepted: true });
  });

  it('adds a given plain secret under the legacy scheme its form implies', async () => {
    const { gateway, id, receive } = await signedIntegration(null);
    const rotated = await gateway.integrations.rotateSecret(id, 'admin', { secret: PLAIN_SECRET });
    expect(rotated).toMatchObject({ secret: PLAIN_SECRET, signatureScheme: 'legacy' });
    await expect(receive(legacyHeaders(PLAIN_SECRET, body))).resolves.toMatchObject({ accepted: true });
    await expect(receive({})).rejects.toMatchObject(refused);
  });

  it('accepts one header carrying both signatures, in either order, during the grace period and after it', async () => {
    const { gateway, id, clock, standard } = await signedIntegration();
    await gateway.integrations.rotateSecret(id, 'admin', { secret: NEW_SECRET, gracePeriodMs: HOUR_MS });
    await expect(standard(NEW_SECRET, STANDARD_SECRET)).resolves.toMatchObject({ accepted: true });
    await expect(standard(STANDARD_SECRET, NEW_SECRET)).resolves.toMatchObject({ accepted: true });
    clock.advance(HOUR_MS);
    await expect(standard(STANDARD_SECRET, NEW_SECRET)).resolves.toMatchObject({ accepted: true });
    await expect(standard(STANDARD_SECRET, STANDARD_SECRET)).rejects.toMatchObject(refused);
  });

  it('refuses a message id seen under the old secret when it comes again under the new one', async () => {
    const { gateway, id, receive } = await signedIntegration();
    await gateway.integrations.rotateSecret(id, 'admin', { secret: NEW_SECRET });
    await expect(receive(standardHeaders(STANDARD_SECRET, 'msg_once', T0, body))).resolves.toMatchObject({ accepted: true });
    await expect(receive(standardHeaders(NEW_SECRET, 'msg_once', T0, body))).rejects.toMatchObject({ code: 'WEBHOOK_REPLAYED', status: 409 });
  });

  it('revokes at once a secret replaced by an earlier rotation', async () => {
    const { gateway, id, standard } = await signedIntegration();
    const second = await gateway.integrations.rotateSecret(id, 'admin', { gracePeriodMs: HOUR_MS });
    const third = await gateway.integrations.rotateSecret(id, 'admin', { gracePeriodMs: HOUR_MS });
    await expect(standard(STANDARD_SECRET)).rejects.toMatchObject(refused);
    await expect(standard(second.secret)).resolves.toMatchObject({ accepted: true });
    await expect(standard(third.secret)).resolves.toMatchObject({ accepted: true });
  });

  it.each([
    ['a plain secret under the standard scheme', { secret: PLAIN_SECRET, signatureScheme: 'standard' }, 'secret'],
    ['a plain secret for an integration already on standard', { secret: PLAIN_SECRET }, 'secret'],
    ['a secret too short', { secret: 'whsec_c2hvcnQ=' }, 'secret'],
    ['an unknown scheme', { signatureScheme: 'hmac' }, 'signatureScheme'],
    ['a negative grace period', { gracePeriodMs: -1 }, 'gracePeriodMs'],
    ['a grace period over a year', { gracePeriodMs: 366 * DAY_MS }, 'gracePeriodMs'],
    ['an unknown option', { gracePeriodSeconds: 60 }, 'gracePeriodSeconds'],
  ])('refuses %s with VALIDATION_FAILED, keeping the secret', async (_name, rotation, field) => {
    const { gateway, id, standard } = await signedIntegration();
    const error = await gateway.integrations.rotateSecret(id, 'admin', rotation as never).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'VALIDATION_FAILED', status: 400, message: expect.stringContaining(field) });
    await expect(standard(STANDARD_SECRET)).resolves.toMatchObject({ accepted: true });
    expect((await gateway.integrations.get(id)).previousSecretExpiresAt).toBeNull();
  });

  it('throws NOT_FOUND for an unknown integration', async () => {
    const { gateway } = setup();
    await expect(gateway.integrations.rotateSecret('GW-00000000', 'admin')).rejects.toMatchObject({ code: 'NOT_FOUND', status: 404 });
  });
});

describe('integrations.update: the signing secret is not its to change', () => {
  it.each(['secret', 'signatureScheme'])('refuses %s, pointing to rotateSecret, and changes nothing', async (field) => {
    const { gateway, id, standard } = await signedIntegration();
    const changes = { name: 'Renamed', [field]: field === 'secret' ? NEW_SECRET : 'github' };
    const error = await gateway.integrations.update(id, changes as never, 'admin').catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'VALIDATION_FAILED', fields: [{ path: field, message: expect.stringContaining('rotate-secret') }] });
    expect((error as Error).message).toContain('rotateSecret');
    expect((await gateway.integrations.get(id)).name).toBe('Zabbix');
    await expect(standard(STANDARD_SECRET)).resolves.toMatchObject({ accepted: true });
    await expect(standard(NEW_SECRET)).rejects.toMatchObject(refused);
  });
});

describe('integrations.resealSecrets and a rotated-out secret', () => {
  /** The ring after a master key rotation from `old` to `k2`: the new key seals, both open. */
  function rotatedRing(old: KeyRing): { both: KeyRing; newOnly: KeyRing } {
    const fresh = generateKeyRing('k2');
    return { both: { currentKeyId: 'k2', keys: { ...old.keys, ...fresh.keys } }, newOnly: fresh };
  }

  it('seals the previous secret again under the current key, so it keeps verifying once the old key is gone', async () => {
    const storage = memoryStorage();
    const old = generateKeyRing('k1');
    const before = setup({ storage, keyRing: old }).gateway;
    const created = await before.integrations.create({ name: 'Zabbix', type: 'MONITORING', secret: STANDARD_SECRET }, 'admin');
    const id = created.integration.id;
    await before.integrations.rotateSecret(id, 'admin', { secret: NEW_SECRET, gracePeriodMs: HOUR_MS });
    const { both, newOnly } = rotatedRing(old);

    expect(await setup({ storage, keyRing: both }).gateway.integrations.resealSecrets('ops')).toEqual({ checked: 1, resealed: 1 });
    const record = await storage.integrations.get(id);
    expect([sealedKeyId(record?.sealedSecret ?? ''), sealedKeyId(record?.previousSealedSecret ?? '')]).toEqual(['k2', 'k2']);

    const after = setup({ storage, keyRing: newOnly }).gateway;
    for (const [secret, messageId] of [[STANDARD_SECRET, 'msg_old'], [NEW_SECRET, 'msg_new']] as const) {
      const headers = standardHeaders(secret, messageId, T0, body);
      await expect(after.receiveWebhook({ key: created.apiKey, headers, rawBody: bytes(body) })).resolves.toMatchObject({ accepted: true });
    }
  });

  it('drops a previous secret whose grace period is over instead of sealing it again', async () => {
    const storage = memoryStorage();
    const old = generateKeyRing('k1');
    const before = setup({ storage, keyRing: old });
    const created = await before.gateway.integrations.create({ name: 'Zabbix', type: 'MONITORING', secret: STANDARD_SECRET }, 'admin');
    await before.gateway.integrations.rotateSecret(created.integration.id, 'admin', { gracePeriodMs: HOUR_MS });
    const during = setup({ storage, keyRing: rotatedRing(old).both });
    during.clock.advance(HOUR_MS);

    expect(await during.gateway.integrations.resealSecrets('ops')).toEqual({ checked: 1, resealed: 1 });
    expect(await storage.integrations.get(created.integration.id)).toMatchObject({
      sealedSecret: expect.stringContaining('k2'),
      previousSealedSecret: null,
      previousSignatureScheme: null,
      previousSecretExpiresAt: null,
    });
  });
});

describe('outbound notifications during a secret rotation', () => {
  const hubSignature = (key: string, text: string) => `sha256=${createHmac('sha256', key).update(text).digest('hex')}`;

  it('carry two v1 signatures, the new one first, each verifiable with its secret by the standardwebhooks package', async () => {
    const { gateway, receiver, clock, id } = await deliverySetup({}, { secret: STANDARD_SECRET });
    // A minute: the standardwebhooks package checks timestamps against the wall clock, 5 minutes either way.
    const rotated = await gateway.integrations.rotateSecret(id, 'admin', { gracePeriodMs: 60_000 });

    await gateway.send(id, notification, 'admin');
    const during = receiver.requests[0];
    const signatures = String(during?.headers['webhook-signature']).split(' ');
    expect(signatures).toHaveLength(2);
    expect(signatures.every((signature) => signature.startsWith('v1,'))).toBe(true);
    for (const secret of [rotated.secret, STANDARD_SECRET]) {
      expect(new Webhook(secret).verify(during?.body ?? '', during?.headers as Record<string, string>)).toEqual(JSON.parse(during?.body ?? ''));
    }
    const [newest] = signatures;
    const onlyNew = { ...(during?.headers as Record<string, string>), 'webhook-signature': newest ?? '' };
    expect(() => new Webhook(rotated.secret).verify(during?.body ?? '', onlyNew)).not.toThrow();

    clock.advance(60_000);
    await gateway.send(id, notification, 'admin');
    const after = receiver.requests[1];
    expect(String(after?.headers['webhook-signature']).split(' ')).toHaveLength(1);
    expect(() => new Webhook(rotated.secret).verify(after?.body ?? '', after?.headers as Record<string, string>)).not.toThrow();
    expect(() => new Webhook(STANDARD_SECRET).verify(after?.body ?? '', after?.headers as Record<string, string>)).toThrow();
  });

  it('carry one signature, the new secret\'s, for github (one signature header)', async () => {
    const { gateway, receiver, id } = await deliverySetup({}, { secret: PLAIN_SECRET, signatureScheme: 'github' });
    const rotated = await gateway.integrations.rotateSecret(id, 'admin', { secret: 'a-second-plain-shared-secret', gracePeriodMs: HOUR_MS });
    await gateway.send(id, notification, 'admin');
    const request = receiver.requests[0];
    const header = String(request?.headers['x-hub-signature-256']);
    expect(await octokitVerify(rotated.secret, request?.body ?? '', header)).toBe(true);
    expect(await octokitVerify(PLAIN_SECRET, request?.body ?? '', header)).toBe(false);
    expect(request?.headers['webhook-signature']).toBeUndefined();
  });

  it('keep signing with the old legacy secret in its own header after a change to standard', async () => {
    const { gateway, receiver, id } = await deliverySetup({}, { secret: PLAIN_SECRET, signatureScheme: 'legacy' });
    const rotated = await gateway.integrations.rotateSecret(id, 'admin', { signatureScheme: 'standard', gracePeriodMs: HOUR_MS });
    await gateway.send(id, notification, 'admin');
    const request = receiver.requests[0];
    const legacyKey = createHash('sha256').update(PLAIN_SECRET).digest('hex');
    expect(request?.headers['x-hub-signature-256']).toBe(hubSignature(legacyKey, request?.body ?? ''));
    expect(String(request?.headers['webhook-signature']).split(' ')).toHaveLength(1);
    expect(() => new Webhook(rotated.secret).verify(request?.body ?? '', request?.headers as Record<string, string>)).not.toThrow();
  });
});

describe('POST /integrations/{int_id}/rotate-secret', () => {
  const ADMIN = 'Bearer admin';
  const PM = 'Bearer pm';

  async function served() {
    const ctx = await signedIntegration();
    const handler = createHttpHandler(ctx.gateway, {
      authenticate: (request) => {
        if (request.headers.authorization === ADMIN) return { id: 'admin-lee', roles: ['ADMIN'] };
        if (request.headers.authorization === PM) return { id: 'pm-kim', roles: ['PM'] };
        return null;
      },
      logger: silentLogger,
    });
    const call = (method: string, path: string, options: { body?: string; authorization?: string } = {}) =>
      handler.handle({
        method,
        path: `/api/gateway${path}`,
        query: new URLSearchParams(),
        headers: { 'content-type': 'application/json', ...(options.authorization !== undefined && { authorization: options.authorization }) },
        rawBody: bytes(options.body ?? ''),
      });
    return { ...ctx, call };
  }

  const json = (response: HttpResponse) => JSON.parse(String(response.body)) as Record<string, unknown>;

  it('answers the new secret once, with no body needed; GET shows until when the old one works, never a secret', async () => {
    const { call, id, standard } = await served();
    const response = await call('POST', `/integrations/${id}/rotate-secret`, { authorization: ADMIN });
    expect(response.status).toBe(200);
    const answer = json(response);
    expect(answer).toEqual({
      int_id: id,
      secret: expect.stringMatching(/^whsec_/),
      signature_scheme: 'standard',
      previous_secret_expires_at: new Date(T0 + DAY_MS).toISOString(),
      warning: expect.stringMatching(/only this once/),
    });
    await expect(standard(String(answer.secret))).resolves.toMatchObject({ accepted: true });
    await expect(standard(STANDARD_SECRET)).resolves.toMatchObject({ accepted: true });

    const shown = await call('GET', `/integrations/${id}`, { authorization: ADMIN });
    expect(json(shown)).toMatchObject({ has_secret: true, signature_scheme: 'standard', previous_secret_expires_at: new Date(T0 + DAY_MS).toISOString() });
    const listed = await call('GET', '/integrations', { authorization: ADMIN });
    for (const text of [String(shown.body), String(listed.body)]) {
      expect(text).not.toContain(String(answer.secret));
      expect(text).not.toContain(STANDARD_SECRET);
    }
  });

  it('takes a scheme, a secret and a grace period in seconds', async () => {
    const { call, id, receive, clock } = await served();
    const payload = JSON.stringify({ signature_scheme: 'github', secret: PLAIN_SECRET, grace_period_seconds: 60 });
    const response = await call('POST', `/integrations/${id}/rotate-secret`, { authorization: ADMIN, body: payload });
    expect(json(response)).toMatchObject({ secret: PLAIN_SECRET, signature_scheme: 'github', previous_secret_expires_at: new Date(T0 + 60_000).toISOString() });
    const github = { 'x-hub-signature-256': `sha256=${createHmac('sha256', PLAIN_SECRET).update(body).digest('hex')}` };
    await expect(receive(github)).resolves.toMatchObject({ accepted: true });
    await expect(receive(standardHeaders(STANDARD_SECRET, 'msg_grace', clock.now(), body))).resolves.toMatchObject({ accepted: true });
    clock.advance(60_000);
    await expect(receive(standardHeaders(STANDARD_SECRET, 'msg_late', clock.now(), body))).rejects.toMatchObject(refused);
    const revoked = await call('POST', `/integrations/${id}/rotate-secret`, { authorization: ADMIN, body: '{"grace_period_seconds":0}' });
    expect(json(revoked)).toMatchObject({ signature_scheme: 'github', previous_secret_expires_at: null });
  });

  it('refuses unknown fields with 400 naming them, and rotates nothing', async () => {
    const { call, id, standard } = await served();
    const response = await call('POST', `/integrations/${id}/rotate-secret`, {
      authorization: ADMIN,
      body: JSON.stringify({ grace_period_ms: 1000, scheme: 'standard' }),
    });
    expect(response.status).toBe(400);
    const problem = json(response);
    expect(problem).toMatchObject({ code: 'VALIDATION_FAILED', detail: expect.stringContaining('grace_period_ms') });
    expect(problem.detail).toContain('scheme');
    await expect(standard(STANDARD_SECRET)).resolves.toMatchObject({ accepted: true });
  });

  it.each([
    ['a plain secret under standard', { signature_scheme: 'standard', secret: PLAIN_SECRET }, 'secret'],
    ['a fractional grace period', { grace_period_seconds: 1.5 }, 'grace_period_seconds'],
    ['a grace period over a year', { grace_period_seconds: 366 * 86_400 }, 'grace_period_seconds'],
  ])('refuses %s with 400', async (_name, payload, field) => {
    const { call, id } = await served();
    const response = await call('POST', `/integrations/${id}/rotate-secret`, { authorization: ADMIN, body: JSON.stringify(payload) });
    expect(response.status).toBe(400);
    expect(json(response)).toMatchObject({ code: 'VALIDATION_FAILED', errors: [expect.objectContaining({ path: field })] });
  });

  it('answers 404 for an unknown integration, 403 to PM, 401 without credentials', async () => {
    const { call, id, standard } = await served();
    expect(json(await call('POST', '/integrations/GW-00000000/rotate-secret', { authorization: ADMIN }))).toMatchObject({ status: 404, code: 'NOT_FOUND' });
    expect((await call('POST', `/integrations/${id}/rotate-secret`, { authorization: PM })).status).toBe(403);
    expect((await call('POST', `/integrations/${id}/rotate-secret`)).status).toBe(401);
    await expect(standard(STANDARD_SECRET)).resolves.toMatchObject({ accepted: true });
  });

  it.each(['secret', 'signature_scheme'])('PUT /integrations/{int_id} refuses %s with 400, pointing to rotate-secret', async (field) => {
    const { call, id, standard } = await served();
    const payload = JSON.stringify({ name: 'Renamed', [field]: field === 'secret' ? NEW_SECRET : 'standard' });
    const response = await call('PUT', `/integrations/${id}`, { authorization: ADMIN, body: payload });
    expect(response.status).toBe(400);
    expect(json(response)).toMatchObject({
      code: 'VALIDATION_FAILED',
      detail: expect.stringContaining('POST /integrations/{int_id}/rotate-secret'),
      errors: [{ path: field, message: expect.stringContaining('rotate-secret') }],
    });
    expect(json(await call('GET', `/integrations/${id}`, { authorization: ADMIN }))).toMatchObject({ name: 'Zabbix' });
    await expect(standard(STANDARD_SECRET)).resolves.toMatchObject({ accepted: true });
    await expect(standard(NEW_SECRET)).rejects.toMatchObject(refused);
  });

  it('is in the OpenAPI document with an optional body and the new secret in its answer', () => {
    const operation = buildOpenApiDocument(gatewayRoutes, { prefix: '' }).paths['/integrations/{int_id}/rotate-secret']?.post;
    expect(operation).toMatchObject({ operationId: 'rotateIntegrationSecret', requestBody: { required: false } });
    expect(Object.keys(operation?.responses ?? {})).toEqual(expect.arrayContaining(['200', '400', '401', '403', '404']));
  });
});
