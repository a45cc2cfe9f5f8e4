import { createGateway, generateKeyRing, manualClock, memoryStorage, silentLogger, isPorticoError, type Logger } from '@portico/core';
import { describe, expect, it } from 'vitest';
import { retention } from '../snippets/operations-retention.ts';

const DAY_MS = 86_400_000;
const T0 = Date.UTC(2026, 0, 5, 10, 30);

describe('retention', () => {
  it('removes log entries, minute counters and settled deliveries past their age, keeping hour counters', async () => {
    const clock = manualClock(T0);
    const gateway = createGateway({ storage: memoryStorage(), keyRing: generateKeyRing(), clock, logger: silentLogger, ...retention });
    const { integration } = await gateway.integrations.create(
      { name: 'Alerts', type: 'WEBHOOK_OUT', endpointUrl: 'http://127.0.0.1:9/hooks' },
      'ops',
    );
    const intId = integration.id;
    // Refused by the default egress policy: failed at once, so it is settled.
    const { deliveryId } = await gateway.send(intId, { event: 'TICKET_CREATED', message: 'SR-1042 opened' }, 'ops');
    await gateway.flush();
    const atStart = { fromMs: T0 - 60_000, toMs: T0 + 60_000 };
    expect((await gateway.usage(intId, { ...atStart, bucket: 'minute' })).points.map((p) => p.total)).toEqual([0, 1]);

    clock.advance(15 * DAY_MS);
    // Retention runs after a write, once its interval has passed.
    gateway.recordCall({ intId, direction: 'SYSTEM', event: 'PROBE', status: 'OK' });
    await gateway.flush();
    const events = (await gateway.logs.query({ intId })).items.map((entry) => entry.event);
    expect(events).toEqual(['PROBE']);
    expect((await gateway.usage(intId, { ...atStart, bucket: 'minute' })).points.map((p) => p.total)).toEqual([0, 0]);
    expect((await gateway.usage(intId, { ...atStart, bucket: 'hour' })).points.map((p) => p.total)).toEqual([1]);

    // The dispatcher prunes the outbox, at most hourly, while it runs.
    gateway.start();
    await expect
      .poll(async () => gateway.deliveries.get(deliveryId).then(() => 'kept', (error) => (isPorticoError(error, 'NOT_FOUND') ? 'removed' : 'error')))
      .toBe('removed');
    await gateway.stop();
  });

  it('removes inbox events past handoff.retentionMs, and warns about those no handler took', async () => {
    const clock = manualClock(T0);
    const warnings: { message: string; fields?: Record<string, unknown> }[] = [];
    const logger: Logger = { ...silentLogger, warn: (message, fields) => void warnings.push({ message, fields }) };
    const gateway = createGateway({ storage: memoryStorage(), keyRing: generateKeyRing(), clock, logger, ...retention });
    const { integration, apiKey } = await gateway.integrations.create({ name: 'Zabbix', type: 'MONITORING' }, 'ops');
    const receive = (event: string) => gateway.receiveWebhook({ key: apiKey, headers: {}, rawBody: Buffer.from(JSON.stringify({ event })) });
    // Accepted while no handler is registered: it waits in the inbox.
    const unhandled = await receive('BEFORE_THE_HANDLER');
    const handled: string[] = [];
    const unregister = gateway.onWebhook((event) => void handled.push(event.event));
    const delivered = await receive('HANDLED');
    await expect.poll(async () => (await gateway.events.get(delivered.eventId)).status).toBe('delivered');
    unregister();
    expect(handled).toEqual(['HANDLED']);
    const ids = async () => (await gateway.events.list({ intId: integration.id })).items.map((event) => [event.id, event.status]);
    expect(await ids()).toEqual([
      [delivered.eventId, 'delivered'],
      [unhandled.eventId, 'pending'],
    ]);

    // Past three days, the dispatcher's hourly retention removes both.
    clock.advance(3 * DAY_MS + 1);
    gateway.start();
    await expect.poll(ids).toEqual([]);
    expect(warnings).toContainEqual({ message: 'Accepted webhooks no handler took were removed by inbox retention', fields: { unhandled: 1 } });
    await gateway.stop();
  });
});
