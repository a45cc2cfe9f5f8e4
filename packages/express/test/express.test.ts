import { createGateway, createHttpHandler, generateKeyRing, silentLogger, type HttpHandlerOptions } from '@portico/core';
import { listenOnLoopback, runAdapterSuite, standardHeaders, type AdapterServer } from '@portico/testing';
import express, { type RequestHandler } from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { createExpressRouter } from '../src';

const notPortico: RequestHandler = (_req, res) => {
  res.status(418).send('not portico');
};

runAdapterSuite('express', (handler) => listenOnLoopback(express().use(createExpressRouter(handler)).use(notPortico)));

runAdapterSuite('express mounted under a sub-path', (handler) =>
  listenOnLoopback(express().use('/tenant', createExpressRouter(handler)).use(notPortico), '/tenant'),
);

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const BODY = '{ "event" : "caf\\u00e9",\n  "z":1 ,"a":[ 1,2 ] }\n';
const adminOptions: HttpHandlerOptions = { authenticate: () => ({ id: 'admin', roles: ['ADMIN'] }), logger: silentLogger };

const signed = (apiKey: string, body: string): RequestInit => ({
  method: 'POST',
  body,
  headers: { 'content-type': 'application/json', 'x-api-key': apiKey, ...standardHeaders(SECRET, body) },
});

describe('createExpressRouter with body parsers and options', () => {
  let server: AdapterServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function start(mount: (app: express.Express, router: RequestHandler) => void, options: HttpHandlerOptions = adminOptions) {
    const gateway = createGateway({ keyRing: generateKeyRing(), logger: silentLogger });
    const { apiKey } = await gateway.integrations.create({ name: 'Zabbix', type: 'MONITORING', secret: SECRET }, 'admin');
    const app = express();
    mount(app, createExpressRouter(gateway, options));
    server = await listenOnLoopback(app.use(notPortico));
    return { apiKey, origin: server.url, url: `${server.url}/api/gateway` };
  }

  it('refuses a body express.json() consumed first with a clear problem, not a 500 and not a hang', async () => {
    const { apiKey, url } = await start((app, router) => app.use(express.json(), router));

    const webhook = await fetch(`${url}/webhook`, { ...signed(apiKey, BODY), signal: AbortSignal.timeout(5_000) });
    expect(webhook.status).toBe(503);
    expect(webhook.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const problem = (await webhook.json()) as { code: string; detail: string };
    expect(problem.code).toBe('BODY_ALREADY_CONSUMED');
    expect(problem.detail).toContain('before express.json()');

    const stats = await fetch(`${url}/stats`, { signal: AbortSignal.timeout(5_000) });
    expect(stats.status).toBe(200);
  });

  it('uses the bytes express.raw() kept, so signatures still verify', async () => {
    const { apiKey, url } = await start((app, router) => app.use(express.raw({ type: '*/*' }), router));

    const accepted = await fetch(`${url}/webhook`, signed(apiKey, BODY));
    expect(accepted.status).toBe(202);
    expect(await accepted.json()).toMatchObject({ event: 'café' });

    const tampered = signed(apiKey, BODY);
    const refused = await fetch(`${url}/webhook`, { ...tampered, body: BODY.replace('"z":1', '"z":2') });
    expect(refused.status).toBe(403);

    const created = await fetch(`${url}/integrations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Jira', type: 'TICKETING' }),
    });
    expect(created.status).toBe(201);
  });

  it('builds the handler from a gateway with the options given, and passes other paths on', async () => {
    const { origin } = await start((app, router) => app.use(router), { ...adminOptions, prefix: 'hooks/' });

    expect((await fetch(`${origin}/hooks/stats`)).status).toBe(200);
    expect((await fetch(`${origin}/api/gateway/stats`)).status).toBe(418);
  });

  it("answers a problem, never Express's HTML error page, when the host's authenticate throws", async () => {
    const { url } = await start((app, router) => app.use(router), {
      authenticate: () => {
        throw new Error('session store down at 10.0.0.7');
      },
      logger: silentLogger,
    });
    const reply = await fetch(`${url}/stats`);
    expect(reply.status).toBe(500);
    expect(reply.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await reply.text()).not.toContain('10.0.0.7');
  });
});

describe('createExpressRouter with a handler', () => {
  it('serves the handler it is given, under its prefix', async () => {
    const handler = createHttpHandler(createGateway({ keyRing: generateKeyRing(), logger: silentLogger }), { prefix: '/gw' });
    const server = await listenOnLoopback(express().use(createExpressRouter(handler)).use(notPortico));
    try {
      expect((await fetch(`${server.url}/gw/openapi.json`)).status).toBe(200);
      expect((await fetch(`${server.url}/gwx/openapi.json`)).status).toBe(418);
    } finally {
      await server.close();
    }
  });
});
