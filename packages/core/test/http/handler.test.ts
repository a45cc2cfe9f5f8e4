import { describe, expect, it } from 'vitest';
import { generateKeyRing } from '../../src/crypto/key-ring';
import { PorticoError } from '../../src/errors';
import { createGateway } from '../../src/gateway';
import { createHttpHandler, type HttpHandlerOptions } from '../../src/http/handler';
import { defineRoute, type HttpRequest, type HttpResponse } from '../../src/http/route';
import { silentLogger, type Logger } from '../../src/logger';

const ADMIN = 'Bearer admin-token';

function setup(options: HttpHandlerOptions = {}) {
  const gateway = createGateway({ keyRing: generateKeyRing(), logger: silentLogger });
  const handler = createHttpHandler(gateway, {
    authenticate: (request) => (request.headers.authorization === ADMIN ? { id: 'admin', roles: ['ADMIN'] } : null),
    logger: silentLogger,
    ...options,
  });
  const call = (method: string, path: string, init: Partial<Omit<HttpRequest, 'method' | 'path'>> & { body?: string } = {}) =>
    handler.handle({
      method,
      path,
      query: init.query ?? new URLSearchParams(),
      headers: init.headers ?? { authorization: ADMIN },
      rawBody: init.rawBody ?? new TextEncoder().encode(init.body ?? ''),
    });
  return { gateway, handler, call };
}

const parsed = (response: HttpResponse) => JSON.parse(String(response.body)) as Record<string, unknown>;

function expectProblem(response: HttpResponse, status: number, code: string) {
  expect(response.status).toBe(status);
  expect(response.headers['content-type']).toBe('application/problem+json; charset=utf-8');
  const problem = parsed(response);
  expect(problem).toMatchObject({ status, code, type: expect.stringMatching(/^urn:portico:error:/), title: expect.any(String), detail: expect.any(String) });
  return problem;
}

/** A logger that keeps what it is told, to check what reaches the operators. */
function recordingLogger() {
  const errors: { message: string; fields?: Record<string, unknown> }[] = [];
  const logger: Logger = { ...silentLogger, error: (message, fields) => errors.push({ message, fields }) };
  return { logger, errors };
}

describe('createHttpHandler: options', () => {
  const gateway = createGateway({ keyRing: generateKeyRing(), logger: silentLogger });

  it('refuses an unknown option by name, hinting at the one it is another spelling of', () => {
    expect(() => createHttpHandler(gateway, { limits: { max_body_bytes: 10 } } as never)).toThrow(
      new TypeError("Invalid createHttpHandler options: Unknown option 'limits.max_body_bytes'; did you mean 'limits.maxBodyBytes'?"),
    );
    expect(() => createHttpHandler(gateway, { Prefix: '/gw' } as never)).toThrow("Unknown option 'Prefix'; did you mean 'prefix'?");
    expect(() => createHttpHandler(gateway, { openapi: { servers: [{ url: '/', desc: 'x' }] } } as never)).toThrow(
      "Unknown option 'openapi.servers.0.desc'",
    );
  });

  it('refuses options of the wrong type, and a missing gateway, naming them', () => {
    expect(() => createHttpHandler(gateway, { authenticate: 'Bearer x' } as never)).toThrow(new TypeError('Invalid createHttpHandler options: authenticate: Must be a function'));
    expect(() => createHttpHandler(gateway, { policy: { ADMIN: '*' } } as never)).toThrow(/^Invalid createHttpHandler options: policy\.ADMIN: /);
    expect(() => createHttpHandler(gateway, { routes: [{ path: '/x' }] } as never)).toThrow('routes.0: Must be a Route (see defineRoute())');
    expect(() => createHttpHandler(gateway, { logger: console } as never)).not.toThrow();
    expect(() => createHttpHandler({ authenticate: () => null } as never)).toThrow(
      new TypeError('Invalid createHttpHandler gateway: (root): Must be a Gateway (see createGateway()), with integrations, receiveWebhook() and logger'),
    );
  });
});

