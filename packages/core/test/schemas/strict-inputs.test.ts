import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { manualClock } from '../../src/clock';
import { generateKeyRing } from '../../src/crypto/key-ring';
import { PorticoError } from '../../src/errors';
import { createGateway } from '../../src/gateway';
import { gatewayRoutes } from '../../src/http/gateway-routes';
import { createHttpHandler } from '../../src/http/handler';
import type { HttpResponse } from '../../src/http/route';
import { silentLogger } from '../../src/logger';
import { memoryRateLimiter } from '../../src/rate-limit/memory-rate-limiter';
import { checkOptions } from '../../src/schemas/options';
import { parseInput } from '../../src/schemas/parse';
import { memoryStorage } from '../../src/storage/memory-storage';

const T0 = Date.UTC(2026, 11, 2, 15, 30);
const ADMIN = 'Bearer admin-token';

function setup() {
  const clock = manualClock(T0);
  const gateway = createGateway({ clock, keyRing: generateKeyRing(), logger: silentLogger });
  const handler = createHttpHandler(gateway, {
    authenticate: (request) => (request.headers.authorization === ADMIN ? { id: 'admin', roles: ['ADMIN'] } : null),
    logger: silentLogger,
  });
  const call = (method: string, path: string, body?: unknown) => {
    const url = new URL(path, 'http://portico.test');
    return handler.handle({
      method,
      path: `/api/gateway${url.pathname}`,
      query: url.searchParams,
      headers: { authorization: ADMIN },
      rawBody: new TextEncoder().encode(body === undefined ? '' : JSON.stringify(body)),
    });
  };
  return { clock, gateway, call };
}

type Problem = { status: number; code: string; detail: string; errors: { path: string; message: string }[] };
const problemOf = (response: HttpResponse) => JSON.parse(String(response.body)) as Problem;

