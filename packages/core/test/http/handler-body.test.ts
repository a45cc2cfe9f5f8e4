// When the handler reads a request body, and how many bytes it lets be read at once: the key and
// the caller are checked from the headers, so a refused caller's reader is never called, and the
// budget of bytes in flight refuses with 503 what does not fit, giving its bytes back after each
// request.
import { describe, expect, it } from 'vitest';
import { generateKeyRing } from '../../src/crypto/key-ring';
import { PorticoError } from '../../src/errors';
import { createGateway } from '../../src/gateway';
import { createHttpHandler, type HttpHandlerOptions } from '../../src/http/handler';
import type { BodyReader, HttpResponse } from '../../src/http/route';
import { generateApiKey } from '../../src/keys/api-key';
import { silentLogger } from '../../src/logger';

const ADMIN = 'Bearer admin-token';
const PM = 'Bearer pm-token';

function setup(options: HttpHandlerOptions = {}) {
  const gateway = createGateway({ keyRing: generateKeyRing(), logger: silentLogger });
  const handler = createHttpHandler(gateway, {
    authenticate: (request) => {
      if (request.headers.authorization === ADMIN) return { id: 'admin', roles: ['ADMIN'] };
      return request.headers.authorization === PM ? { id: 'pm', roles: ['PM'] } : null;
    },
    logger: silentLogger,
    ...options,
  });
  /** Calls with a body given as a reader, its length declared as a client would. */
  const post = (path: string, body: Body, headers: Record<string, string> = {}) =>
    handler.handle({
      method: 'POST',
      path: `/api/gateway${path}`,
      query: new URLSearchParams(),
      // A chunked body declares no length.
      headers: 'transfer-encoding' in headers ? headers : { 'content-length': String(body.bytes.byteLength), ...headers },
      rawBody: body.read,
    });
  return { gateway, handler, post };
}

interface Body {
  read: BodyReader;
  bytes: Uint8Array;
  /** The `maxBytes` of each call. */
  calls: number[];
  /** Lets a held reader hand over its bytes. */
  release(): void;
}

/** A reader of `text` that records its calls; a held one answers only once released, as a slow client. */
function body(text = '{"event":"PING"}', { held = false } = {}): Body {
  const bytes = new TextEncoder().encode(text);
  const calls: number[] = [];
  let release = () => {};
  const released = held ? new Promise<void>((resolve) => (release = resolve)) : Promise.resolve();
  return {
    bytes,
    calls,
    release: () => release(),
    read: async (maxBytes) => {
      calls.push(maxBytes);
      await released;
      return bytes;
    },
  };
}

const jsonOf = (response: HttpResponse) => JSON.parse(String(response.body)) as Record<string, unknown>;

/** Waits until `done` holds, for the steps of a request that run before its reader is called. */
async function until(done: () => boolean): Promise<void> {
  await expect.poll(done, { timeout: 2_000, interval: 5 }).toBe(true);
}

