import { afterEach, describe, expect, it } from 'vitest';
import { manualClock } from '../../src/clock';
import { generateKeyRing } from '../../src/crypto/key-ring';
import { createGateway, type Gateway, type GatewayOptions } from '../../src/gateway';
import type { InboundEvent } from '../../src/inbound/inbound-event';
import { silentLogger } from '../../src/logger';
import { dispatcherOf } from '../../src/queue/dispatcher';
import { memoryStorage } from '../../src/storage/memory-storage';
import { bytes, handOffs, STANDARD_SECRET, standardHeaders, T0 } from '../gateway/harness';

const body = '{"event":"ALERT_RAISED","data":{"host":"db-1","password":"hunter2"}}';
const gateways: Gateway[] = [];

afterEach(async () => {
  await Promise.all(gateways.splice(0).map((gateway) => gateway.stop({ timeoutMs: 100 })));
});

async function setup(options: GatewayOptions = {}, integration: Record<string, unknown> = {}) {
  const clock = manualClock(T0);
  const storage = memoryStorage();
  const gateway = createGateway({ clock, storage, keyRing: generateKeyRing(), logger: silentLogger, ...options });
  gateways.push(gateway);
  const created = await gateway.integrations.create({ name: 'Zabbix', type: 'MONITORING', ...integration }, 'admin');
  const send = (headers: Record<string, string> = {}, text = body) =>
    gateway.receiveWebhook({ key: created.apiKey, headers: { 'x-api-key': created.apiKey, ...headers }, rawBody: bytes(text) });
  return { clock, storage, gateway, send, intId: created.integration.id, inbox: dispatcherOf(gateway, 'inbox') };
}

