// The inbox of docs/operations.md: handlers called at least once, retried, timed out and failed;
// failed events listed and retried, in process and over HTTP with the guide's curl calls.
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { createGateway, generateKeyRing, memoryStorage, silentLogger, type Gateway, type InboundEvent, type Logger } from '@portico/core';
import { createExpressRouter } from '@portico/express';
import express from 'express';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { forwardingHandler, retryFailedEvents, ticketHandler } from '../snippets/operations-inbox.ts';

const TOKEN = 'docs-ops-token';

/** What the receiver of the forwarding handler does with the next request. */
type Behaviour = 'fail-once' | 'fail' | 'hang' | 'ok';

let behaviour: Behaviour = 'ok';
const received: { key: string; body: string }[] = [];
const hanging = new Set<IncomingMessage>();
const receiver = createServer(async (request, response) => {
  let body = '';
  for await (const chunk of request) body += String(chunk);
  received.push({ key: String(request.headers['idempotency-key']), body });
  if (behaviour === 'hang') {
    hanging.add(request);
    return;
  }
  response.statusCode = behaviour === 'ok' ? 204 : 503;
  if (behaviour === 'fail-once') behaviour = 'ok';
  response.end();
});

const errors: { message: string; fields?: Record<string, unknown> }[] = [];
const logger: Logger = { ...silentLogger, error: (message, fields) => void errors.push({ message, fields }) };

let gateway: Gateway;
let server: Server;
let base = '';
let apiKey = '';
let intId = '';