describe('createHttpHandler: the key and the caller before the body', () => {
  it('answers 401 to a webhook with a malformed, unknown or INACTIVE key, never calling the reader', async () => {
    const { gateway, post } = setup();
    const inactive = await gateway.integrations.create({ name: 'Off', type: 'WEBHOOK_IN', status: 'INACTIVE' }, 'admin');
    const { apiKey } = await gateway.integrations.create({ name: 'On', type: 'WEBHOOK_IN' }, 'admin');
    const badChecksum = `${apiKey.slice(0, -1)}${apiKey.endsWith('A') ? 'B' : 'A'}`;
    const unknown = generateApiKey().key;
    for (const [path, headers] of [
      [`/webhook/${badChecksum}`, {}],
      ['/webhook/not-a-key', {}],
      [`/webhook/${unknown}`, {}],
      [`/webhook/${inactive.apiKey}`, {}],
      ['/webhook', { 'x-api-key': unknown }],
      ['/webhook', { authorization: `Bearer ${inactive.apiKey}` }],
      ['/webhook', {}],
    ] as const) {
      const refused = body();
      const response = await post(path, refused, headers);
      expect([path, response.status, jsonOf(response).code]).toEqual([path, 401, 'INVALID_API_KEY']);
      expect(refused.calls).toEqual([]);
    }
  });

  it('reads the body of a webhook with a good key once, asking for at most maxBodyBytes', async () => {
    const { gateway, post } = setup({ limits: { maxBodyBytes: 4096 } });
    const { apiKey } = await gateway.integrations.create({ name: 'On', type: 'WEBHOOK_IN' }, 'admin');
    const accepted = body();
    const response = await post(`/webhook/${apiKey}`, accepted);
    expect(response.status).toBe(202);
    expect(jsonOf(response)).toMatchObject({ event: 'PING' });
    expect(accepted.calls).toEqual([4096]);
  });

  it('answers 401 to an admin route without credentials and 403 without the permission, never calling the reader', async () => {
    const { post } = setup();
    const anonymous = body('{"name":"x","type":"WEBHOOK_IN"}');
    expect((await post('/integrations', anonymous)).status).toBe(401);
    const pm = body('{"name":"x","type":"WEBHOOK_IN"}');
    expect((await post('/integrations', pm, { authorization: PM })).status).toBe(403);
    expect([anonymous.calls, pm.calls]).toEqual([[], []]);
    const admin = body('{"name":"x","type":"WEBHOOK_IN"}');
    expect((await post('/integrations', admin, { authorization: ADMIN })).status).toBe(201);
    expect(admin.calls).toHaveLength(1);
  });

  it('never reads the body of a route without one: a GET, or an admin POST that takes none', async () => {
    const { gateway, handler, post } = setup();
    const { integration } = await gateway.integrations.create({ name: 'On', type: 'WEBHOOK_IN' }, 'admin');
    const ignored = body('{"ignored":true}');
    const get = await handler.handle({
      method: 'GET',
      path: '/api/gateway/openapi.json',
      query: new URLSearchParams(),
      headers: { 'content-length': String(ignored.bytes.byteLength) },
      rawBody: ignored.read,
    });
    expect(get.status).toBe(200);
    expect((await post(`/integrations/${integration.id}/rotate-key`, ignored, { authorization: ADMIN })).status).toBe(200);
    expect(ignored.calls).toEqual([]);
  });
});