describe('createHttpHandler: prefix', () => {
  it.each([
    ['/api/gateway', '/api/gateway'],
    ['api/gw/', '/api/gw'],
    ['/hooks//', '/hooks'],
    ['/', ''],
    ['', ''],
  ])('normalises %j to %j', (prefix, expected) => {
    expect(setup({ prefix }).handler.prefix).toBe(expected);
  });

  it.each([
    ['/api/gw', true],
    ['/api/gw/', true],
    ['/api/gw/stats', true],
    ['/api/gwx', false],
    ['/api/gwx/stats', false],
    ['/api', false],
    ['/', false],
  ])('owns(%j) is %s under /api/gw', (path, owned) => {
    expect(setup({ prefix: '/api/gw' }).handler.owns(path)).toBe(owned);
  });

  it('owns every path with an empty prefix, and serves from the root', async () => {
    const { handler, call } = setup({ prefix: '/' });
    expect(handler.owns('/anything')).toBe(true);
    expect((await call('GET', '/stats')).status).toBe(200);
  });

  it('answers 404 to a path outside the prefix handed to it anyway', async () => {
    expectProblem(await setup().call('GET', '/elsewhere/stats'), 404, 'NOT_FOUND');
  });
});

describe('createHttpHandler: routing', () => {
  it('answers a 404 problem for an unknown path under the prefix', async () => {
    const { call } = setup();
    expectProblem(await call('GET', '/api/gateway'), 404, 'NOT_FOUND');
    expectProblem(await call('GET', '/api/gateway/nope'), 404, 'NOT_FOUND');
  });

  it('answers 405 with every allowed method in Allow', async () => {
    const response = await setup().call('DELETE', '/api/gateway/integrations');
    expectProblem(response, 405, 'METHOD_NOT_ALLOWED');
    expect(response.headers.allow).toBe('POST, GET');
  });

  it('accepts a trailing slash', async () => {
    expect((await setup().call('GET', '/api/gateway/stats/')).status).toBe(200);
  });

  it('answers HEAD like GET, leaving the body for the adapter to drop', async () => {
    const { call } = setup();
    const [head, get] = [await call('HEAD', '/api/gateway/openapi.json'), await call('GET', '/api/gateway/openapi.json')];
    expect(head.status).toBe(200);
    expect(head.headers).toEqual(get.headers);
  });

  it('answers HEAD on a path without GET with 405', async () => {
    const response = await setup().call('HEAD', '/api/gateway/webhook');
    expectProblem(response, 405, 'METHOD_NOT_ALLOWED');
    expect(response.headers.allow).toBe('POST');
  });

  it('sends JSON answers uncached and unsniffed', async () => {
    const response = await setup().call('GET', '/api/gateway/stats');
    expect(response.headers).toMatchObject({
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    });
  });
});

describe('createHttpHandler: input', () => {
  it('decodes a path parameter exactly once', async () => {
    const problem = expectProblem(await setup().call('GET', '/api/gateway/integrations/GW-%2541'), 404, 'NOT_FOUND');
    expect(problem.detail).toBe("Integration 'GW-%41' not found.");
  });

  it.each(['%E0%A4%A', '%', '%zz'])('answers 400 naming the parameter for the malformed escape %j', async (escape) => {
    const problem = expectProblem(await setup().call('GET', `/api/gateway/integrations/GW-${escape}`), 400, 'VALIDATION_FAILED');
    expect(problem.errors).toEqual([{ path: 'int_id', message: 'Invalid percent-encoding' }]);
  });

  it.each([
    ['not JSON', '{"name":', [{ path: '(body)', message: 'Not valid JSON' }]],
    ['empty', '', [{ path: '(root)', message: expect.any(String) }]],
    ['the wrong fields', '{"name":"","type":"NOPE"}', [{ path: 'name', message: expect.any(String) }, { path: 'type', message: expect.any(String) }]],
  ])('answers 400 listing the fields for a body that is %s', async (_, body, fields) => {
    const problem = expectProblem(await setup().call('POST', '/api/gateway/integrations', { body }), 400, 'VALIDATION_FAILED');
    expect(problem.errors).toEqual(fields);
  });

  it('answers 400 listing the fields of an invalid query', async () => {
    const query = new URLSearchParams({ limit: '0', direction: 'SIDEWAYS' });
    const problem = expectProblem(await setup().call('GET', '/api/gateway/logs', { query }), 400, 'VALIDATION_FAILED');
    expect((problem.errors as { path: string }[]).map((issue) => issue.path).sort()).toEqual(['direction', 'limit']);
  });

  it('answers 413 to a body over the limit, before anything else', async () => {
    const { call } = setup({ limits: { maxBodyBytes: 10 } });
    expectProblem(await call('POST', '/api/gateway/integrations', { body: '{"name":"eleven bytes+"}', headers: {} }), 413, 'PAYLOAD_TOO_LARGE');
    expect((await call('POST', '/api/gateway/integrations', { body: '0123456789', headers: {} })).status).toBe(401);
  });
});

