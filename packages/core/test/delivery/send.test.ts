import { createHash, createHmac } from 'node:crypto';
import { verify as octokitVerify } from '@octokit/webhooks-methods';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { createEgressPolicy } from '../../src/egress/egress-policy';
import { notification, PLAIN_SECRET, setup, STANDARD_SECRET } from './harness';

const hex = (key: string, body: string) => createHmac('sha256', key).update(body).digest('hex');

describe('gateway.send: what the receiver gets', () => {
  it('posts the original payload once, with the JSON type, Portico as agent, and a webhook-id that is the delivery id', async () => {
    const { gateway, receiver, clock, id } = await setup({ source: 'guardia_itsm' });

    const result = await gateway.send(id, notification, 'pm-kim');

    expect(result).toEqual({ sent: true, statusCode: 200, intId: id, deliveryId: expect.stringMatching(/^msg_/), status: 'delivered' });
    expect(receiver.requests).toHaveLength(1);
    const [request] = receiver.requests;
    expect(request).toMatchObject({ method: 'POST', path: '/hook' });
    expect(request?.headers).toMatchObject({
      'content-type': 'application/json',
      'user-agent': 'Portico',
      'webhook-id': result.deliveryId,
      'webhook-timestamp': String(Math.floor(clock.now() / 1000)),
    });
    expect(JSON.parse(request?.body ?? '')).toEqual({
      event: 'TICKET_CREATED',
      message: 'SR-1042 opened',
      severity: 'INFO',
      data: { sr_id: 'SR-1042' },
      source: 'guardia_itsm',
      sent_at: new Date(clock.now()).toISOString(),
    });
  });

  it('sends the real custom header values, while the integration and the log show them masked', async () => {
    const { gateway, receiver, id } = await setup({}, { headers: { Authorization: 'Bearer real-token', 'X-Team': 'ops' } });

    await gateway.send(id, { ...notification, data: { password: 'hunter2' } }, 'pm-kim');

    expect(receiver.requests[0]?.headers).toMatchObject({ authorization: 'Bearer real-token', 'x-team': 'ops' });
    expect(JSON.parse(receiver.requests[0]?.body ?? '').data).toEqual({ password: 'hunter2' });
    expect((await gateway.integrations.get(id)).headers).toEqual({ Authorization: '***', 'X-Team': 'ops' });
    const logs = await gateway.logs.query({ intId: id, direction: 'OUT' });
    expect(logs.items[0]).toMatchObject({
      event: 'SEND_TICKET_CREATED',
      status: 'OK',
      payload: {
        url: `${receiver.url}/hook`,
        status_code: 200,
        headers: { authorization: '***', 'x-team': 'ops', 'webhook-id': expect.any(String) },
        body: { event: 'TICKET_CREATED', data: { password: '***' } },
        by: 'pm-kim',
      },
      error: '',
    });
    expect(JSON.stringify(logs)).not.toContain('real-token');
    expect(JSON.stringify(logs)).not.toContain('hunter2');
  });

  it.each([
    {
      scheme: 'standard' as const,
      secret: STANDARD_SECRET,
      check: async (body: string, headers: Record<string, string>) => {
        expect(new Webhook(STANDARD_SECRET).verify(body, headers)).toEqual(JSON.parse(body));
        expect(headers['x-hub-signature-256']).toBeUndefined();
      },
    },
    {
      scheme: 'github' as const,
      secret: PLAIN_SECRET,
      check: async (body: string, headers: Record<string, string>) => {
        expect(await octokitVerify(PLAIN_SECRET, body, headers['x-hub-signature-256'] ?? '')).toBe(true);
        expect(headers['webhook-signature']).toBeUndefined();
      },
    },
    {
      scheme: 'legacy' as const,
      secret: PLAIN_SECRET,
      check: async (body: string, headers: Record<string, string>) => {
        const key = createHash('sha256').update(PLAIN_SECRET).digest('hex');
        expect(headers['x-hub-signature-256']).toBe(`sha256=${hex(key, body)}`);
      },
    },
  ])('signs with the $scheme scheme, as its receivers verify it', async ({ scheme, secret, check }) => {
    const { gateway, receiver, id } = await setup({}, { secret, signatureScheme: scheme });

    await gateway.send(id, notification, 'admin');

    const [request] = receiver.requests;
    await check(request?.body ?? '', request?.headers as Record<string, string>);
  });

  it('sends no signature when the integration has no secret', async () => {
    const { gateway, receiver, id } = await setup();
    await gateway.send(id, notification, 'admin');
    expect(receiver.requests[0]?.headers['webhook-signature']).toBeUndefined();
    expect(receiver.requests[0]?.headers['x-hub-signature-256']).toBeUndefined();
  });

  it('counts the attempt in usage', async () => {
    const { gateway, id } = await setup();
    await gateway.send(id, notification, 'admin');
    expect((await gateway.integrations.get(id)).stats).toMatchObject({ totalRequests: 1, successRequests: 1 });
  });
});