/** What `attempt` throws. */
function thrownBy(attempt: () => unknown): Error {
  try {
    attempt();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a failure');
}

/** What `attempt` rejects with. */
async function failureOf(attempt: () => Promise<unknown>): Promise<Error> {
  try {
    await attempt();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a failure');
}

describe('the wire refuses unknown fields by name', () => {
  it('answers 400 to POST /integrations with the JS name of a field, pointing to its wire name', async () => {
    const { call } = setup();
    const response = await call('POST', '/integrations', { name: 'Zabbix', type: 'MONITORING', signatureScheme: 'github', rateLimit: 5 });
    expect(response.status).toBe(400);
    const problem = problemOf(response);
    expect(problem.code).toBe('VALIDATION_FAILED');
    expect(problem.errors).toEqual([
      { path: 'signatureScheme', message: "Unknown field 'signatureScheme'; did you mean 'signature_scheme'?" },
      { path: 'rateLimit', message: "Unknown field 'rateLimit'; did you mean 'rate_limit'?" },
    ]);
    expect(problem.detail).toBe(
      "Invalid body: Unknown field 'signatureScheme'; did you mean 'signature_scheme'?; Unknown field 'rateLimit'; did you mean 'rate_limit'?",
    );
  });

  it('hints across letter case, and names a key that resembles nothing without a hint', async () => {
    const { call } = setup();
    const problem = problemOf(await call('POST', '/integrations', { Name: 'Zabbix', type: 'MONITORING', colour: 'red' }));
    expect(problem.errors).toEqual([
      { path: 'name', message: 'Required' },
      { path: 'Name', message: "Unknown field 'Name'; did you mean 'name'?" },
      { path: 'colour', message: "Unknown field 'colour'" },
    ]);
  });

  it('refuses unknown fields of a partial update, and still the secret with its own message', async () => {
    const { call } = setup();
    const created = problemOf(await call('POST', '/integrations', { name: 'x', type: 'REST_API' })) as unknown as { int_id: string };
    const problem = problemOf(await call('PUT', `/integrations/${created.int_id}`, { endpointUrl: null, secret: 'a-new-secret-of-sixteen' }));
    expect(problem.errors.map((error) => error.path)).toEqual(['secret', 'endpointUrl']);
    expect(problem.errors[1]?.message).toBe("Unknown field 'endpointUrl'; did you mean 'endpoint_url'?");
  });

  it('refuses an unknown field of the notification body, though its data stays free', async () => {
    const { call } = setup();
    const problem = problemOf(await call('POST', '/send/GW-00000000', { event: 'X', message: 'm', data: { anything: 1 }, sent_at: 'now' }));
    expect(problem.errors).toEqual([{ path: 'sent_at', message: "Unknown field 'sent_at'" }]);
  });

  it('says Required, with its path, for a missing field, and for a missing body', async () => {
    const { call } = setup();
    const missingName = problemOf(await call('POST', '/integrations', { type: 'MONITORING' }));
    expect(missingName.errors).toEqual([{ path: 'name', message: 'Required' }]);
    expect(missingName.detail).toBe('Invalid body: name: Required');
    expect(problemOf(await call('POST', '/integrations', { name: 'x' })).errors).toEqual([{ path: 'type', message: 'Required' }]);
    expect(problemOf(await call('POST', '/integrations')).errors).toEqual([{ path: '(root)', message: 'Required' }]);
    // A field given with the wrong type keeps zod's message: only absence is "Required".
    expect(problemOf(await call('POST', '/integrations', { name: 42, type: 'MONITORING' })).errors).toEqual([
      { path: 'name', message: 'Invalid input: expected string, received number' },
    ]);
  });

  it('refuses unknown query parameters of GET /logs, GET /integrations and GET /deliveries, keeping cursor and limit', async () => {
    const { call } = setup();
    const logs = await call('GET', '/logs?intId=GW-00000001&limit=10&sort=asc');
    expect(logs.status).toBe(400);
    expect(problemOf(logs).errors).toEqual([
      { path: 'intId', message: "Unknown field 'intId'; did you mean 'int_id'?" },
      { path: 'sort', message: "Unknown field 'sort'" },
    ]);
    expect(problemOf(logs).detail).toMatch(/^Invalid query: /);
    const integrations = await call('GET', '/integrations?typeFilter=TICKETING&ENABLED_ONLY=true');
    expect(problemOf(integrations).errors).toEqual([
      { path: 'typeFilter', message: "Unknown field 'typeFilter'; did you mean 'type_filter'?" },
      { path: 'ENABLED_ONLY', message: "Unknown field 'ENABLED_ONLY'; did you mean 'enabled_only'?" },
    ]);
    expect(problemOf(await call('GET', '/deliveries?state=failed')).errors).toEqual([{ path: 'state', message: "Unknown field 'state'" }]);
    expect((await call('GET', '/logs?int_id=GW-00000001&limit=10')).status).toBe(200);
    expect((await call('GET', '/integrations?type_filter=TICKETING&enabled_only=true&limit=5')).status).toBe(200);
  });

  it('declares every request body and query of the route table strict, so a new route cannot forget it', () => {
    const loose: string[] = [];
    function visit(node: unknown, where: string): void {
      if (Array.isArray(node)) return node.forEach((child, i) => visit(child, `${where}[${i}]`));
      if (node === null || typeof node !== 'object') return;
      const schema = node as Record<string, unknown>;
      if (schema.properties !== undefined && schema.additionalProperties !== false) loose.push(where);
      for (const [key, child] of Object.entries(schema)) visit(child, `${where}.${key}`);
    }
    let checked = 0;
    for (const route of gatewayRoutes) {
      for (const [part, schema] of [['body', route.body], ['query', route.query]] as const) {
        if (!schema) continue;
        checked++;
        visit(z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }), `${route.method} ${route.path} ${part}`);
      }
    }
    expect(checked).toBeGreaterThanOrEqual(9);
    expect(loose).toEqual([]);
  });
});

describe('parseInput on nested objects', () => {
  const schema = z.strictObject({
    retry: z.strictObject({ maxAttempts: z.int(), backoff: z.strictObject({ baseMs: z.int() }).optional() }),
    tags: z.record(z.string(), z.string()),
  });

  it('names an unknown nested key by its dotted path, with the hint under the same parent', () => {
    const error = thrownBy(() =>
      parseInput(schema, { retry: { max_attempts: 3, maxAttempts: 3, backoff: { base_ms: 1, baseMs: 1 } }, tags: { free: 'form' } }, 'policy'),
    ) as PorticoError;
    expect(error).toBeInstanceOf(PorticoError);
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.fields).toEqual([
      { path: 'retry.backoff.base_ms', message: "Unknown field 'retry.backoff.base_ms'; did you mean 'retry.backoff.baseMs'?" },
      { path: 'retry.max_attempts', message: "Unknown field 'retry.max_attempts'; did you mean 'retry.maxAttempts'?" },
    ]);
  });

  it('says Required for a missing nested field', () => {
    expect((thrownBy(() => parseInput(schema, { retry: {}, tags: {} })) as PorticoError).fields).toEqual([{ path: 'retry.maxAttempts', message: 'Required' }]);
  });
});

