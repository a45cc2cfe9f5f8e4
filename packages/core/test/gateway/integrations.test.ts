import { describe, expect, it } from 'vitest';
import { PorticoError } from '../../src/errors';
import { parseApiKey } from '../../src/keys/api-key';
import { PLAIN_SECRET, setup, STANDARD_SECRET, T0 } from './harness';

describe('integrations', () => {
  it('creates an integration with a show-once key and no secret material in the view', async () => {
    const { gateway } = setup();
    const created = await gateway.integrations.create(
      {
        name: '  Zabbix  ',
        type: 'MONITORING',
        endpointUrl: 'https://alerts.corp.example/hook',
        secret: STANDARD_SECRET,
        headers: { Authorization: 'Bearer very-secret-token', 'X-Team': 'ops' },
      },
      'alice',
    );
    expect(parseApiKey(created.apiKey)).not.toBeNull();
    expect(created.warning).toMatch(/only this once/);
    expect(created.secret).toBeUndefined();
    const view = created.integration;
    expect(view).toMatchObject({
      name: 'Zabbix',
      type: 'MONITORING',
      typeLabel: 'Monitoring system integration',
      status: 'ACTIVE',
      enabled: true,
      rateLimit: 60,
      createdBy: 'alice',
      createdAt: new Date(T0).toISOString(),
      hasSecret: true,
      signatureScheme: 'standard',
      failing: false,
      headers: { Authorization: '***', 'X-Team': 'ops' },
      stats: { totalRequests: 0, successRequests: 0, errorRequests: 0, rateLimitedRequests: 0, lastRequestAt: null },
    });
    expect(view.id).toMatch(/^GW-[0-9A-F]{8}$/);
    expect(created.apiKey.startsWith(view.apiKeyPrefix)).toBe(true);
    const text = JSON.stringify(await gateway.integrations.get(view.id));
    expect(text).not.toContain(STANDARD_SECRET.slice(6));
    expect(text).not.toContain('very-secret-token');
    expect(text).not.toContain(created.apiKey);
  });

  it('infers the signature scheme from the secret as the original clients expect', async () => {
    const { gateway } = setup();
    const legacy = await gateway.integrations.create({ name: 'old', type: 'WEBHOOK_IN', secret: PLAIN_SECRET }, 'a');
    const none = await gateway.integrations.create({ name: 'keyonly', type: 'WEBHOOK_IN' }, 'a');
    expect(legacy.integration.signatureScheme).toBe('legacy');
    expect(none.integration).toMatchObject({ signatureScheme: null, hasSecret: false });
  });

  it('generates a secret when a scheme is asked for without one, and shows it once', async () => {
    const { gateway } = setup();
    const created = await gateway.integrations.create({ name: 'gh', type: 'WEBHOOK_IN', signatureScheme: 'standard' }, 'a');
    expect(created.secret).toMatch(/^whsec_/);
    expect(created.integration.hasSecret).toBe(true);
    const github = await gateway.integrations.create({ name: 'gh', type: 'WEBHOOK_IN', signatureScheme: 'github' }, 'a');
    expect(github.secret).toMatch(/^whsec_/);
  });

  it('maps the original enabled switch to a status', async () => {
    const { gateway } = setup();
    const off = await gateway.integrations.create({ name: 'x', type: 'REST_API', enabled: false }, 'a');
    expect(off.integration).toMatchObject({ status: 'INACTIVE', enabled: false });
    const on = await gateway.integrations.update(off.integration.id, { enabled: true }, 'b');
    expect(on).toMatchObject({ status: 'ACTIVE', enabled: true, updatedBy: 'b' });
    const test = await gateway.integrations.update(on.id, { status: 'TEST' }, 'b');
    expect(test).toMatchObject({ status: 'TEST', enabled: true });
    expect(await gateway.integrations.update(on.id, { enabled: true }, 'b')).toMatchObject({ status: 'TEST' });
    expect(await gateway.integrations.update(on.id, { enabled: false }, 'b')).toMatchObject({ status: 'INACTIVE' });
  });

  it.each([
    [{ name: '', type: 'MONITORING' }, 'name'],
    [{ name: 'x', type: 'FAX' }, 'type'],
    [{ name: 'x', type: 'REST_API', rateLimit: 0 }, 'rateLimit'],
    [{ name: 'x', type: 'REST_API', rateLimit: 1.5 }, 'rateLimit'],
    [{ name: 'x', type: 'REST_API', endpointUrl: 'ftp://files.corp/x' }, 'endpointUrl'],
    [{ name: 'x', type: 'REST_API', endpointUrl: 'http://10.0.0.5@127.0.0.1/' }, 'endpointUrl'],
    [{ name: 'x', type: 'REST_API', endpointUrl: 'http://host/#frag' }, 'endpointUrl'],
    [{ name: 'x', type: 'REST_API', endpointUrl: 'not a url' }, 'endpointUrl'],
    [{ name: 'x', type: 'REST_API', secret: 'short' }, 'secret'],
    [{ name: 'x', type: 'REST_API', secret: 'whsec_not*base64*at*all' }, 'secret'],
    [{ name: 'x', type: 'REST_API', headers: { 'Bad Name': 'v' } }, 'headers.Bad Name'],
    [{ name: 'x', type: 'REST_API', headers: { 'X-Ok': 'line\r\nInjected: 1' } }, 'headers.X-Ok'],
    [{ name: 'x', type: 'REST_API', headers: { 'Content-Length': '5' } }, 'headers.Content-Length'],
    [{ name: 'x', type: 'REST_API', status: 'ACTIVE', enabled: false }, 'enabled'],
  ])('refuses %j with a field-level error on %s', async (input, path) => {
    const { gateway } = setup();
    const error = await gateway.integrations.create(input as never, 'a').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PorticoError);
    expect((error as PorticoError).code).toBe('VALIDATION_FAILED');
    expect((error as PorticoError).status).toBe(400);
    expect((error as PorticoError).fields?.map((field) => field.path)).toContain(path);
  });

  it('lists with filters and cursor pages, oldest first', async () => {
    const { gateway, clock } = setup();
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) {
      clock.advance(1000);
      const { integration } = await gateway.integrations.create(
        { name: `n${i}`, type: i % 2 ? 'TICKETING' : 'MONITORING', enabled: i !== 3 },
        'a',
      );
      ids.push(integration.id);
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await gateway.integrations.list({ limit: 3, cursor });
      expect(page.total).toBe(7);
      seen.push(...page.integrations.map((i) => i.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(ids);
    const tickets = await gateway.integrations.list({ type: 'TICKETING' });
    expect(tickets.integrations.map((i) => i.name)).toEqual(['n1', 'n3', 'n5']);
    const enabled = await gateway.integrations.list({ enabledOnly: true });
    expect(enabled.total).toBe(6);
    expect((await gateway.integrations.list({ status: 'INACTIVE' })).integrations.map((i) => i.name)).toEqual(['n3']);
  });

  it('updates partially, replaces headers sealed and masked, clears the endpoint with null', async () => {
    const { gateway } = setup();
    const { integration } = await gateway.integrations.create(
      { name: 'x', type: 'WEBHOOK_OUT', endpointUrl: 'https://a.corp/x', description: 'd' },
      'a',
    );
    const updated = await gateway.integrations.update(
      integration.id,
      { name: 'y', headers: { 'X-Api-Key': 'k-123456789', Accept: 'application/json' }, rateLimit: 5 },
      'b',
    );
    expect(updated).toMatchObject({
      name: 'y',
      description: 'd',
      endpointUrl: 'https://a.corp/x',
      rateLimit: 5,
      headers: { 'X-Api-Key': '***', Accept: 'application/json' },
    });
    expect((await gateway.integrations.update(integration.id, { endpointUrl: null }, 'b')).endpointUrl).toBeNull();
  });

  it('refuses unknown keys of create, update and list by name, hinting at the camelCase one', async () => {
    const { gateway } = setup();
    const refused = await gateway.integrations.create({ name: 'x', type: 'REST_API', rate_limit: 5 } as never, 'a').catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(PorticoError);
    expect(refused).toMatchObject({
      code: 'VALIDATION_FAILED',
      message: "Invalid integration: Unknown field 'rate_limit'; did you mean 'rateLimit'?",
      fields: [{ path: 'rate_limit', message: "Unknown field 'rate_limit'; did you mean 'rateLimit'?" }],
    });
    const { integration } = await gateway.integrations.create({ name: 'x', type: 'REST_API' }, 'a');
    await expect(gateway.integrations.update(integration.id, { endpoint_url: null } as never, 'a')).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      fields: [{ path: 'endpoint_url', message: "Unknown field 'endpoint_url'; did you mean 'endpointUrl'?" }],
    });
    await expect(gateway.integrations.list({ enabled_only: true, Limit: 5 } as never)).rejects.toMatchObject({
      fields: [
        { path: 'enabled_only', message: "Unknown field 'enabled_only'; did you mean 'enabledOnly'?" },
        { path: 'Limit', message: "Unknown field 'Limit'; did you mean 'limit'?" },
      ],
    });
    await expect(gateway.integrations.create({ type: 'REST_API' } as never, 'a')).rejects.toMatchObject({
      message: 'Invalid integration: name: Required',
      fields: [{ path: 'name', message: 'Required' }],
    });
    expect((await gateway.integrations.get(integration.id)).endpointUrl).toBeNull();
  });

  it('answers NOT_FOUND for unknown ids on every operation', async () => {
    const { gateway } = setup();
    const id = 'GW-00000000';
    for (const call of [
      () => gateway.integrations.get(id),
      () => gateway.integrations.update(id, { name: 'x' }, 'a'),
      () => gateway.integrations.remove(id, 'a'),
      () => gateway.integrations.rotateKey(id, 'a'),
    ]) {
      await expect(call()).rejects.toMatchObject({ code: 'NOT_FOUND', status: 404 });
    }
  });

  it('removes an integration and logs it', async () => {
    const { gateway } = setup();
    const { integration } = await gateway.integrations.create({ name: 'x', type: 'REST_API' }, 'a');
    await gateway.integrations.remove(integration.id, 'root');
    await expect(gateway.integrations.get(integration.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const logs = await gateway.logs.query({ intId: integration.id });
    expect(logs.items.map((entry) => entry.event)).toEqual(['INTEGRATION_DELETED', 'INTEGRATION_CREATED']);
  });
});