describe('createHttpHandler: body size', () => {
  it('answers 413 to a declared content-length over maxBodyBytes from the headers, before the caller is known', async () => {
    const { post } = setup({ limits: { maxBodyBytes: 8 } });
    const large = body('{"event":"TOO_LONG"}');
    const response = await post('/webhook/whatever', large);
    expect([response.status, jsonOf(response).code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
    expect(large.calls).toEqual([]);
  });

  it("answers 413 when the reader refuses a chunked body past maxBodyBytes, and gives the budget back", async () => {
    const maxBodyBytes = 16;
    const { gateway, post } = setup({ limits: { maxBodyBytes, maxBytesInFlight: maxBodyBytes } });
    const { apiKey } = await gateway.integrations.create({ name: 'On', type: 'WEBHOOK_IN' }, 'admin');
    const chunked: BodyReader = async (maxBytes) => {
      throw new PorticoError('PAYLOAD_TOO_LARGE', `The body exceeds ${maxBytes} bytes.`);
    };
    const response = await post(`/webhook/${apiKey}`, { ...body(), read: chunked }, { 'transfer-encoding': 'chunked' });
    expect([response.status, jsonOf(response).code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
    expect((await post(`/webhook/${apiKey}`, body('{}'))).status).toBe(202);
  });
});

describe('createHttpHandler: the budget of body bytes in flight', () => {
  it('answers 503 BUSY with Retry-After, unread, to bodies that do not fit, and gives the bytes back after each request', async () => {
    const text = `{"event":"BIG","pad":"${'x'.repeat(976)}"}`;
    expect(text.length).toBe(1000);
    const { gateway, post } = setup({ limits: { maxBodyBytes: 1000, maxBytesInFlight: 2500 } });
    const { apiKey } = await gateway.integrations.create({ name: 'On', type: 'WEBHOOK_IN', rateLimit: 1000 }, 'admin');
    const bodies = Array.from({ length: 6 }, () => body(text, { held: true }));
    const answers = bodies.map((each) => post(`/webhook/${apiKey}`, each));
    const settled: (HttpResponse | undefined)[] = [];
    answers.forEach((answer, i) => void answer.then((response) => (settled[i] = response)));

    // Two bodies of 1000 bytes fit in 2500; the other four are refused without being read.
    await until(() => settled.filter(Boolean).length === 4);
    const busy = settled.filter((response): response is HttpResponse => response !== undefined);
    for (const response of busy) {
      expect([response.status, jsonOf(response).code, response.headers['retry-after']]).toEqual([503, 'BUSY', '2']);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
    const read = bodies.filter((each) => each.calls.length > 0);
    expect(read).toHaveLength(2);
    expect(bodies.filter((each, i) => settled[i] !== undefined && each.calls.length > 0)).toEqual([]);

    for (const each of bodies) each.release();
    expect((await Promise.all(answers)).map((response) => response.status).sort()).toEqual([202, 202, 503, 503, 503, 503]);
    // Everything was given back: two more fit at once again.
    const again = [body(text, { held: true }), body(text, { held: true })];
    const later = again.map((each) => post(`/webhook/${apiKey}`, each));
    await until(() => again.every((each) => each.calls.length === 1));
    for (const each of again) each.release();
    expect((await Promise.all(later)).map((response) => response.status)).toEqual([202, 202]);
  });

  it('gives the bytes back when the request fails after reading: a bad signature, a reader that fails', async () => {
    const { gateway, post } = setup({ limits: { maxBodyBytes: 100, maxBytesInFlight: 100 } });
    const signed = await gateway.integrations.create({ name: 'Signed', type: 'WEBHOOK_IN', signatureScheme: 'standard' }, 'admin');
    const plain = await gateway.integrations.create({ name: 'Plain', type: 'WEBHOOK_IN' }, 'admin');
    expect((await post(`/webhook/${signed.apiKey}`, body('{}'))).status).toBe(403);
    const cut: BodyReader = async () => {
      throw new PorticoError('VALIDATION_FAILED', 'The request body ended before it was complete.');
    };
    expect((await post(`/webhook/${plain.apiKey}`, { ...body('{}'), read: cut })).status).toBe(400);
    expect((await post(`/webhook/${plain.apiKey}`, body('{}'))).status).toBe(202);
  });

  it('reserves maxBodyBytes for a chunked body, whose length is unknown', async () => {
    const { gateway, post } = setup({ limits: { maxBodyBytes: 100, maxBytesInFlight: 150 } });
    const { apiKey } = await gateway.integrations.create({ name: 'On', type: 'WEBHOOK_IN' }, 'admin');
    const holder = body(`{"pad":"${'x'.repeat(50)}"}`, { held: true });
    expect(holder.bytes.byteLength).toBe(60);
    const holding = post(`/webhook/${apiKey}`, holder);
    await until(() => holder.calls.length === 1);
    // 60 + 100 reserved for two bytes sent chunked would pass 150; 60 + 90 declared does not.
    const chunked = body('{}');
    const refused = await post(`/webhook/${apiKey}`, chunked, { 'transfer-encoding': 'chunked' });
    expect([refused.status, chunked.calls]).toEqual([503, []]);
    expect((await post(`/webhook/${apiKey}`, body(`{"pad":"${'x'.repeat(80)}"}`))).status).toBe(202);
    holder.release();
    expect((await holding).status).toBe(202);
    expect((await post(`/webhook/${apiKey}`, chunked, { 'transfer-encoding': 'chunked' })).status).toBe(202);
  });

  it('checks admins and keys before the budget: a full budget still answers 401, and bytes at hand need none', async () => {
    const { gateway, handler, post } = setup({ limits: { maxBodyBytes: 100, maxBytesInFlight: 100 } });
    const { apiKey } = await gateway.integrations.create({ name: 'On', type: 'WEBHOOK_IN' }, 'admin');
    const holder = body('{}', { held: true });
    const holding = post(`/webhook/${apiKey}`, { ...holder, bytes: new Uint8Array(100) });
    await until(() => holder.calls.length === 1);

    expect((await post('/webhook/not-a-key', body())).status).toBe(401);
    expect((await post('/integrations', body('{"name":"x","type":"WEBHOOK_IN"}'))).status).toBe(401);
    const admin = await post('/integrations', body('{"name":"x","type":"WEBHOOK_IN"}'), { authorization: ADMIN });
    expect([admin.status, jsonOf(admin).code]).toEqual([503, 'BUSY']);
    // Bytes an adapter hands over already read (express.raw()) cost nothing more to read.
    const raw = await handler.handle({
      method: 'POST',
      path: `/api/gateway/webhook/${apiKey}`,
      query: new URLSearchParams(),
      headers: {},
      rawBody: new TextEncoder().encode('{"event":"RAW"}'),
    });
    expect(raw.status).toBe(202);

    holder.release();
    expect((await holding).status).toBe(202);
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses maxBytesInFlight %s when the handler is created', (maxBytesInFlight) => {
    expect(() => setup({ limits: { maxBytesInFlight } })).toThrow(RangeError);
  });

  it('refuses a maxBytesInFlight below maxBodyBytes, which no chunked body could ever fit', () => {
    expect(() => setup({ limits: { maxBodyBytes: 2048, maxBytesInFlight: 1024 } })).toThrow(/at least limits\.maxBodyBytes/);
    expect(() => setup({ limits: { maxBodyBytes: 1024, maxBytesInFlight: 1024 } })).not.toThrow();
  });
});
