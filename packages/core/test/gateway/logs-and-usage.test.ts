import { describe, expect, it, vi } from 'vitest';
import { manualClock } from '../../src/clock';
import { sequentialIds } from '../../src/ids';
import { silentLogger } from '../../src/logger';
import { createLogWriter } from '../../src/logs/log-writer';
import { memoryStorage } from '../../src/storage/memory-storage';
import type { Storage } from '../../src/storage/storage';
import { createUsageRecorder } from '../../src/usage/usage-recorder';
import { bytes, legacyHeaders, setup, T0 } from './harness';

function writerOn(storage: Storage, options = {}) {
  const clock = manualClock(T0);
  return { clock, writer: createLogWriter({ storage, clock, ids: sequentialIds(), logger: silentLogger }, options) };
}

describe('log writer', () => {
  it('masks before buffering and writes in batches', async () => {
    const storage = memoryStorage();
    const { writer } = writerOn(storage, { batchSize: 3, flushIntervalMs: 60_000 });
    writer.write({ intId: 'GW-1', direction: 'OUT', event: 'SEND', status: 'OK', payload: { token: 'abc', url: 'https://h/?api_key=zzz' } });
    writer.write({ intId: 'GW-1', direction: 'OUT', event: 'SEND', status: 'ERROR', error: 'failed with Bearer abc.def.ghi' });
    expect(await storage.logs.count()).toBe(0);
    writer.write({ intId: 'GW-1', direction: 'IN', event: 'x'.repeat(500), status: 'OK' });
    await writer.flush();
    const page = await storage.logs.query({ limit: 10 });
    expect(page.total).toBe(3);
    const text = JSON.stringify(page.items);
    expect(text).not.toContain('abc');
    expect(text).not.toContain('zzz');
    expect(page.items.every((entry) => entry.event.length <= 200)).toBe(true);
  });

  it('keeps entries buffered while storage fails, and writes them once it recovers', async () => {
    const storage = memoryStorage();
    let failing = true;
    const flaky: Storage = {
      ...storage,
      logs: { ...storage.logs, append: (entries) => (failing ? Promise.reject(new Error('disk full')) : storage.logs.append(entries)) },
    };
    const { writer } = writerOn(flaky, { flushIntervalMs: 60_000 });
    writer.write({ intId: 'GW-1', direction: 'IN', event: 'A', status: 'OK' });
    await writer.flush();
    writer.write({ intId: 'GW-1', direction: 'IN', event: 'B', status: 'OK' });
    failing = false;
    await writer.flush();
    expect((await storage.logs.query({ limit: 10 })).items.map((entry) => entry.event)).toEqual(['B', 'A']);
  });

  it('bounds its buffer and counts what it drops', async () => {
    const storage = memoryStorage();
    const broken: Storage = { ...storage, logs: { ...storage.logs, append: () => Promise.reject(new Error('down')) } };
    const { writer } = writerOn(broken, { maxBufferedEntries: 5, batchSize: 1000, flushIntervalMs: 60_000 });
    for (let i = 0; i < 8; i++) writer.write({ intId: 'GW-1', direction: 'IN', event: `E${i}`, status: 'OK' });
    await writer.flush();
    expect(writer.dropped).toBe(3);
  });

  it('applies retention by age and by count', async () => {
    const storage = memoryStorage();
    const { writer, clock } = writerOn(storage, { retentionMs: 10_000, maxEntries: 3, pruneIntervalMs: 0 });
    for (let i = 0; i < 6; i++) {
      writer.write({ intId: 'GW-1', direction: 'IN', event: `E${i}`, status: 'OK' });
      clock.advance(1_000);
    }
    await writer.flush();
    expect((await storage.logs.query({ limit: 10 })).items.map((entry) => entry.event)).toEqual(['E5', 'E4', 'E3']);
    clock.advance(20_000);
    writer.write({ intId: 'GW-1', direction: 'IN', event: 'NEW', status: 'OK' });
    await writer.flush();
    expect((await storage.logs.query({ limit: 10 })).items.map((entry) => entry.event)).toEqual(['NEW']);
  });
});

