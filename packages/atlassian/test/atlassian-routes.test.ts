import { createGateway, createHttpHandler, generateKeyRing, silentLogger, type HttpHandler } from '@portico/core';
import { createExpressRouter } from '@portico/express';
import { createKoaRouter } from '@portico/koa';
import { listenOnLoopback, type AdapterServer } from '@portico/testing';
import express from 'express';
import Koa from 'koa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { atlassianRoutes, serviceRequestLabel, type AtlassianCallRecord, type AtlassianRoutesOptions } from '../src/atlassian-routes';
import { confluenceFor, deployments, jiraFor } from './clients';
import { CLOUD_TOKEN, startFakeAtlassian, type FakeAtlassian } from './fake-atlassian';

let fake: FakeAtlassian;
let server: AdapterServer | undefined;
beforeEach(async () => {
  fake = await startFakeAtlassian();
});
afterEach(async () => {
  await server?.close();
  server = undefined;
  await fake.close();
});

const serviceRequests = new Map([['SR-1042', { id: 'SR-1042', title: 'Printer down', description: 'Floor 3', priority: 'HIGH' }]]);
const articles = new Map<string | number, { title: string; content: string }>([[7, { title: 'Reset the VPN', content: '1. open settings' }]]);

function setup(configured: boolean) {
  const cloud = deployments[0]!;
  const saved: [string, string][] = [];
  const calls: AtlassianCallRecord[] = [];
  const options: AtlassianRoutesOptions = {
    ...(configured
      ? {
          jira: { client: jiraFor(fake, cloud), projectKey: 'OPS', recordUrl: (id: string) => `https://itsm.corp/sr/${id}` },
          confluence: { client: confluenceFor(fake, cloud), spaceKey: 'KB' },
        }
      : {}),
    resolveServiceRequest: async (id) => serviceRequests.get(id) ?? null,
    saveJiraKey: async (id, key) => void saved.push([id, key]),
    resolveArticle: async (id) => articles.get(id) ?? null,
    onCall: (record) => void calls.push(record),
  };
  const gateway = createGateway({ keyRing: generateKeyRing(), logger: silentLogger });
  const handler = createHttpHandler(gateway, {
    routes: atlassianRoutes(options),
    authenticate: (request) => (request.headers.authorization === 'Bearer user' ? { id: 'kim', roles: ['AGENT'] } : null),
    logger: silentLogger,
  });
  return { handler, saved, calls };
}

type Call = (method: string, path: string, body?: unknown, authorised?: boolean) => Promise<{ status: number; body: Record<string, unknown> }>;

function direct(handler: HttpHandler): Call {
  return async (method, path, body, authorised = true) => {
    const url = new URL(path, 'http://x');
    const response = await handler.handle({
      method,
      path: `/api/gateway${url.pathname}`,
      query: url.searchParams,
      headers: { ...(authorised ? { authorization: 'Bearer user' } : {}), 'content-type': 'application/json' },
      rawBody: new TextEncoder().encode(body === undefined ? '' : JSON.stringify(body)),
    });
    return { status: response.status, body: JSON.parse(String(response.body)) as Record<string, unknown> };
  };
}