describe('gateway.send: refusals', () => {
  it.each([
    ['an unknown integration', 'GW-00000000', {}, 'NOT_FOUND', 404],
    ['an INACTIVE integration', null, { status: 'INACTIVE' as const }, 'INTEGRATION_DISABLED', 400],
    ['an integration without endpoint', null, { endpointUrl: null }, 'NO_ENDPOINT', 400],
  ])('refuses %s', async (_, unknownId, integration, code, status) => {
    const { gateway, receiver, id } = await setup({}, integration);
    await expect(gateway.send(unknownId ?? id, notification, 'admin')).rejects.toMatchObject({ code, status });
    expect(receiver.requests).toHaveLength(0);
    expect((await gateway.deliveries.list()).total).toBe(0);
  });

  it('refuses an invalid notification with every failing field', async () => {
    const { gateway, id } = await setup();
    await expect(gateway.send(id, { event: ' ', message: 1 } as never, 'admin')).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      fields: [expect.objectContaining({ path: 'event' }), expect.objectContaining({ path: 'message' })],
    });
  });

  it('rate-limits per integration at its rate limit per minute, logs and counts the refusal', async () => {
    const { gateway, receiver, clock, id } = await setup({}, { rateLimit: 2 });
    await gateway.send(id, notification, 'admin');
    await gateway.send(id, notification, 'admin');

    await expect(gateway.send(id, notification, 'admin')).rejects.toMatchObject({
      code: 'RATE_LIMITED',
      status: 429,
      retryAfterMs: 60_000,
      rateLimit: { limit: 2, windowMs: 60_000, remaining: 0, policy: 'send' },
    });
    expect(receiver.requests).toHaveLength(2);
    const logs = await gateway.logs.query({ intId: id, status: 'RATE_LIMITED' });
    expect(logs.items[0]).toMatchObject({ direction: 'OUT', event: 'SEND_RATE_LIMITED' });
    expect((await gateway.integrations.get(id)).stats.rateLimitedRequests).toBe(1);

    clock.advance(60_000);
    await expect(gateway.send(id, notification, 'admin')).resolves.toMatchObject({ sent: true });
  });

  it('under the default egress policy, refuses loopback: EGRESS_DENIED in the answer, the record and the log, nothing sent', async () => {
    const { gateway, receiver, id } = await setup({ egress: { policy: createEgressPolicy() } });

    const result = await gateway.send(id, notification, 'admin');

    const denied = expect.stringMatching(/^EGRESS_DENIED: Egress to 127\.0\.0\.1 refused: 127\.0\.0\.1 is in denied range 127\.0\.0\.0\/8/);
    expect(result).toMatchObject({ sent: false, statusCode: null, status: 'failed', error: denied });
    expect((await gateway.deliveries.get(result.deliveryId)).attempts).toEqual([
      { at: expect.any(Number), statusCode: null, error: denied, durationMs: expect.any(Number) },
    ]);
    const logs = await gateway.logs.query({ intId: id, direction: 'OUT' });
    expect(logs.items[0]).toMatchObject({ event: 'SEND_TICKET_CREATED', status: 'ERROR', error: denied });
    expect(receiver.connections).toBe(0);
  });
});
