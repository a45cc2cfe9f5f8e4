import { describe, expect, it } from 'vitest';
import { notification, receiver, setup } from './harness';
import { answer, type Responder } from './receiver';

/** Longest first wait of the default schedule: 5 s + 20%. */
const FIRST_WAIT_MS = 6_000;
/** Longest second wait: 5 min + 20%. */
const SECOND_WAIT_MS = 360_000;

/** Answers the statuses in turn, then 200. */
const answers =
  (...statuses: number[]): Responder =>
  (_request, response, index) =>
    response.writeHead(statuses[index] ?? 200).end();

describe('retries', () => {
  it('retries 500, 500, then delivers once: three attempts recorded, logged and counted, one body, one webhook-id', async () => {
    const { gateway, receiver: target, clock, dispatcher, id } = await setup();
    target.respond(answers(500, 500));

    const first = await gateway.send(id, notification, 'admin');
    expect(first).toMatchObject({ sent: false, statusCode: 500, status: 'pending', error: 'The endpoint answered HTTP 500.' });
    expect(await dispatcher.tick()).toBe(0);
    clock.advance(FIRST_WAIT_MS);
    expect(await dispatcher.tick()).toBe(1);
    clock.advance(SECOND_WAIT_MS);
    expect(await dispatcher.tick()).toBe(1);
    clock.advance(3_600_000);
    expect(await dispatcher.tick()).toBe(0);

    const delivery = await gateway.deliveries.get(first.deliveryId);
    expect(delivery).toMatchObject({ status: 'delivered', nextAttemptAt: null, leaseOwner: null });
    expect(delivery.attempts.map((attempt) => attempt.statusCode)).toEqual([500, 500, 200]);
    expect(target.requests).toHaveLength(3);
    expect(new Set(target.requests.map((request) => request.body)).size).toBe(1);
    expect(new Set(target.requests.map((request) => request.headers['webhook-id']))).toEqual(new Set([first.deliveryId]));
    expect(new Set(target.requests.map((request) => request.headers['webhook-timestamp'])).size).toBe(3);
    const logs = await gateway.logs.query({ intId: id, direction: 'OUT' });
    expect(logs.items.map((entry) => entry.status)).toEqual(['OK', 'ERROR', 'ERROR']);
    expect((await gateway.integrations.get(id)).stats).toMatchObject({ successRequests: 1, errorRequests: 2 });
  });

  it('waits 5 s ± 20% after the first failure', async () => {
    const { gateway, receiver: target, dispatcher, id } = await setup();
    target.respond(answer(503));
    const { deliveryId } = await gateway.send(id, notification, 'admin');
    const { attempts, nextAttemptAt } = await gateway.deliveries.get(deliveryId);
    const waitMs = (nextAttemptAt ?? 0) - (attempts[0]?.at ?? 0);
    expect(waitMs).toBeGreaterThanOrEqual(4_000);
    expect(waitMs).toBeLessThanOrEqual(FIRST_WAIT_MS);
    expect(await dispatcher.tick()).toBe(0);
  });

  it('honours a longer Retry-After on a 503', async () => {
    const { gateway, receiver: target, clock, dispatcher, id } = await setup();
    target.respond((_request, response, index) =>
      index === 0 ? response.writeHead(503, { 'retry-after': '120' }).end() : response.writeHead(200).end(),
    );

    const { deliveryId } = await gateway.send(id, notification, 'admin');

    expect((await gateway.deliveries.get(deliveryId)).nextAttemptAt).toBe(clock.now() + 120_000);
    clock.advance(119_999);
    expect(await dispatcher.tick()).toBe(0);
    clock.advance(1);
    expect(await dispatcher.tick()).toBe(1);
    expect((await gateway.deliveries.get(deliveryId)).status).toBe('delivered');
  });

  it.each<[string, Responder]>([
    ['a reset connection', (_request, response, index) => (index === 0 ? response.socket?.destroy() : response.end())],
    ['a 408', answers(408)],
    ['a 429', answers(429)],
    ['a 502', answers(502)],
  ])('retries after %s', async (_, responder) => {
    const { gateway, receiver: target, clock, dispatcher, id } = await setup();
    target.respond(responder);

    const first = await gateway.send(id, notification, 'admin');
    expect(first).toMatchObject({ sent: false, status: 'pending' });
    clock.advance(FIRST_WAIT_MS);
    await dispatcher.tick();

    expect((await gateway.deliveries.get(first.deliveryId)).status).toBe('delivered');
    expect(target.requests).toHaveLength(2);
  });

  it('retries after a receiver too slow to answer within the timeout', async () => {
    const { gateway, receiver: target, id } = await setup({ delivery: { timeoutMs: 200 } });
    target.respond((_request, response) => setTimeout(() => response.writeHead(200).end(), 2_000).unref());

    const result = await gateway.send(id, notification, 'admin');

    expect(result).toMatchObject({ sent: false, statusCode: null, status: 'pending' });
    expect(result.error).toMatch(/^UPSTREAM_UNAVAILABLE: .*no complete response before the deadline/);
  });

  it('delivers despite a huge response body, reading only its start', async () => {
    const { gateway, receiver: target, id } = await setup();
    target.respond((_request, response) => response.writeHead(200).end(Buffer.alloc(8 * 1024 * 1024, 'x')));
    await expect(gateway.send(id, notification, 'admin')).resolves.toMatchObject({ sent: true, status: 'delivered' });
  });

  it('does not follow a redirect: it counts as a failure, and the target gets nothing', async () => {
    const elsewhere = await receiver();
    const { gateway, receiver: target, id } = await setup();
    target.respond(answer(302, { location: `${elsewhere.url}/stolen` }));

    const result = await gateway.send(id, notification, 'admin');

    expect(result).toMatchObject({ sent: false, statusCode: 302, status: 'pending' });
    expect(result.error).toBe('The endpoint answered HTTP 302; redirects are not followed.');
    expect(elsewhere.connections).toBe(0);
  });

  it('fails at once on a 400, without retrying', async () => {
    const { gateway, receiver: target, clock, dispatcher, id } = await setup();
    target.respond(answer(400));

    const result = await gateway.send(id, notification, 'admin');

    expect(result).toMatchObject({ sent: false, statusCode: 400, status: 'failed' });
    expect((await gateway.deliveries.get(result.deliveryId)).nextAttemptAt).toBeNull();
    clock.advance(86_400_000);
    expect(await dispatcher.tick()).toBe(0);
    expect(target.requests).toHaveLength(1);
    expect((await gateway.integrations.get(id)).failing).toBe(false);
  });

  it('fails at once on a 410 and flags the integration failing, without disabling it', async () => {
    const { gateway, receiver: target, id } = await setup();
    target.respond(answer(410));

    await expect(gateway.send(id, notification, 'admin')).resolves.toMatchObject({ status: 'failed' });

    expect(await gateway.integrations.get(id)).toMatchObject({ failing: true, status: 'ACTIVE' });
    const logs = await gateway.logs.query({ intId: id, direction: 'SYSTEM' });
    expect(logs.items[0]).toMatchObject({ event: 'INTEGRATION_FAILING', status: 'ERROR' });
  });

  it('fails after the last attempt of the schedule', async () => {
    const { gateway, receiver: target, clock, dispatcher, id } = await setup({ delivery: { retryScheduleMs: [1_000, 1_000] } });
    target.respond(answer(500));

    const { deliveryId } = await gateway.send(id, notification, 'admin');
    for (let i = 0; i < 3; i++) {
      clock.advance(1_200);
      await dispatcher.tick();
    }

    expect(await gateway.deliveries.get(deliveryId)).toMatchObject({ status: 'failed', nextAttemptAt: null });
    expect(target.requests).toHaveLength(3);
  });

  it('fails a due retry of an integration disabled meanwhile, sending nothing', async () => {
    const { gateway, receiver: target, clock, dispatcher, id } = await setup();
    target.respond(answer(500));
    const { deliveryId } = await gateway.send(id, notification, 'admin');
    await gateway.integrations.update(id, { enabled: false }, 'admin');

    clock.advance(FIRST_WAIT_MS);
    await dispatcher.tick();

    expect((await gateway.deliveries.get(deliveryId)).attempts.at(-1)).toMatchObject({
      statusCode: null,
      error: 'The integration is disabled.',
    });
    expect((await gateway.deliveries.get(deliveryId)).status).toBe('failed');
    expect(target.requests).toHaveLength(1);
  });
});