beforeAll(async () => {
  receiver.listen(0, '127.0.0.1');
  await once(receiver, 'listening');
  gateway = createGateway({
    storage: memoryStorage(),
    keyRing: generateKeyRing(),
    logger,
    // Quick, for a test: two hand-offs 50 ms apart, each with a 300 ms deadline.
    handoff: { retryScheduleMs: [50], timeoutMs: 300, leaseMs: 2_000, pollIntervalMs: 20 },
  });
  gateway.onWebhook(forwardingHandler(`http://127.0.0.1:${(receiver.address() as AddressInfo).port}/tickets`));
  gateway.start();
  const app = express().use(
    createExpressRouter(gateway, {
      logger: silentLogger,
      authenticate: (request) => (request.headers.authorization === `Bearer ${TOKEN}` ? { id: 'ops', roles: ['ADMIN'] } : null),
    }),
  );
  server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/gateway`;
  const created = await gateway.integrations.create({ name: 'Zabbix', type: 'MONITORING' }, 'ops');
  apiKey = created.apiKey;
  intId = created.integration.id;
});

afterEach(() => {
  behaviour = 'ok';
  received.length = 0;
  errors.length = 0;
});

afterAll(async () => {
  server.close();
  for (const request of hanging) request.socket.destroy();
  receiver.close();
  await gateway.stop();
});

async function accept(body: object): Promise<string> {
  const answer = await fetch(`${base}/webhook`, { method: 'POST', headers: { 'x-api-key': apiKey }, body: JSON.stringify(body) });
  expect(answer.status).toBe(202);
  return ((await answer.json()) as { event_id: string }).event_id;
}

const status = async (id: string) => (await gateway.events.get(id)).status;

describe('the forwarding handler', () => {
  it('is called again after a failure, with the same event id as its idempotency key, until the receiver takes it', async () => {
    behaviour = 'fail-once';
    const id = await accept({ event: 'ALERT_RAISED', data: { host: 'db-1' } });
    await expect.poll(() => status(id)).toBe('delivered');
    expect(received).toEqual([
      { key: id, body: '{"event":"ALERT_RAISED","data":{"host":"db-1"}}' },
      { key: id, body: '{"event":"ALERT_RAISED","data":{"host":"db-1"}}' },
    ]);
    const event = await gateway.events.get(id);
    expect(event.attempts.map((attempt) => attempt.error)).toEqual(['The ticket service answered 503.', '']);
    const { items } = await gateway.logs.query({ intId, direction: 'IN', status: 'ERROR' });
    expect(items[0]).toMatchObject({ event: 'HANDOFF_RETRY', payload: { event_id: id, attempt: 1 }, error: 'The ticket service answered 503.' });
  });

  it('is aborted past handoff.timeoutMs; after the last hand-off the event is failed, logged and reported', async () => {
    behaviour = 'hang';
    const id = await accept({ event: 'DISK_FULL' });
    await expect.poll(() => status(id), { timeout: 5_000 }).toBe('failed');
    expect(received).toHaveLength(2);
    expect((await gateway.events.get(id)).attempts.map((attempt) => attempt.error)).toEqual([
      'The handler did not finish within 300 ms.',
      'The handler did not finish within 300 ms.',
    ]);
    const { items } = await gateway.logs.query({ intId, direction: 'IN', status: 'ERROR', limit: 1 });
    expect(items[0]).toMatchObject({ event: 'HANDOFF_FAILED', payload: { event_id: id, attempt: 2 } });
    expect(errors).toContainEqual({ message: 'The webhook handler failed on every hand-off of an event', fields: { eventId: id, attempts: 2 } });

    // Retried by an operator, in process: one more hand-off, which now gets through.
    behaviour = 'ok';
    expect(await retryFailedEvents(gateway, intId, 'ops')).toEqual([id]);
    await expect.poll(() => status(id)).toBe('delivered');
    expect((await gateway.events.get(id)).attempts).toHaveLength(3);
    expect(await retryFailedEvents(gateway, intId, 'ops')).toEqual([]);
  });
});

describe('the curl calls of the guide', () => {
  it('list failed events, show one masked, and retry it (202), or answer 409 when it is not failed', async () => {
    behaviour = 'fail';
    const id = await accept({ event: 'LOGIN_FAILED', data: { user: 'kim', password: 'hunter2' } });
    await expect.poll(() => status(id), { timeout: 5_000 }).toBe('failed');
    const run = promisify(execFile);
    const curl = async (...args: string[]) => {
      const { stdout } = await run('curl', ['-sS', '-w', '\n%{http_code}', '-H', `Authorization: Bearer ${TOKEN}`, ...args]);
      const [body, code] = [stdout.slice(0, stdout.lastIndexOf('\n')), stdout.slice(stdout.lastIndexOf('\n') + 1)];
      return { status: Number(code), body: JSON.parse(body) as Record<string, unknown> };
    };
    // The commands of docs/operations.md, with $B, $INT_ID and $EVENT_ID filled in.
    const listed = await curl('-G', `${base}/events`, '--data-urlencode', `int_id=${intId}`, '--data-urlencode', 'status=failed');
    expect(listed.status).toBe(200);
    expect(listed.body).toMatchObject({ total: 1, events: [{ event_id: id, status: 'failed', attempts: [{}, {}] }], next_cursor: null });
    const shown = await curl(`${base}/events/${id}`);
    expect(shown.body).toMatchObject({ event_id: id, payload: { event: 'LOGIN_FAILED', data: { user: 'kim', password: '***' } } });
    behaviour = 'ok';
    const retried = await curl('-X', 'POST', `${base}/events/${id}/retry`);
    expect(retried).toMatchObject({ status: 202, body: { event_id: id, status: 'pending' } });
    await expect.poll(() => status(id)).toBe('delivered');
    const again = await curl('-X', 'POST', `${base}/events/${id}/retry`);
    expect(again).toMatchObject({ status: 409, body: { code: 'EVENT_NOT_FAILED' } });
  });
});

describe('the ticket handler', () => {
  it('opens one ticket however many times it is called with one event', async () => {
    const db = new Database(':memory:');
    try {
      const handle = ticketHandler(db);
      const event: InboundEvent = {
        id: 'evt_0199d5b1a2c4Zm3kQ8rT2vXw',
        messageId: 'msg_2Yx6',
        intId,
        event: 'ALERT_RAISED',
        payload: { event: 'ALERT_RAISED', data: { host: 'db-1' } },
        rawBody: new Uint8Array(),
        headers: {},
        receivedAt: Date.UTC(2026, 0, 5),
        test: false,
        attempt: 1,
      };
      const context = { signal: new AbortController().signal };
      await handle(event, context);
      await handle({ ...event, attempt: 2 }, context);
      expect(db.prepare('SELECT event_id, title FROM tickets').all()).toEqual([{ event_id: event.id, title: 'ALERT_RAISED on db-1' }]);
    } finally {
      db.close();
    }
  });
});
