import { describe, expect, it } from 'vitest';
import type { Gateway } from '../../src/gateway';
import { createHttpHandler } from '../../src/http/handler';
import type { HttpResponse } from '../../src/http/route';
import { silentLogger } from '../../src/logger';
import { notification, setup } from './harness';
import { answer } from './receiver';

const principals: Record<string, { id: string; roles: string[] }> = {
  'Bearer admin': { id: 'ops', roles: ['ADMIN'] },
  'Bearer pm': { id: 'pm-kim', roles: ['PM'] },
};

function http(gateway: Gateway) {
  const handler = createHttpHandler(gateway, {
    authenticate: (request) => principals[String(request.headers.authorization)] ?? null,
    logger: silentLogger,
  });
  return (who: 'admin' | 'pm', method: string, path: string, body?: unknown, query = '') =>
    handler.handle({
      method,
      path: `/api/gateway${path}`,
      query: new URLSearchParams(query),
      headers: { authorization: `Bearer ${who}` },
      rawBody: new TextEncoder().encode(body === undefined ? '' : JSON.stringify(body)),
    });
}

const json = (response: HttpResponse) => JSON.parse(String(response.body)) as Record<string, unknown>;

describe('delivery routes', () => {
  it('lets a PM send, answering 202 in wire form', async () => {
    const { gateway, id } = await setup();
    const response = await http(gateway)('pm', 'POST', `/send/${id}`, notification);
    expect(response.status).toBe(202);
    expect(json(response)).toEqual({
      sent: true,
      status_code: 200,
      int_id: id,
      delivery_id: expect.stringMatching(/^msg_/),
      status: 'delivered',
    });
  });

  it.each([
    ['GET', '/deliveries'],
    ['GET', '/deliveries/msg_1'],
    ['POST', '/deliveries/msg_1/retry'],
    ['POST', '/integrations/GW-00000000/test'],
  ])('refuses a PM %s %s with 403', async (method, path) => {
    const { gateway } = await setup();
    const response = await http(gateway)('pm', method, path);
    expect(response.status).toBe(403);
    expect(json(response)).toMatchObject({ code: 'FORBIDDEN' });
  });

  it.each([
    ['a disabled integration', { status: 'INACTIVE' as const }, 400, 'INTEGRATION_DISABLED'],
    ['no endpoint', { endpointUrl: null }, 400, 'NO_ENDPOINT'],
  ])('answers a send to %s with a %i problem', async (_, integration, status, code) => {
    const { gateway, id } = await setup({}, integration);
    const response = await http(gateway)('admin', 'POST', `/send/${id}`, notification);
    expect(response.status).toBe(status);
    expect(json(response)).toMatchObject({ status, code });
  });

  it('answers a send to an unknown integration with 404, and an invalid body with 400', async () => {
    const { gateway } = await setup();
    const call = http(gateway);
    expect((await call('admin', 'POST', '/send/GW-00000000', notification)).status).toBe(404);
    expect(json(await call('admin', 'POST', '/send/GW-00000000', { message: 'no event' }))).toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [{ path: 'event', message: expect.any(String) }],
    });
  });

  it('answers 429 past the rate limit, with Retry-After and the send quota in RateLimit headers', async () => {
    const { gateway, id } = await setup({}, { rateLimit: 1 });
    const call = http(gateway);
    expect((await call('pm', 'POST', `/send/${id}`, notification)).status).toBe(202);

    const refused = await call('pm', 'POST', `/send/${id}`, notification);

    expect(refused.status).toBe(429);
    expect(refused.headers).toMatchObject({
      'retry-after': '60',
      'ratelimit-policy': '"send";q=1;w=60',
      ratelimit: '"send";r=0;t=60',
    });
  });

  it('tests the endpoint', async () => {
    const { gateway, receiver, id } = await setup();
    const response = await http(gateway)('admin', 'POST', `/integrations/${id}/test`);
    expect(response.status).toBe(200);
    expect(json(response)).toEqual({ status: 'OK', status_code: 200, elapsed_ms: expect.any(Number), url: `${receiver.url}/hook` });
  });

  it('lists deliveries newest first with their attempts, bodies masked, filtered by integration and status', async () => {
    const { gateway, receiver, clock, id } = await setup();
    await gateway.send(id, notification, 'admin');
    receiver.respond(answer(422));
    clock.advance(1_000);
    const failed = await gateway.send(id, { ...notification, data: { password: 'hunter2' } }, 'admin');

    const response = await http(gateway)('admin', 'GET', '/deliveries', undefined, `int_id=${id}&status=failed`);

    expect(response.status).toBe(200);
    const page = json(response);
    expect(page).toMatchObject({ total: 1, next_cursor: null });
    expect(page.deliveries).toEqual([
      {
        delivery_id: failed.deliveryId,
        int_id: id,
        event: 'TICKET_CREATED',
        status: 'failed',
        body: expect.objectContaining({ event: 'TICKET_CREATED', data: { password: '***' } }),
        attempts: [
          { at: new Date(clock.now()).toISOString(), status_code: 422, error: 'The endpoint answered HTTP 422.', duration_ms: expect.any(Number) },
        ],
        next_attempt_at: null,
        created_at: new Date(clock.now()).toISOString(),
        updated_at: new Date(clock.now()).toISOString(),
      },
    ]);
    const all = json(await http(gateway)('admin', 'GET', '/deliveries', undefined, 'limit=1'));
    expect(all).toMatchObject({ total: 2, next_cursor: expect.any(String) });
    expect((all.deliveries as Array<{ delivery_id: string }>)[0]?.delivery_id).toBe(failed.deliveryId);
  });

  it('gets one delivery, or answers 404', async () => {
    const { gateway, id } = await setup();
    const { deliveryId } = await gateway.send(id, notification, 'admin');
    const call = http(gateway);
    expect(json(await call('admin', 'GET', `/deliveries/${deliveryId}`))).toMatchObject({ delivery_id: deliveryId, status: 'delivered' });
    expect((await call('admin', 'GET', '/deliveries/msg_unknown')).status).toBe(404);
  });

  it('retries a failed delivery: 202, due at once, then sent with the same webhook-id; 409 unless failed, 404 if unknown', async () => {
    const { gateway, receiver, dispatcher, id } = await setup();
    receiver.respond(answer(400));
    const { deliveryId } = await gateway.send(id, notification, 'admin');
    receiver.respond(answer(200));
    const call = http(gateway);

    const retried = await call('admin', 'POST', `/deliveries/${deliveryId}/retry`);

    expect(retried.status).toBe(202);
    expect(json(retried)).toMatchObject({ delivery_id: deliveryId, status: 'pending', attempts: [{ status_code: 400 }] });
    const again = await call('admin', 'POST', `/deliveries/${deliveryId}/retry`);
    expect(json(again)).toMatchObject({ status: 409, code: 'DELIVERY_NOT_FAILED' });
    expect((await call('admin', 'POST', '/deliveries/msg_unknown/retry')).status).toBe(404);

    expect(await dispatcher.tick()).toBe(1);
    expect(receiver.requests.map((request) => request.headers['webhook-id'])).toEqual([deliveryId, deliveryId]);
    expect((await gateway.deliveries.get(deliveryId)).status).toBe('delivered');
    const logs = await gateway.logs.query({ intId: id, direction: 'SYSTEM' });
    expect(logs.items[0]).toMatchObject({ event: 'DELIVERY_REQUEUED', payload: { delivery_id: deliveryId, by: 'ops' } });
  });
});
