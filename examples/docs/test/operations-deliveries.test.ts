import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createEgressPolicy, createGateway, generateKeyRing, memoryStorage, silentLogger } from '@portico/core';
import { createExpressRouter } from '@portico/express';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failingIntegrations, retryFailed } from '../snippets/operations-deliveries.ts';

const TOKEN = 'docs-ops-token';
const gateway = createGateway({
  storage: memoryStorage(),
  keyRing: generateKeyRing(),
  logger: silentLogger,
  // The receiver of this test listens on loopback, which the default policy refuses.
  egress: { policy: createEgressPolicy({ prepend: [{ action: 'allow', cidr: '127.0.0.1/32' }] }) },
  delivery: { pollIntervalMs: 50 },
});
const app = express();
app.use(
  createExpressRouter(gateway, {
    authenticate: (request) => (request.headers.authorization === `Bearer ${TOKEN}` ? { id: 'ops', roles: ['ADMIN'] } : null),
  }),
);

let answer = 410;
const received: string[] = [];
const receiver = createServer((request, response) => {
  received.push(String(request.headers['webhook-id']));
  request.resume();
  response.statusCode = answer;
  response.end();
});
let server: Server;
let base = '';

async function listen(target: Server): Promise<number> {
  target.listen(0, '127.0.0.1');
  await once(target, 'listening');
  return (target.address() as AddressInfo).port;
}

beforeAll(async () => {
  server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/gateway`;
  await listen(receiver);
  gateway.start();
});

afterAll(async () => {
  server.close();
  receiver.close();
  await gateway.stop();
});

describe('outbound deliveries', () => {
  it('flags a gone receiver as failing, and clears the flag once a retried delivery gets through', async () => {
    const port = (receiver.address() as AddressInfo).port;
    const { integration } = await gateway.integrations.create(
      { name: 'Alerts', type: 'WEBHOOK_OUT', endpointUrl: `http://127.0.0.1:${port}/hooks` },
      'ops',
    );
    const sent = await gateway.send(integration.id, { event: 'TICKET_CREATED', message: 'SR-1042 opened' }, 'ops');
    expect(sent).toMatchObject({ sent: false, statusCode: 410, status: 'failed' });
    expect(await failingIntegrations(base, TOKEN)).toEqual([integration.id]);

    answer = 200;
    expect(await retryFailed(base, TOKEN, integration.id)).toEqual([sent.deliveryId]);
    await expect.poll(async () => (await gateway.deliveries.get(sent.deliveryId)).status, { timeout: 5_000 }).toBe('delivered');
    // Same webhook-id on both attempts: the receiver can de-duplicate.
    expect(received).toEqual([sent.deliveryId, sent.deliveryId]);
    expect(await failingIntegrations(base, TOKEN)).toEqual([]);
    expect(await retryFailed(base, TOKEN, integration.id)).toEqual([]);

    const events = (await gateway.logs.query({ intId: integration.id, direction: 'SYSTEM' })).items.map((entry) => entry.event);
    expect(events).toEqual(['INTEGRATION_RECOVERED', 'DELIVERY_REQUEUED', 'INTEGRATION_FAILING', 'INTEGRATION_CREATED']);
  });
});