describe('the JS API refuses unknown and mistyped options by name', () => {
  it('says what a keyRing must be when given something else', () => {
    for (const keyRing of ['abc', { currentKeyId: 'k1' }, { currentKeyId: 'k1', keys: { k1: 'not bytes' } }]) {
      expect(() => createGateway({ keyRing } as never)).toThrow(TypeError);
    }
    expect(() => createGateway({ keyRing: 'abc' } as never)).toThrow(
      'Invalid createGateway options: keyRing: Must be a KeyRing { currentKeyId, keys } (see keyRingFromBase64() and generateKeyRing())',
    );
    expect(() => createGateway({ keyRing: { currentKeyId: 'k1' } } as never)).toThrow('keyRing.keys: Required');
    // The contents are still assertKeyRing's to judge.
    expect(() => createGateway({ keyRing: { currentKeyId: 'k2', keys: generateKeyRing().keys } })).toThrow(/names none of its keys/);
  });

  it('names a misspelt nested option with the option it meant', () => {
    const error = thrownBy(() => createGateway({ logs: { batchsize: 10 } } as never));
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toBe("Invalid createGateway options: Unknown option 'logs.batchsize'; did you mean 'logs.batchSize'?");
  });

  it.each([
    { options: { keyring: generateKeyRing() }, message: "Unknown option 'keyring'; did you mean 'keyRing'?" },
    { options: { usage: { flush_interval_ms: 5 } }, message: "Unknown option 'usage.flush_interval_ms'; did you mean 'usage.flushIntervalMs'?" },
    { options: { delivery: { timeoutMs: '5000' } }, message: 'delivery.timeoutMs: Must be a number' },
    { options: { delivery: { retryScheduleMs: [1000, '5s'] } }, message: 'delivery.retryScheduleMs.1: Must be a number' },
    { options: { handoff: { lease: 1 } }, message: "Unknown option 'handoff.lease'" },
    { options: { egress: { policy: {} } }, message: 'egress.policy: Must be an EgressPolicy (see createEgressPolicy()), with rules' },
    { options: { egress: { tls: { CA: 'pem' } } }, message: "Unknown option 'egress.tls.CA'; did you mean 'egress.tls.ca'?" },
    { options: { egress: { connectTimeoutMs: 5 } }, message: "Unknown option 'egress.connectTimeoutMs'" },
    { options: { storage: { integrations: {} } }, message: 'storage: Must be a Storage, with integrations, logs, usage, replay, outbox, inbox and close()' },
    { options: { rateLimiter: {} }, message: 'rateLimiter: Must be a RateLimiter, with consume()' },
    { options: { clock: { now: T0 } }, message: 'clock: Must be a Clock, with now()' },
    { options: { logger: console.log }, message: 'logger: Must be a Logger, with debug(), info(), warn() and error()' },
    { options: { ids: { integrationId: () => 'GW-1' } }, message: 'ids: Must be an IdGenerator, with integrationId(), logId(), deliveryId() and eventId()' },
    { options: { source: 7 }, message: 'source: Invalid input: expected string, received number' },
  ])('refuses with "$message"', ({ options, message }) => {
    expect(() => createGateway(options as never)).toThrow(TypeError);
    expect(() => createGateway(options as never)).toThrow(message);
  });

  it('takes what a class instance or a host object provides', async () => {
    class Clock {
      now() {
        return T0;
      }
    }
    const gateway = createGateway({ clock: new Clock(), storage: memoryStorage(), rateLimiter: memoryRateLimiter(), logger: silentLogger });
    expect((await gateway.integrations.create({ name: 'x', type: 'REST_API' }, 'a')).integration.createdAt).toBe(new Date(T0).toISOString());
  });

  it('leaves ranges to the RangeErrors of the code that applies them', () => {
    expect(() => createGateway({ keyRing: generateKeyRing(), logger: silentLogger, delivery: { timeoutMs: Number.NaN } })).toThrow(RangeError);
    expect(() => memoryStorage({ maxInboxEvents: 0 })).toThrow(RangeError);
  });

  it('checks memoryStorage and memoryRateLimiter options the same way', () => {
    expect(() => memoryStorage({ maxinboxevents: 5 } as never)).toThrow(
      "Invalid memoryStorage options: Unknown option 'maxinboxevents'; did you mean 'maxInboxEvents'?",
    );
    expect(() => memoryRateLimiter({ max_keys: 5 } as never)).toThrow(
      "Invalid memoryRateLimiter options: Unknown option 'max_keys'; did you mean 'maxKeys'?",
    );
    expect(() => memoryRateLimiter({ clock: () => 0 } as never)).toThrow('clock: Must be a Clock, with now()');
  });

  it('refuses unknown keys of the inputs of send, logs, usage, deliveries and events with VALIDATION_FAILED', async () => {
    const { gateway } = setup();
    const { integration } = await gateway.integrations.create({ name: 'x', type: 'REST_API' }, 'a');
    const refusals = await Promise.all([
      failureOf(() => gateway.send(integration.id, { event: 'E', message: 'm', sent_at: 'now' } as never, 'a')),
      failureOf(() => gateway.logs.query({ int_id: integration.id } as never)),
      failureOf(() => gateway.usage(integration.id, { from: '2026-12-01' } as never)),
      failureOf(() => gateway.deliveries.list({ int_id: integration.id } as never)),
      failureOf(() => gateway.events.list({ Status: 'failed' } as never)),
    ]);
    expect(refusals.map((error) => (error as PorticoError).fields?.map((field) => field.message))).toEqual([
      ["Unknown field 'sent_at'"],
      ["Unknown field 'int_id'; did you mean 'intId'?"],
      ["Unknown field 'from'"],
      ["Unknown field 'int_id'; did you mean 'intId'?"],
      ["Unknown field 'Status'; did you mean 'status'?"],
    ]);
    expect(refusals.every((error) => error instanceof PorticoError && error.code === 'VALIDATION_FAILED')).toBe(true);
  });
});