describe('hand-off to the host', () => {
  it('retries a handler that throws twice, then delivers the event once, counting attempts', async () => {
    const { gateway, send, clock, inbox } = await setup();
    const calls: InboundEvent[] = [];
    gateway.onWebhook((event) => {
      calls.push(event);
      if (calls.length < 3) throw new Error(`database down (password=hunter2) #${calls.length}`);
    });
    const { eventId } = await send();
    await handOffs();
    expect(calls.map((event) => event.attempt)).toEqual([1]);
    expect((await gateway.events.get(eventId)).status).toBe('pending');

    for (const waitMs of [1_200, 6_000]) {
      clock.advance(waitMs);
      expect(await inbox.tick()).toBe(1);
    }
    expect(calls.map((event) => event.attempt)).toEqual([1, 2, 3]);
    expect(new Set(calls.map((event) => event.id))).toEqual(new Set([eventId]));
    const event = await gateway.events.get(eventId);
    expect(event.status).toBe('delivered');
    expect(event.attempts).toHaveLength(3);
    expect(event.attempts[0]?.error).toContain('database down');
    expect(event.attempts[0]?.error).not.toContain('hunter2');
    expect(event.attempts[2]?.error).toBe('');
    clock.advance(3_600_000);
    expect(await inbox.tick()).toBe(0);
    expect(calls).toHaveLength(3);
  });

  it('times out a handler that hangs, aborts its signal and hands the event off again', async () => {
    const { gateway, send, clock, inbox } = await setup({ handoff: { timeoutMs: 50, leaseMs: 1_000 } });
    const signals: AbortSignal[] = [];
    let calls = 0;
    gateway.onWebhook((_event, { signal }) => {
      calls++;
      signals.push(signal);
      return calls === 1 ? new Promise(() => {}) : undefined;
    });
    const { eventId } = await send();
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(signals[0]?.aborted).toBe(true);
    const pending = await gateway.events.get(eventId);
    expect(pending).toMatchObject({ status: 'pending', attempts: [{ error: 'The handler did not finish within 50 ms.' }] });
    clock.advance(1_200);
    expect(await inbox.tick()).toBe(1);
    expect(calls).toBe(2);
    expect((await gateway.events.get(eventId)).status).toBe('delivered');
  });

  it('marks an event failed after the last attempt, logs it, and hands it off again on retry', async () => {
    const { gateway, send, clock, inbox, intId } = await setup({ handoff: { retryScheduleMs: [1_000] } });
    let healthy = false;
    gateway.onWebhook(() => {
      if (!healthy) throw new Error('nope');
    });
    const { eventId } = await send();
    await handOffs();
    clock.advance(1_300);
    await inbox.tick();
    expect(await gateway.events.get(eventId)).toMatchObject({ status: 'failed', nextAttemptAt: null });
    expect((await gateway.events.list({ status: 'failed' })).items.map((event) => event.id)).toEqual([eventId]);
    const logged = await gateway.logs.query({ intId, direction: 'IN' });
    expect(logged.items.map((entry) => entry.event)).toEqual(['HANDOFF_FAILED', 'HANDOFF_RETRY', 'WEBHOOK_ALERT_RAISED']);

    await expect(gateway.events.retry('evt_unknown', 'ops')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    healthy = true;
    expect(await gateway.events.retry(eventId, 'ops')).toMatchObject({ status: 'pending' });
    await expect(gateway.events.retry(eventId, 'ops')).rejects.toMatchObject({ code: 'EVENT_NOT_FAILED', status: 409 });
    expect(await inbox.tick()).toBe(1);
    expect(await gateway.events.get(eventId)).toMatchObject({ status: 'delivered' });
    expect((await gateway.events.get(eventId)).attempts).toHaveLength(3);
  });

  it('keeps events accepted while no handler is registered, and hands them off once one is', async () => {
    const { gateway, send, inbox } = await setup();
    const ids = [(await send()).eventId, (await send()).eventId];
    expect(await inbox.tick()).toBe(0);
    const waiting = await gateway.events.list({ status: 'pending' });
    expect(waiting.items.map((event) => event.id).sort()).toEqual([...ids].sort());
    const seen: string[] = [];
    gateway.onWebhook((event) => {
      seen.push(event.id);
    });
    expect(await inbox.tick()).toBe(2);
    expect(seen.sort()).toEqual([...ids].sort());
  });

  it('gives the handler the payload, the raw body and the headers, never the API key', async () => {
    const { gateway, send } = await setup();
    const seen: InboundEvent[] = [];
    gateway.onWebhook((event) => {
      seen.push(event);
    });
    const { eventId } = await send({ authorization: 'Bearer gk_secret', 'x-trace': 't-1' });
    await handOffs();
    expect(seen[0]?.payload).toEqual(JSON.parse(body));
    expect(new TextDecoder().decode(seen[0]?.rawBody)).toBe(body);
    expect(seen[0]?.headers).toEqual({ 'x-trace': 't-1' });

    const detail = await gateway.events.get(eventId);
    expect(detail.payload).toEqual({ event: 'ALERT_RAISED', data: { host: 'db-1', password: '***' } });
    expect(detail.headers).toEqual({ 'x-trace': 't-1' });
  });

  it('runs no more handler calls at once than its concurrency; the rest wait for the dispatcher', async () => {
    const { gateway, send, inbox } = await setup({ handoff: { concurrency: 2 } }, { rateLimit: 100 });
    let running = 0;
    let most = 0;
    const release: (() => void)[] = [];
    gateway.onWebhook(async () => {
      running++;
      most = Math.max(most, running);
      await new Promise<void>((resolve) => release.push(resolve));
      running--;
    });
    await Promise.all([...Array(5).keys()].map(() => send()));
    await handOffs();
    expect(running).toBe(2);
    release.splice(0).forEach((resolve) => resolve());
    await handOffs();
    const tick = inbox.tick();
    await handOffs();
    release.splice(0).forEach((resolve) => resolve());
    expect(await tick).toBe(2);
    const last = inbox.tick();
    await handOffs();
    release.splice(0).forEach((resolve) => resolve());
    expect(await last).toBe(1);
    expect(most).toBe(2);
    expect((await gateway.events.list({ status: 'delivered' })).total).toBe(5);
  });

  it('refuses an unknown stop option by its name', async () => {
    const { gateway } = await setup();
    await expect(gateway.stop({ timeout: 5 } as never)).rejects.toThrow(/timeout/);
  });

  it('stops within its bound while a handler hangs', async () => {
    const { gateway, send } = await setup();
    gateway.onWebhook(() => new Promise(() => {}));
    await send();
    await handOffs();
    const started = Date.now();
    await gateway.stop({ timeoutMs: 200 });
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});

describe('replays and quota', () => {
  it('refuses replayed copies before they spend quota: the real sender is not locked out', async () => {
    const { send } = await setup({}, { secret: STANDARD_SECRET, rateLimit: 10 });
    const captured = standardHeaders(STANDARD_SECRET, 'msg_captured', T0, body);
    await expect(send(captured)).resolves.toMatchObject({ accepted: true });
    for (let i = 0; i < 20; i++) await expect(send(captured)).rejects.toMatchObject({ code: 'WEBHOOK_REPLAYED' });
    for (let i = 0; i < 9; i++) {
      await expect(send(standardHeaders(STANDARD_SECRET, `msg_fresh_${i}`, T0, body))).resolves.toMatchObject({ accepted: true });
    }
    await expect(send(standardHeaders(STANDARD_SECRET, 'msg_over', T0, body))).rejects.toMatchObject({ code: 'RATE_LIMITED' });
  });

  it('does not burn the webhook-id of a rate-limited request: it is accepted once quota returns', async () => {
    const { send, clock } = await setup({}, { secret: STANDARD_SECRET, rateLimit: 1 });
    await send(standardHeaders(STANDARD_SECRET, 'msg_a', T0, body));
    const second = standardHeaders(STANDARD_SECRET, 'msg_b', T0, body);
    await expect(send(second)).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    clock.advance(60_000);
    await expect(send(second)).resolves.toMatchObject({ accepted: true });
  });

  it('commits the event, its log entry and its usage before answering', async () => {
    const { send, storage, intId } = await setup();
    const { eventId } = await send();
    expect(await storage.inbox.get(eventId)).toMatchObject({ intId, status: 'pending', event: 'ALERT_RAISED' });
    expect((await storage.logs.query({ intId, limit: 10 })).items.map((entry) => entry.event)).toEqual(['WEBHOOK_ALERT_RAISED']);
    expect(await storage.usage.totals(intId)).toMatchObject({ success: 1 });
  });
});

describe('retention of what acceptances write', () => {
  it('applies log retention to accepted webhooks although they bypass the log buffer, started or not', async () => {
    const { send, storage, clock } = await setup({ logs: { maxEntries: 5, flushIntervalMs: 10, pruneIntervalMs: 1 } }, { rateLimit: 100 });
    for (let i = 0; i < 20; i++) await send();
    expect(await storage.logs.count()).toBeGreaterThanOrEqual(20);
    clock.advance(1_000);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(await storage.logs.count()).toBe(5);
  });
});