describe('the failing flag', () => {
  it('is set once the newest `failingAfter` deliveries all failed, and cleared by a delivery', async () => {
    const { gateway, receiver: target, id } = await setup({ delivery: { failingAfter: 3 } });
    target.respond(answer(400));

    await gateway.send(id, notification, 'admin');
    await gateway.send(id, notification, 'admin');
    expect((await gateway.integrations.get(id)).failing).toBe(false);
    await gateway.send(id, notification, 'admin');
    expect(await gateway.integrations.get(id)).toMatchObject({ failing: true, enabled: true });

    target.respond(answer(204));
    await gateway.send(id, notification, 'admin');
    expect((await gateway.integrations.get(id)).failing).toBe(false);
    const logs = await gateway.logs.query({ intId: id, direction: 'SYSTEM' });
    expect(logs.items.slice(0, 2).map((entry) => entry.event)).toEqual(['INTEGRATION_RECOVERED', 'INTEGRATION_FAILING']);
  });

  it('counts deliveries still retrying after a failed attempt', async () => {
    const { gateway, receiver: target, id } = await setup({ delivery: { failingAfter: 3 } });
    target.respond(answer(503));
    await gateway.send(id, notification, 'admin');
    await gateway.send(id, notification, 'admin');
    target.respond(answer(404));

    await gateway.send(id, notification, 'admin');

    expect((await gateway.integrations.get(id)).failing).toBe(true);
  });

  it('is not set while one of the newest deliveries succeeded', async () => {
    const { gateway, receiver: target, clock, id } = await setup({ delivery: { failingAfter: 3 } });
    target.respond(answers(400, 200, 400, 400));
    for (let i = 0; i < 4; i++) {
      // Newest by creation time: a millisecond apart, so the order is the order of sending.
      clock.advance(1);
      await gateway.send(id, notification, 'admin');
    }
    expect((await gateway.integrations.get(id)).failing).toBe(false);
  });
});
