import Router from '@koa/router';
import { createGateway, createHttpHandler, generateKeyRing, silentLogger, type HttpHandlerOptions } from '@portico/core';
import { listenOnLoopback, runAdapterSuite, standardHeaders, type AdapterServer } from '@portico/testing';
import Koa, { type Middleware } from 'koa';
import { afterEach, describe, expect, it } from 'vitest';
import { createKoaRouter } from '../src';

const notPortico: Middleware = (ctx) => {
  ctx.status = 418;
  ctx.body = 'not portico';
};

/** A Koa app that does not print the errors of clients that drop their connection, as the suite does on purpose. */
function quietKoa(): Koa {
  const app = new Koa();
  app.silent = true;
  return app;
}

runAdapterSuite('koa', (handler) => listenOnLoopback(quietKoa().use(createKoaRouter(handler).routes()).use(notPortico).callback()));

runAdapterSuite('koa nested under a parent router with a parameter', (handler) => {
  const parent = new Router().use('/tenants/:tenant', createKoaRouter(handler).routes());
  return listenOnLoopback(quietKoa().use(parent.routes()).use(notPortico).callback(), '/tenants/acme');
});

/**
 * A stand-in for koa-bodyparser / @koa/bodyparser, which are not installed here: like them it
 * reads the whole stream, parses JSON into `ctx.request.body` and, when `keepRaw` is set, keeps
 * the text as `ctx.request.rawBody`.
 */
function jsonBodyParser(keepRaw: boolean): Middleware {
  return async (ctx, next) => {
    if (ctx.is('application/json')) {
      const parts: Buffer[] = [];
      for await (const part of ctx.req) parts.push(part as Buffer);
      const text = Buffer.concat(parts).toString('utf8');
      Object.assign(ctx.request, { body: JSON.parse(text) as unknown }, keepRaw ? { rawBody: text } : {});
    }
    await next();
  };
}

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const BODY = '{ "event" : "caf\\u00e9",\n  "z":1 ,"a":[ 1,2 ] }\n';
const adminOptions: HttpHandlerOptions = { authenticate: () => ({ id: 'admin', roles: ['ADMIN'] }), logger: silentLogger };

const signed = (apiKey: string, body: string): RequestInit => ({
  method: 'POST',
  body,
  headers: { 'content-type': 'application/json', 'x-api-key': apiKey, ...standardHeaders(SECRET, body) },
});

describe('createKoaRouter with body parsers and options', () => {
  let server: AdapterServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function start(mount: (app: Koa, router: Router) => void, options: HttpHandlerOptions = adminOptions) {
    const gateway = createGateway({ keyRing: generateKeyRing(), logger: silentLogger });
    const { apiKey } = await gateway.integrations.create({ name: 'Zabbix', type: 'MONITORING', secret: SECRET }, 'admin');
    const app = quietKoa();
    mount(app, createKoaRouter(gateway, options));
    server = await listenOnLoopback(app.use(notPortico).callback());
    return { apiKey, origin: server.url, url: `${server.url}/api/gateway` };
  }

  it('uses the rawBody a body parser kept, so signatures still verify', async () => {
    const { apiKey, url } = await start((app, router) => app.use(jsonBodyParser(true)).use(router.routes()));

    const accepted = await fetch(`${url}/webhook`, signed(apiKey, BODY));
    expect(accepted.status).toBe(202);
    expect(await accepted.json()).toMatchObject({ event: 'café' });

    const refused = await fetch(`${url}/webhook`, { ...signed(apiKey, BODY), body: BODY.replace('"z":1', '"z":2') });
    expect(refused.status).toBe(403);
  });

  it('refuses a body a parser consumed without keeping it, with a clear problem, not a 500 and not a hang', async () => {
    const { apiKey, url } = await start((app, router) => app.use(jsonBodyParser(false)).use(router.routes()));

    const webhook = await fetch(`${url}/webhook`, { ...signed(apiKey, BODY), signal: AbortSignal.timeout(5_000) });
    expect(webhook.status).toBe(503);
    expect(webhook.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const problem = (await webhook.json()) as { code: string; detail: string };
    expect(problem.code).toBe('BODY_ALREADY_CONSUMED');
    expect(problem.detail).toContain('koa-bodyparser');

    expect((await fetch(`${url}/stats`, { signal: AbortSignal.timeout(5_000) })).status).toBe(200);
  });

  it("keeps Portico's 405 problem when the host adds allowedMethods()", async () => {
    const { url } = await start((app, router) => app.use(router.routes()).use(router.allowedMethods()));
    const reply = await fetch(`${url}/integrations`, { method: 'DELETE' });
    expect(reply.status).toBe(405);
    expect(reply.headers.get('allow')).toBe('POST, GET');
    expect(reply.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });

  it('builds the handler from a gateway with the options given, and passes other paths on', async () => {
    const { origin } = await start((app, router) => app.use(router.routes()), { ...adminOptions, prefix: 'hooks/' });
    expect((await fetch(`${origin}/hooks/stats`)).status).toBe(200);
    expect((await fetch(`${origin}/HOOKS/stats`)).status).toBe(418);
    expect((await fetch(`${origin}/api/gateway/stats`)).status).toBe(418);
  });

  it("answers a problem, never Koa's own error text, when the host's authenticate throws", async () => {
    const { url } = await start((app, router) => app.use(router.routes()), {
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

describe('createKoaRouter with a handler', () => {
  it('serves the handler it is given, under its prefix', async () => {
    const handler = createHttpHandler(createGateway({ keyRing: generateKeyRing(), logger: silentLogger }), { prefix: '/gw' });
    const server = await listenOnLoopback(quietKoa().use(createKoaRouter(handler).routes()).use(notPortico).callback());
    try {
      expect((await fetch(`${server.url}/gw/openapi.json`)).status).toBe(200);
      expect((await fetch(`${server.url}/gwx/openapi.json`)).status).toBe(418);
    } finally {
      await server.close();
    }
  });
});
