import { afterEach, describe, expect, it } from 'vitest';
import { manualClock } from '../../src/clock';
import { generateKeyRing } from '../../src/crypto/key-ring';
import { createGateway, type Gateway } from '../../src/gateway';
import { createHttpHandler } from '../../src/http/handler';
import type { HttpResponse } from '../../src/http/route';
import { silentLogger } from '../../src/logger';
import { dispatcherOf } from '../../src/queue/dispatcher';
import { bytes, handOffs, T0 } from '../gateway/harness';

const principals: Record<string, { id: string; roles: string[] }> = {
  'Bearer admin': { id: 'ops', roles: ['ADMIN'] },
  'Bearer pm': { id: 'pm-kim', roles: ['PM'] },
};
const gateways: Gateway[] = [];
afterEach(async () => {
  await Promise.all(gateways.splice(0).map((gateway) => gateway.stop({ timeoutMs: 100 })));
});

async function setup() {
  const clock = manualClock(T0);
  const gateway = createGateway({ clock, keyRing: generateKeyRing(), logger: silentLogger, handoff: { retryScheduleMs: [] } });
  gateways.push(gateway);
  const handler = createHttpHandler(gateway, { authenticate: (request) => principals[String(request.headers.authorization)] ?? null });
  const call = (who: 'admin' | 'pm', method: string, path: string, query = '') =>
    handler.handle({ method, path: `/api/gateway${path}`, query: new URLSearchParams(query), headers: { authorization: `Bearer ${who}` }, rawBody: new Uint8Array() });
  const created = await gateway.integrations.create({ name: 'Zabbix', type: 'MONITORING' }, 'admin');
  const webhook = (text: string) =>
    handler.handle({ method: 'POST', path: '/api/gateway/webhook', query: new URLSearchParams(), headers: { 'x-api-key': created.apiKey }, rawBody: bytes(text) });
  return { gateway, call, webhook, intId: created.integration.id, inbox: dispatcherOf(gateway, 'inbox') };
}

const json = (response: HttpResponse) => JSON.parse(String(response.body)) as Record<string, unknown>;

describe('event routes', () => {
  it('lists accepted webhooks, shows one masked, and hands a failed one to the handler again', async () => {
    const { gateway, call, webhook, intId, inbox } = await setup();
    let healthy = false;
    gateway.onWebhook(() => {
      if (!healthy) throw new Error('host down');
    });
    const accepted = await webhook('{"event":"LOGIN","password":"hunter2"}');
    expect(accepted.status).toBe(202);
    const eventId = json(accepted).event_id as string;
    await handOffs();

    const list = await call('admin', 'GET', '/events', `int_id=${intId}&status=failed`);
    expect(list.status).toBe(200);
    expect(json(list)).toMatchObject({
      total: 1,
      next_cursor: null,
      events: [{ event_id: eventId, int_id: intId, message_id: null, event: 'LOGIN', status: 'failed', test: false, attempts: [{ error: 'host down' }] }],
    });

    const detail = await call('admin', 'GET', `/events/${eventId}`);
    expect(detail.status).toBe(200);
    expect(json(detail)).toMatchObject({ event_id: eventId, payload: { event: 'LOGIN', password: '***' }, received_at: new Date(T0).toISOString() });
    expect(JSON.stringify(json(detail).headers)).not.toContain('gk_');

    healthy = true;
    const retried = await call('admin', 'POST', `/events/${eventId}/retry`);
    expect(retried.status).toBe(202);
    expect(json(retried)).toMatchObject({ event_id: eventId, status: 'pending' });
    expect(await inbox.tick()).toBe(1);
    expect(json(await call('admin', 'GET', `/events/${eventId}`))).toMatchObject({ status: 'delivered' });
    expect(json(await call('admin', 'POST', `/events/${eventId}/retry`))).toMatchObject({ status: 409, code: 'EVENT_NOT_FAILED' });
  });

  it('answers 404 for an unknown event and 400 naming an unknown query parameter', async () => {
    const { call } = await setup();
    expect(json(await call('admin', 'GET', '/events/evt_nope'))).toMatchObject({ status: 404, code: 'NOT_FOUND' });
    const refused = await call('admin', 'GET', '/events', 'stauts=failed');
    expect(refused.status).toBe(400);
    expect(String(refused.body)).toContain('stauts');
  });

  it.each([
    ['GET', '/events'],
    ['GET', '/events/evt_1'],
    ['POST', '/events/evt_1/retry'],
  ])('refuses a PM %s %s with 403', async (method, path) => {
    const { call } = await setup();
    expect(json(await call('pm', method, path))).toMatchObject({ status: 403, code: 'FORBIDDEN' });
  });
});