describe('createHttpHandler: access', () => {
  it('answers 401 with WWW-Authenticate to an unknown caller', async () => {
    const response = await setup().call('GET', '/api/gateway/stats', { headers: {} });
    expectProblem(response, 401, 'UNAUTHENTICATED');
    expect(response.headers['www-authenticate']).toBe('Bearer');
  });

  it('answers 401 to every admin route when no authenticate is given', async () => {
    const { call } = setup({ authenticate: undefined });
    expectProblem(await call('GET', '/api/gateway/stats'), 401, 'UNAUTHENTICATED');
  });

  it('grants what a custom policy grants, and nothing more', async () => {
    const { call } = setup({
      authenticate: () => ({ id: 'auditor', roles: ['AUDITOR'] }),
      policy: { AUDITOR: ['logs:read'] },
    });
    expect((await call('GET', '/api/gateway/logs')).status).toBe(200);
    const refused = expectProblem(await call('GET', '/api/gateway/stats'), 403, 'FORBIDDEN');
    expect(refused.detail).toContain("'stats:read'");
  });
});

describe('createHttpHandler: unexpected errors', () => {
  const explode = defineRoute({
    method: 'GET',
    path: '/explode',
    operationId: 'explode',
    summary: 'Fails',
    tags: ['test'],
    access: 'public',
    responses: {},
    errors: [],
    handle: async () => {
      throw new Error('SELECT secret FROM keys WHERE host = 10.0.0.7');
    },
  });

  it('masks an unexpected error as a bare 500 and logs it in full through the logger option', async () => {
    const { logger, errors } = recordingLogger();
    const response = await setup({ routes: [explode], logger }).call('GET', '/api/gateway/explode');
    const problem = expectProblem(response, 500, 'INTERNAL');
    expect(problem.detail).toBe('An unexpected error occurred.');
    expect(String(response.body)).not.toMatch(/SELECT|10\.0\.0\.7/);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.fields).toMatchObject({ operationId: 'explode', error: expect.objectContaining({ message: expect.stringContaining('SELECT') }) });
  });

  it("reports to the gateway's logger when the handler is given none", async () => {
    const { logger, errors } = recordingLogger();
    const handler = createHttpHandler(createGateway({ keyRing: generateKeyRing(), logger }), { routes: [explode] });
    const response = await handler.handle({ method: 'GET', path: '/api/gateway/explode', query: new URLSearchParams(), headers: {}, rawBody: new Uint8Array() });
    expectProblem(response, 500, 'INTERNAL');
    expect(errors.map((entry) => entry.message)).toEqual(['Unexpected error in a Portico route']);
  });

  it("masks and logs an error thrown by the host's authenticate", async () => {
    const { logger, errors } = recordingLogger();
    const authenticate = () => {
      throw new Error('session store down');
    };
    const response = await setup({ authenticate, logger }).call('GET', '/api/gateway/stats');
    expect(expectProblem(response, 500, 'INTERNAL').detail).not.toContain('session store');
    expect(errors[0]?.fields).toMatchObject({ operationId: 'getStats' });
  });

  it('answers errors raised before handle() through errorResponse, logging only the unexpected ones', () => {
    const { logger, errors } = recordingLogger();
    const { handler } = setup({ logger });
    expectProblem(handler.errorResponse(new PorticoError('PAYLOAD_TOO_LARGE', 'The body exceeds 10 bytes.')), 413, 'PAYLOAD_TOO_LARGE');
    expect(errors).toHaveLength(0);
    expectProblem(handler.errorResponse(new RangeError('socket went away')), 500, 'INTERNAL');
    expect(errors).toHaveLength(1);
  });
});

describe('createHttpHandler: rate limits', () => {
  it('adds Retry-After and RateLimit headers to a 429, and RateLimit headers to a 202', async () => {
    const { gateway, call } = setup();
    const { apiKey } = await gateway.integrations.create({ name: 'Tight', type: 'WEBHOOK_IN', rateLimit: 1 }, 'admin');
    const accepted = await call('POST', `/api/gateway/webhook/${apiKey}`, { body: '{}', headers: {} });
    expect(accepted.status).toBe(202);
    expect(accepted.headers).toMatchObject({ 'ratelimit-policy': '"webhook";q=1;w=60', ratelimit: '"webhook";r=0;t=60' });
    const refused = await call('POST', `/api/gateway/webhook/${apiKey}`, { body: '{}', headers: {} });
    expectProblem(refused, 429, 'RATE_LIMITED');
    expect(refused.headers).toMatchObject({ 'retry-after': expect.stringMatching(/^\d+$/), 'ratelimit-policy': '"webhook";q=1;w=60' });
  });
});
