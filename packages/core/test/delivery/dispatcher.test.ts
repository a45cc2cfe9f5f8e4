import type { ServerResponse } from 'node:http';
import { describe, expect, it, vi } from 'vitest';
import { manualClock } from '../../src/clock';
import { generateKeyRing } from '../../src/crypto/key-ring';
import { dispatcherOf } from '../../src/queue/dispatcher';
import { memoryStorage } from '../../src/storage/memory-storage';
import { gatewayOn, notification, receiver, setup } from './harness';
import { answer } from './receiver';

describe('the dispatcher', () => {
  it('never sends one attempt twice when two gateways share one storage', async () => {
    const clock = manualClock(Date.now());
    const storage = memoryStorage();
    const keyRing = generateKeyRing();
    const [first, second] = [gatewayOn({ clock, storage, keyRing }), gatewayOn({ clock, storage, keyRing })];
    const target = await receiver(answer(503));
    const { integration } = await first.integrations.create(
      { name: 'Alerts', type: 'WEBHOOK_OUT', endpointUrl: `${target.url}/hook`, rateLimit: 100 },
      'admin',
    );
    for (let i = 0; i < 50; i++) await first.send(integration.id, notification, 'admin');
    expect(target.requests).toHaveLength(50);

    target.respond(answer(200));
    target.requests.length = 0;
    clock.advance(6_000);
    const claimed = { first: 0, second: 0 };
    for (;;) {
      const [a, b] = await Promise.all([dispatcherOf(first).tick(), dispatcherOf(second).tick()]);
      claimed.first += a;
      claimed.second += b;
      if (a + b === 0) break;
    }

    const perId = new Map<string, number>();
    for (const request of target.requests) {
      const id = String(request.headers['webhook-id']);
      perId.set(id, (perId.get(id) ?? 0) + 1);
    }
    expect(perId.size).toBe(50);
    expect([...perId.values()].every((count) => count === 1)).toBe(true);
    expect(claimed.first).toBeGreaterThan(0);
    expect(claimed.second).toBeGreaterThan(0);
    expect((await storage.outbox.list({ status: 'delivered', limit: 100 })).total).toBe(50);
  });

  it('drops the outcome of an attempt whose lease another dispatcher took over', async () => {
    const clock = manualClock(Date.now());
    const storage = memoryStorage();
    const keyRing = generateKeyRing();
    const [slow, fast] = [gatewayOn({ clock, storage, keyRing }), gatewayOn({ clock, storage, keyRing })];
    const target = await receiver(answer(500));
    const { integration } = await slow.integrations.create({ name: 'A', type: 'WEBHOOK_OUT', endpointUrl: target.url }, 'admin');
    const { deliveryId } = await slow.send(integration.id, notification, 'admin');
    let held: ServerResponse | undefined;
    target.respond((_request, response, index) => (index === 1 ? (held = response) : response.writeHead(200).end()));

    clock.advance(6_000);
    const slowTick = dispatcherOf(slow).tick();
    await target.arrived(2);
    clock.advance(60_000);
    expect(await dispatcherOf(fast).tick()).toBe(1);
    held?.writeHead(500).end();
    await slowTick;

    const delivery = await storage.outbox.get(deliveryId);
    expect(delivery?.status).toBe('delivered');
    expect(delivery?.attempts.map((attempt) => attempt.statusCode)).toEqual([500, 200]);
  });

  it('stop() waits for an attempt in flight, then flushes its log entry', async () => {
    const { gateway, storage, receiver: target, id } = await setup();
    const order: string[] = [];
    target.respond((_request, response) =>
      setTimeout(() => {
        order.push('answered');
        response.writeHead(200).end();
      }, 200),
    );

    const sending = gateway.send(id, notification, 'admin');
    await target.arrived(1);
    await gateway.stop();
    order.push('stopped');

    expect(order).toEqual(['answered', 'stopped']);
    await expect(sending).resolves.toMatchObject({ sent: true });
    expect((await storage.outbox.list({ status: 'delivered', limit: 10 })).total).toBe(1);
    expect((await storage.logs.query({ intId: id, direction: 'OUT', limit: 10 })).items).toHaveLength(1);
  });

  it('start() polls the outbox on its own', async () => {
    const { gateway, receiver: target, clock, id } = await setup({ delivery: { pollIntervalMs: 10 } });
    target.respond((_request, response, index) => response.writeHead(index === 0 ? 500 : 200).end());
    const { deliveryId } = await gateway.send(id, notification, 'admin');
    clock.advance(6_000);

    gateway.start();

    await vi.waitFor(async () => expect((await gateway.deliveries.get(deliveryId)).status).toBe('delivered'), { timeout: 5_000 });
  });

  it('attempts no more at once than its concurrency', async () => {
    const { gateway, receiver: target, clock, dispatcher, id } = await setup({ delivery: { concurrency: 2 } });
    target.respond(answer(500));
    for (let i = 0; i < 5; i++) await gateway.send(id, notification, 'admin');
    target.respond(answer(200));
    clock.advance(6_000);

    expect(await dispatcher.tick()).toBe(2);
    expect(await dispatcher.tick()).toBe(2);
    expect(await dispatcher.tick()).toBe(1);
  });

  it('removes settled deliveries past their retention', async () => {
    const { gateway, storage, clock, dispatcher, id } = await setup({ delivery: { retentionMs: 86_400_000 } });
    await gateway.send(id, notification, 'admin');
    clock.advance(2 * 86_400_000);
    await dispatcher.tick();
    expect((await storage.outbox.list({ limit: 10 })).total).toBe(0);
  });
});