describe('usage', () => {
  it('bounds its buffer while storage is down by dropping the oldest series rows, never the totals', async () => {
    const storage = memoryStorage();
    let failing = true;
    const flaky: Storage = { ...storage, usage: { ...storage.usage, add: (rows) => (failing ? Promise.reject(new Error('down')) : storage.usage.add(rows)) } };
    const recorder = createUsageRecorder({ storage: flaky, clock: manualClock(T0), logger: silentLogger }, { maxBufferedRows: 50, flushIntervalMs: 60_000 });
    // Two hours of one request a minute from each of 3 integrations: 360 minute rows alone.
    for (let minute = 0; minute < 120; minute++) {
      for (const intId of ['GW-1', 'GW-2', 'GW-3']) recorder.record(intId, 'success', T0 + minute * 60_000);
    }
    await recorder.flush();
    failing = false;
    await recorder.flush();
    for (const intId of ['GW-1', 'GW-2', 'GW-3']) expect((await storage.usage.totals(intId)).success).toBe(120);
    const minutes = await storage.usage.buckets('GW-1', 'minute', T0, T0 + 120 * 60_000);
    expect(minutes.length).toBeGreaterThan(0);
    expect(minutes.length).toBeLessThan(50);
    // The newest minutes are the ones kept.
    expect(minutes.at(-1)?.startMs).toBe(T0 + 119 * 60_000);
  });

  it('sums a burst in memory and writes one row per bucket', async () => {
    const storage = memoryStorage();
    const writes: number[] = [];
    const counting: Storage = { ...storage, usage: { ...storage.usage, add: (rows) => (writes.push(rows.length), storage.usage.add(rows)) } };
    const recorder = createUsageRecorder({ storage: counting, clock: manualClock(T0), logger: silentLogger });
    for (let i = 0; i < 1000; i++) recorder.record('GW-1', i % 10 === 0 ? 'error' : 'success', T0 + i);
    await recorder.flush();
    expect(writes).toEqual([3]);
    expect(await storage.usage.totals('GW-1')).toEqual({ success: 900, error: 100, rateLimited: 0, lastAtMs: T0 + 999 });
  });

  it('serves a dense series per minute, hour and day', async () => {
    const { gateway, clock } = setup();
    const { apiKey, integration } = await gateway.integrations.create({ name: 'x', type: 'WEBHOOK_IN', rateLimit: 1000 }, 'a');
    const send = () => gateway.receiveWebhook({ key: apiKey, headers: {}, rawBody: bytes('{}') });
    await send();
    await send();
    clock.advance(2 * 60_000);
    await send();
    const minutes = await gateway.usage(integration.id, { fromMs: T0, toMs: T0 + 4 * 60_000, bucket: 'minute' });
    expect(minutes.points.map((point) => point.total)).toEqual([2, 0, 1, 0]);
    expect(minutes.points[0]?.startMs).toBe(T0);
    const hours = await gateway.usage(integration.id, { fromMs: T0 - 3_600_000, toMs: T0 + 3_600_000, bucket: 'hour' });
    expect(hours.points.map((point) => point.total)).toEqual([0, 3]);
    const days = await gateway.usage(integration.id, { fromMs: T0, toMs: T0 + 1, bucket: 'day' });
    expect(days.points).toEqual([{ startMs: Date.UTC(2026, 10, 27), total: 3, success: 3, error: 0, rateLimited: 0 }]);
  });

  it('writes buffered counts before it reads a series, as logs and stats do', async () => {
    const storage = memoryStorage();
    const { gateway } = setup({ storage });
    const { apiKey, integration } = await gateway.integrations.create({ name: 'x', type: 'WEBHOOK_IN' }, 'a');
    await gateway.receiveWebhook({ key: apiKey, headers: {}, rawBody: bytes('{}') });
    const minutes = await gateway.usage(integration.id, { fromMs: T0, toMs: T0 + 60_000, bucket: 'minute' });
    expect(minutes.points.map((point) => point.total)).toEqual([1]);
    expect((await storage.usage.totals(integration.id)).success).toBe(1);
  });

  it('covers the last 24 hours when no range is given, and ends a range without toMs now', async () => {
    const { gateway, clock } = setup();
    const { integration } = await gateway.integrations.create({ name: 'x', type: 'REST_API' }, 'a');
    clock.advance(30 * 60_000);
    gateway.recordCall({ intId: integration.id, direction: 'OUT', event: 'CALL', status: 'OK' });
    clock.advance(1_000);
    const series = await gateway.usage(integration.id);
    expect(series.bucket).toBe('hour');
    expect(series.points).toHaveLength(25);
    expect(series.points[0]?.startMs).toBe(T0 - 86_400_000);
    expect(series.points.at(-1)).toMatchObject({ startMs: T0, total: 1 });
    const lastHour = await gateway.usage(integration.id, { fromMs: T0, bucket: 'minute' });
    expect(lastHour.points).toHaveLength(31);
    expect(lastHour.points.at(-1)).toMatchObject({ startMs: T0 + 30 * 60_000, total: 1 });
    const untilNoon = await gateway.usage(integration.id, { toMs: Date.UTC(2026, 10, 27, 12), bucket: 'day' });
    expect(untilNoon.points.map((point) => point.startMs)).toEqual([Date.UTC(2026, 10, 26), Date.UTC(2026, 10, 27)]);
    await expect(gateway.usage(integration.id, { fromMs: T0 + 3_600_000 })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      fields: [{ path: 'fromMs', message: 'Must be before now when `toMs` is not given' }],
    });
  });

  it('refuses a series that is too long or reversed, and an unknown integration', async () => {
    const { gateway } = setup();
    const { integration } = await gateway.integrations.create({ name: 'x', type: 'WEBHOOK_IN' }, 'a');
    await expect(gateway.usage(integration.id, { fromMs: 0, toMs: T0, bucket: 'minute' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(gateway.usage(integration.id, { fromMs: T0, toMs: T0 - 1 })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(gateway.usage('GW-FFFFFFFF', { fromMs: T0, toMs: T0 + 1 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('stats', () => {
  it("answers the original's fields from counters, not from the log", async () => {
    const { gateway } = setup();
    const a = await gateway.integrations.create({ name: 'a', type: 'MONITORING' }, 'x');
    await gateway.integrations.create({ name: 'b', type: 'MONITORING', enabled: false }, 'x');
    await gateway.integrations.create({ name: 'c', type: 'TICKETING', status: 'TEST' }, 'x');
    await gateway.receiveWebhook({ key: a.apiKey, headers: {}, rawBody: bytes('{}') });
    const stats = await gateway.stats();
    expect(stats).toMatchObject({
      totalIntegrations: 3,
      enabled: 2,
      disabled: 1,
      byStatus: { ACTIVE: 1, INACTIVE: 1, TEST: 1 },
      totalRequests: 1,
      totalErrors: 0,
      successRatePct: 100,
      byType: { MONITORING: 2, TICKETING: 1 },
      totalLogEntries: 4,
    });
    expect(Object.keys(stats.integrationTypes)).toEqual(['WEBHOOK_IN', 'WEBHOOK_OUT', 'REST_API', 'MONITORING', 'TICKETING', 'NOTIFICATION']);
  });

  it('rounds the success rate to one decimal', async () => {
    const { gateway } = setup();
    const secret = 'x'.repeat(16);
    const { apiKey } = await gateway.integrations.create({ name: 'a', type: 'WEBHOOK_IN', secret }, 'x');
    const send = (headers: Record<string, string>) =>
      gateway.receiveWebhook({ key: apiKey, headers, rawBody: bytes('{}') }).catch(() => undefined);
    await send(legacyHeaders(secret, '{}'));
    await send(legacyHeaders(secret, '{}'));
    await send({});
    expect(await gateway.stats()).toMatchObject({ totalRequests: 3, totalErrors: 1, successRatePct: 66.7 });
  });
});

describe('recordCall', () => {
  it('logs a connector call masked and counts it in the integration usage', async () => {
    const { gateway } = setup();
    const { integration } = await gateway.integrations.create({ name: 'jira', type: 'TICKETING' }, 'a');
    gateway.recordCall({
      intId: integration.id,
      direction: 'OUT',
      event: 'JIRA_SYNC',
      status: 'OK',
      payload: { target: 'SR-1', token: 'atlassian-token' },
    });
    gateway.recordCall({ intId: integration.id, direction: 'OUT', event: 'JIRA_STATUS', status: 'ERROR', error: 'HTTP 503' });
    const logs = await gateway.logs.query({ intId: integration.id, direction: 'OUT' });
    expect(logs.items.map((entry) => [entry.event, entry.status])).toEqual([
      ['JIRA_STATUS', 'ERROR'],
      ['JIRA_SYNC', 'OK'],
    ]);
    expect(JSON.stringify(logs)).not.toContain('atlassian-token');
    expect((await gateway.integrations.get(integration.id)).stats).toMatchObject({ totalRequests: 2, successRequests: 1, errorRequests: 1 });
  });
});

describe('retention while idle', () => {
  it('drops aged-out log entries once started, though nothing is written any more', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    try {
      const storage = memoryStorage();
      const { gateway, clock } = setup({ storage, logs: { retentionMs: 60_000, pruneIntervalMs: 0 } });
      await gateway.integrations.create({ name: 'x', type: 'WEBHOOK_IN' }, 'a');
      await gateway.flush();
      expect(await storage.logs.count()).toBe(1);
      gateway.start();
      clock.advance(120_000);
      await vi.advanceTimersByTimeAsync(60_000);
      expect(await storage.logs.count()).toBe(0);
      await gateway.stop();
    } finally {
      vi.useRealTimers();
    }
  });
});
