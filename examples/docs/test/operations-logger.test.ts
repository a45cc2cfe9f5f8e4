import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGateway, generateApiKey, generateKeyRing, memoryStorage } from '@portico/core';
import { sqliteStorage } from '@portico/sqlite';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { observedGateway, pinoLogger, type PinoMethods } from '../snippets/operations-logger.ts';

interface Line {
  level: string;
  fields: Record<string, unknown>;
  message: string;
}

/** Stands in for pino: keeps what it is given, in pino's argument order. */
function recordingPino(): PinoMethods & { lines: Line[] } {
  const lines: Line[] = [];
  const at = (level: string) => (fields: object, message: string) => {
    lines.push({ level, fields: fields as Record<string, unknown>, message });
  };
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

async function listen(app: { listen(port: number, host: string): Server }) {
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/gateway` };
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('the operator logger', () => {
  it('receives the gateway warning about a missing key ring, fields first', async () => {
    const pino = recordingPino();
    const gateway = createGateway({ logger: pinoLogger(pino) });
    cleanups.push(() => gateway.stop());
    expect(pino.lines).toContainEqual({
      level: 'warn',
      fields: {},
      message: 'No keyRing given: secrets are sealed with a key that dies with this process.',
    });
  });

  it('gets a store failure from the gateway, with the Error under `err`', async () => {
    const pino = recordingPino();
    const storage = memoryStorage();
    storage.logs.append = () => Promise.reject(new Error('disk full'));
    const { gateway } = observedGateway(pino, storage, generateKeyRing());
    cleanups.push(() => gateway.stop());
    await gateway.integrations.create({ name: 'Zabbix', type: 'MONITORING' }, 'ops');

    await gateway.flush();
    const line = pino.lines.find((entry) => entry.message === 'Writing the integration log failed; entries stay buffered');
    expect(line?.level).toBe('error');
    expect(line?.fields.err).toBeInstanceOf(Error);
    expect(line?.fields).not.toHaveProperty('error');
    expect(line?.fields.entries).toBe(1);
  });

  it('hears nothing of a handler that failed once: that is in the inbox and the integration log', async () => {
    const pino = recordingPino();
    const { gateway, app } = observedGateway(pino, memoryStorage(), generateKeyRing());
    const { server, base } = await listen(app);
    cleanups.push(() => gateway.stop(), () => void server.close());
    const { apiKey } = await gateway.integrations.create({ name: 'Zabbix', type: 'MONITORING' }, 'ops');
    let calls = 0;
    gateway.onWebhook(() => {
      calls++;
      throw new Error('the ticket system is down');
    });
    gateway.start();

    const answer = await fetch(`${base}/webhook/${apiKey}`, { method: 'POST', body: '{"event":"ALERT"}' });
    expect(answer.status).toBe(202);
    const { event_id: eventId } = (await answer.json()) as { event_id: string };
    // The first failure waits for a retry (1 s by default): nothing for the operator yet.
    await vi.waitFor(async () => expect((await gateway.events.get(eventId)).attempts).toHaveLength(1));
    expect(calls).toBe(1);
    expect(await gateway.events.get(eventId)).toMatchObject({ status: 'pending', attempts: [{ error: 'the ticket system is down' }] });
    const { items } = await gateway.logs.query({ direction: 'IN', status: 'ERROR' });
    expect(items).toMatchObject([{ event: 'HANDOFF_RETRY', payload: { event_id: eventId, attempt: 1 }, error: 'the ticket system is down' }]);
    expect(pino.lines.filter((entry) => entry.level === 'error')).toEqual([]);
  });

  it('gets unexpected route errors from the HTTP handler, which answers a bare 500', async () => {
    const pino = recordingPino();
    const storage = sqliteStorage({ filename: ':memory:' });
    const { gateway, app } = observedGateway(pino, storage, generateKeyRing());
    const { server, base } = await listen(app);
    cleanups.push(() => gateway.stop(), () => void server.close());
    await storage.close(); // every storage call now throws

    const answer = await fetch(`${base}/webhook/${generateApiKey().key}`, { method: 'POST', body: '{}' });
    expect(answer.status).toBe(500);
    expect(((await answer.json()) as { detail: string }).detail).toBe('An unexpected error occurred.');
    const line = pino.lines.find((entry) => entry.message === 'Unexpected error in a Portico route');
    expect(line?.level).toBe('error');
    expect(line?.fields.operationId).toBe('receiveWebhook');
    expect(line?.fields.err).toBeInstanceOf(Error);
  });
});