function overHttp(origin: () => string): Call {
  return async (method, path, body, authorised = true) => {
    const response = await fetch(`${origin()}/api/gateway${path}`, {
      method,
      headers: { ...(authorised ? { authorization: 'Bearer user' } : {}), 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
}

const transports: { name: string; connect: (handler: HttpHandler) => Promise<Call> }[] = [
  { name: 'handler.handle', connect: async (handler) => direct(handler) },
  {
    name: 'express',
    connect: async (handler) => {
      server = await listenOnLoopback(express().use(createExpressRouter(handler)));
      const url = server.url;
      return overHttp(() => url);
    },
  },
  {
    name: 'koa',
    connect: async (handler) => {
      const app = new Koa();
      app.silent = true;
      server = await listenOnLoopback(app.use(createKoaRouter(handler).routes()).callback());
      const url = server.url;
      return overHttp(() => url);
    },
  },
];

describe.each(transports)('Atlassian routes through $name', ({ connect }) => {
  it('syncs a service request: 201, key saved, label and remote link set, one issue on a second sync', async () => {
    const { handler, saved, calls } = setup(true);
    const call = await connect(handler);

    const first = await call('POST', '/jira/sync/SR-1042', { description: 'Toner **empty**' });
    expect(first).toEqual({ status: 201, body: { sr_id: 'SR-1042', jira_key: 'OPS-1', jira_url: `${fake.url}/browse/OPS-1`, synced: true } });
    expect(saved).toEqual([['SR-1042', 'OPS-1']]);
    expect(fake.issues[0]).toMatchObject({ summary: 'Printer down', priority: 'High', labels: [serviceRequestLabel('SR-1042')] });
    expect(fake.issues[0]?.remoteLinks.get('portico-sr=SR-1042')).toMatchObject({ object: { url: 'https://itsm.corp/sr/SR-1042' } });

    const again = await call('POST', '/jira/sync/SR-1042');
    expect(again.body.jira_key).toBe('OPS-1');
    expect(fake.issues).toHaveLength(1);
    expect(calls.map((record) => [record.operation, record.ok, record.target, record.result])).toEqual([
      ['jira.sync', true, 'SR-1042', 'OPS-1'],
      ['jira.sync', true, 'SR-1042', 'OPS-1'],
    ]);
  });

  it('answers 404 for an unknown service request, 401 without a principal', async () => {
    const call = await connect(setup(true).handler);

    expect(await call('POST', '/jira/sync/SR-0')).toMatchObject({ status: 404, body: { code: 'NOT_FOUND' } });
    expect((await call('POST', '/jira/sync/SR-1042', undefined, false)).status).toBe(401);
    expect(fake.issues).toHaveLength(0);
  });

  it('refuses unknown body fields by name before calling Atlassian', async () => {
    const call = await connect(setup(true).handler);

    expect(await call('POST', '/jira/sync/SR-1042', { Description: 'Toner' })).toMatchObject({
      status: 400,
      body: { code: 'VALIDATION_FAILED', errors: [{ path: 'Description', message: "Unknown field 'Description'; did you mean 'description'?" }] },
    });
    expect(await call('POST', '/confluence/publish', { kbId: 7 })).toMatchObject({
      status: 400,
      body: {
        errors: [
          { path: 'kb_id', message: 'Required' },
          { path: 'kbId', message: "Unknown field 'kbId'; did you mean 'kb_id'?" },
        ],
      },
    });
    expect(fake.requests).toHaveLength(0);
  });

  it('answers 503 with the remote message, masked, when Jira fails, and records the failure', async () => {
    const { handler, calls } = setup(true);
    const call = await connect(handler);
    fake.faults.push({ method: 'POST', path: '/rest/api/3/search/jql', status: 401, body: `bad token ${CLOUD_TOKEN} Bearer ${CLOUD_TOKEN}` });

    const answer = await call('POST', '/jira/sync/SR-1042');
    expect(answer).toMatchObject({ status: 503, body: { code: 'UPSTREAM_UNAVAILABLE' } });
    expect(String(answer.body.detail)).toMatch(/^Jira answered 401: /);
    expect(JSON.stringify(answer.body)).not.toContain(CLOUD_TOKEN.slice(-12));
    expect(calls[0]).toMatchObject({ operation: 'jira.sync', ok: false, remoteStatus: 401 });
    expect(calls[0]?.error).not.toContain(CLOUD_TOKEN.slice(-12));
  });

  it('reads an issue status by category, 404 for an unknown issue, 400 for a malformed key', async () => {
    const call = await connect(setup(true).handler);
    await call('POST', '/jira/sync/SR-1042');

    expect(await call('GET', '/jira/status/OPS-1')).toEqual({
      status: 200,
      body: { jira_key: 'OPS-1', summary: 'Printer down', status: 'Offen', status_category: 'new', url: `${fake.url}/browse/OPS-1` },
    });
    expect((await call('GET', '/jira/status/OPS-99')).status).toBe(404);
    expect((await call('GET', '/jira/status/..%2Fmyself')).status).toBe(400);
  });

  it('lists projects', async () => {
    const call = await connect(setup(true).handler);
    const answer = await call('GET', '/jira/projects');

    expect(answer.status).toBe(200);
    expect((answer.body.projects as { key: string }[]).map((project) => project.key)).toEqual(['OPS', 'NET', 'SEC', 'HR', 'MIN']);
  });

  it('publishes an article, updating the same page the second time; 404 for an unknown article', async () => {
    const call = await connect(setup(true).handler);

    const first = await call('POST', '/confluence/publish', { kb_id: 7 });
    expect(first).toMatchObject({ status: 200, body: { kb_id: 7, published: true, created: true } });
    expect(String(first.body.confluence_url)).toMatch(new RegExp(`^${fake.url}/wiki/spaces/KB/pages/\\d+/`));
    const second = await call('POST', '/confluence/publish', { kb_id: 7 });
    expect(second.body).toMatchObject({ confluence_url: first.body.confluence_url, created: false });
    expect(fake.pages).toHaveLength(1);

    expect((await call('POST', '/confluence/publish', { kb_id: 8 })).status).toBe(404);
    expect((await call('POST', '/confluence/publish', {})).status).toBe(400);
  });

  it('answers 503 on every route when the connector is not configured', async () => {
    const call = await connect(setup(false).handler);

    for (const [method, path, body] of [
      ['POST', '/jira/sync/SR-1042', undefined],
      ['GET', '/jira/status/OPS-1', undefined],
      ['GET', '/jira/projects', undefined],
      ['POST', '/confluence/publish', { kb_id: 7 }],
    ] as const) {
      const answer = await call(method, path, body);
      expect(answer).toMatchObject({ status: 503, body: { code: 'UPSTREAM_UNAVAILABLE' } });
      expect(String(answer.body.detail)).toMatch(/is not configured/);
    }
    expect(fake.requests).toHaveLength(0);
  });
});

describe('Atlassian routes in the OpenAPI document', () => {
  it('documents the four endpoints with their operation ids', () => {
    const document = setup(true).handler.openapi() as { paths: Record<string, Record<string, { operationId: string }>> };

    expect(document.paths['/api/gateway/jira/sync/{sr_id}']?.post?.operationId).toBe('syncServiceRequestToJira');
    expect(document.paths['/api/gateway/jira/status/{jira_key}']?.get?.operationId).toBe('getJiraIssueStatus');
    expect(document.paths['/api/gateway/jira/projects']?.get?.operationId).toBe('listJiraProjects');
    expect(document.paths['/api/gateway/confluence/publish']?.post?.operationId).toBe('publishArticleToConfluence');
  });
});

describe('integration log', () => {
  it('writes every call to the log and usage of the integration named by intId', async () => {
    const gateway = createGateway({ keyRing: generateKeyRing(), logger: silentLogger });
    const { integration } = await gateway.integrations.create({ name: 'Jira', type: 'TICKETING' }, 'admin');
    const handler = createHttpHandler(gateway, {
      routes: atlassianRoutes({
        jira: { client: jiraFor(fake, deployments[0]!), projectKey: 'OPS', recordUrl: (id: string) => `https://itsm.corp/sr/${id}` },
        intId: integration.id,
        resolveServiceRequest: async (id) => serviceRequests.get(id) ?? null,
        saveJiraKey: async () => undefined,
        resolveArticle: async () => null,
      }),
      authenticate: () => ({ id: 'kim', roles: ['AGENT'] }),
      logger: silentLogger,
    });
    const call = direct(handler);
    expect((await call('POST', '/jira/sync/SR-1042', {})).status).toBe(201);
    const logs = await gateway.logs.query({ intId: integration.id, direction: 'OUT' });
    expect(logs.items[0]).toMatchObject({ event: 'JIRA_SYNC', status: 'OK', payload: { target: 'SR-1042' } });
    expect(JSON.stringify(logs)).not.toContain(CLOUD_TOKEN);
    expect((await gateway.integrations.get(integration.id)).stats).toMatchObject({ successRequests: 1 });
  });
});