describe('usage ranges', () => {
  it('default to the last 24 hours on the wire, as in the JS API', async () => {
    const { gateway, call } = setup();
    const { integration } = await gateway.integrations.create({ name: 'x', type: 'REST_API' }, 'a');
    gateway.recordCall({ intId: integration.id, direction: 'OUT', event: 'CALL', status: 'OK' });
    const series = await gateway.usage(integration.id);
    expect(series.points).toHaveLength(25);
    const answer = await call('GET', `/integrations/${integration.id}/usage`);
    expect(answer.status).toBe(200);
    const body = JSON.parse(String(answer.body)) as { bucket: string; points: { start: string; total: number }[] };
    expect(body.bucket).toBe('hour');
    expect(body.points.map((point) => point.start)).toEqual(series.points.map((point) => new Date(point.startMs).toISOString()));
    expect(body.points.at(-1)?.total).toBe(1);
  });

  it('take plain dates, meaning 00:00 UTC, as well as ISO times on the wire', async () => {
    const { gateway, call } = setup();
    const { integration } = await gateway.integrations.create({ name: 'x', type: 'REST_API' }, 'a');
    const days = await call('GET', `/integrations/${integration.id}/usage?from=2026-11-29&to=2026-12-02&bucket=day`);
    expect(days.status).toBe(200);
    const starts = (JSON.parse(String(days.body)) as { points: { start: string }[] }).points.map((point) => point.start);
    expect(starts).toEqual(['2026-11-29T00:00:00.000Z', '2026-11-30T00:00:00.000Z', '2026-12-01T00:00:00.000Z']);
    const mixed = await call('GET', `/integrations/${integration.id}/usage?from=2026-12-02&to=2026-12-02T03:00:00%2B01:00`);
    expect((JSON.parse(String(mixed.body)) as { points: unknown[] }).points).toHaveLength(2);
    const since = await call('GET', `/integrations/${integration.id}/usage?from=2026-12-02&bucket=hour`);
    expect((JSON.parse(String(since.body)) as { points: unknown[] }).points).toHaveLength(16);
  });

  it('refuses a malformed or reversed range with the field named', async () => {
    const { gateway, call } = setup();
    const { integration } = await gateway.integrations.create({ name: 'x', type: 'REST_API' }, 'a');
    const path = `/integrations/${integration.id}/usage`;
    expect(problemOf(await call('GET', `${path}?from=2026-13-01`)).errors.map((error) => error.path)).toEqual(['from']);
    expect(problemOf(await call('GET', `${path}?from=2026-12-01T00:00:00`)).errors.map((error) => error.path)).toEqual(['from']);
    expect(problemOf(await call('GET', `${path}?from=2026-12-02&to=2026-12-01`)).errors).toEqual([{ path: 'to', message: '`from` must be before `to`' }]);
    expect(problemOf(await call('GET', `${path}?from=2026-12-03`)).errors).toEqual([
      { path: 'fromMs', message: 'Must be before now when `toMs` is not given' },
    ]);
    expect(problemOf(await call('GET', `${path}?From=2026-12-01`)).errors).toEqual([{ path: 'From', message: "Unknown field 'From'; did you mean 'from'?" }]);
  });
});

describe('checkOptions', () => {
  it('passes a valid value and throws one TypeError listing every problem', () => {
    const schema = z.strictObject({ size: z.number().optional(), name: z.string().optional() });
    expect(() => checkOptions(schema, { size: 1 }, 'widget options')).not.toThrow();
    expect(() => checkOptions(schema, { Size: 1, name: 2 }, 'widget options')).toThrow(
      "Invalid widget options: name: Invalid input: expected string, received number; Unknown option 'Size'; did you mean 'size'?",
    );
  });
});
