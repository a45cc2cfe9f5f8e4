import { describe, expect, it } from 'vitest';
import type { AdapterClient, Reply } from './client';
import { expectProblem, register, standardHeaders, standardHeadersForBytes } from './fixtures';

// Valid JSON that no serialiser would write: odd spacing, keys out of order, a `\u00e9` escape
// and a trailing newline. A signature over it verifies only if the adapter hands over the bytes.
const NON_CANONICAL = '{ "event" : "caf\\u00e9",\n  "z":1 ,"a":[ 1,2 ] }\n';

const expectRateLimitHeaders = (reply: Reply, limit: number) => {
  expect(reply.headers.get('ratelimit-policy')).toBe(`"webhook";q=${limit};w=60`);
  expect(reply.headers.get('ratelimit')).toMatch(/^"webhook";r=\d+;t=\d+$/);
};

/**
 * Inbound webhooks through the adapter: the three ways to present the key, signatures over the
 * exact bytes, replay, rate limiting, and the key kept out of every answer and of the log.
 *
 * @example
 * ```ts
 * webhookTests(() => client);
 * ```
 */
export function webhookTests(client: () => AdapterClient): void {
  describe('webhooks', () => {
    it.each([
      ['in the path', (key: string) => ({ path: `/webhook/${key}`, headers: {} })],
      ['as Authorization: Bearer', (key: string) => ({ path: '/webhook', headers: { authorization: `Bearer ${key}` } })],
      ['as X-Api-Key', (key: string) => ({ path: '/webhook', headers: { 'x-api-key': key } })],
    ])('accepts the key %s with 202 and RateLimit headers', async (_, place) => {
      const { intId, apiKey } = await register(client(), { rate_limit: 30 });
      const { path, headers } = place(apiKey);
      const reply = await client().api('POST', path, { body: '{"event":"PING"}', headers: { 'content-type': 'application/json', ...headers } });
      expect(reply.status, reply.text).toBe(202);
      expect(reply.json()).toMatchObject({ accepted: true, event: 'PING', int_id: intId });
      expectRateLimitHeaders(reply, 30);
    });

    it('keeps an accepted webhook in the inbox: listed and shown by GET /events with its payload masked', async () => {
      const { intId, apiKey } = await register(client());
      const body = '{"event":"LOGIN","user":"kim","password":"hunter2"}';
      const reply = await client().api('POST', '/webhook', { body, headers: { 'content-type': 'application/json', 'x-api-key': apiKey } });
      expect(reply.status, reply.text).toBe(202);
      const eventId = reply.json<{ event_id: string }>().event_id;
      expect(eventId).toMatch(/^evt_/);

      const admin = { token: 'admin-token' } as const;
      const listed = await client().api('GET', `/events?int_id=${intId}`, admin);
      expect(listed.status, listed.text).toBe(200);
      expect(listed.json()).toMatchObject({ total: 1, events: [{ event_id: eventId, int_id: intId, event: 'LOGIN' }] });
      const shown = await client().api('GET', `/events/${eventId}`, admin);
      expect(shown.status, shown.text).toBe(200);
      expect(shown.json()).toMatchObject({ event_id: eventId, payload: { event: 'LOGIN', user: 'kim', password: '***' } });
      expect(shown.text).not.toContain(apiKey);
      expect(shown.text).not.toContain('hunter2');
    });

    it('answers 401 for an unknown key, wherever it is', async () => {
      const { apiKey } = await register(client());
      const wrong = `${apiKey.slice(0, -1)}${apiKey.endsWith('A') ? 'B' : 'A'}`;
      for (const [path, headers] of [
        [`/webhook/${wrong}`, {}],
        ['/webhook', { authorization: `Bearer ${wrong}` }],
        ['/webhook', { 'x-api-key': wrong }],
        ['/webhook', {}],
      ] as const) {
        const reply = await client().api('POST', path, { body: '{}', headers });
        expect(expectProblem(reply, 401, 'INVALID_API_KEY').detail).not.toContain(wrong);
      }
    });

    it('verifies a Standard Webhooks signature over non-canonical JSON bytes (202), and refuses one flipped byte (403)', async () => {
      const { apiKey, secret } = await register(client(), { signature_scheme: 'standard' });
      if (secret === undefined) throw new Error('Portico generates a secret when a scheme is asked for without one');
      const headers = { 'content-type': 'application/json', 'x-api-key': apiKey, ...standardHeaders(secret, NON_CANONICAL) };

      const accepted = await client().api('POST', '/webhook', { body: NON_CANONICAL, headers });
      expect(accepted.status, accepted.text).toBe(202);
      expect(accepted.json().event).toBe('café');

      const flipped = new TextEncoder().encode(NON_CANONICAL);
      flipped[3] = (flipped[3] ?? 0) ^ 0x01;
      const refused = await client().api('POST', '/webhook', { body: flipped, headers: { ...headers, ...standardHeaders(secret, NON_CANONICAL) } });
      expectProblem(refused, 403, 'SIGNATURE_INVALID');
    });

    it('verifies a signature over bytes that are not UTF-8', async () => {
      const { apiKey, secret } = await register(client(), { signature_scheme: 'standard' });
      const body = new Uint8Array([0xff, 0xfe, 0x00, 0xe9, 0x0d, 0x0a, 0x80]);
      const reply = await client().api('POST', `/webhook/${apiKey}`, {
        body,
        headers: { 'content-type': 'application/octet-stream', ...standardHeadersForBytes(secret ?? '', body) },
      });
      expect(reply.status, reply.text).toBe(202);
    });

    it('answers 409 to a replayed webhook-id', async () => {
      const { apiKey, secret } = await register(client(), { signature_scheme: 'standard' });
      const headers = { 'x-api-key': apiKey, ...standardHeaders(secret ?? '', NON_CANONICAL) };
      expect((await client().api('POST', '/webhook', { body: NON_CANONICAL, headers })).status).toBe(202);
      expectProblem(await client().api('POST', '/webhook', { body: NON_CANONICAL, headers }), 409, 'WEBHOOK_REPLAYED');
    });

    it('answers 429 with Retry-After, RateLimit-Policy and RateLimit past the quota', async () => {
      const { apiKey } = await register(client(), { rate_limit: 2 });
      const send = () => client().api('POST', `/webhook/${apiKey}`, { body: '{}' });
      expect([(await send()).status, (await send()).status]).toEqual([202, 202]);
      const refused = await send();
      expectProblem(refused, 429, 'RATE_LIMITED');
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expectRateLimitHeaders(refused, 2);
      expect(refused.headers.get('ratelimit')).toMatch(/;r=0;/);
    });

    it('never shows the key in an answer or in the log', async () => {
      const plain = await register(client());
      const signed = await register(client(), { signature_scheme: 'standard' });
      const body = '{"event":"LEAK_CHECK"}';
      const answers = [
        await client().api('POST', `/webhook/${plain.apiKey}`, { body }),
        await client().api('POST', '/webhook', { body, headers: { authorization: `Bearer ${plain.apiKey}` } }),
        await client().api('POST', '/webhook', { body, headers: { 'x-api-key': plain.apiKey } }),
        await client().api('POST', `/webhook/${signed.apiKey}`, { body }),
        await client().api('GET', `/webhook/${plain.apiKey}`),
        await client().api('GET', `/logs?int_id=${plain.intId}`, { token: 'admin-token' }),
        await client().api('GET', `/logs?int_id=${signed.intId}`, { token: 'admin-token' }),
        await client().api('GET', `/integrations/${plain.intId}`, { token: 'admin-token' }),
        await client().api('GET', '/stats', { token: 'admin-token' }),
      ];
      expect(answers.map((answer) => answer.status)).toEqual([202, 202, 202, 403, 405, 200, 200, 200, 200]);
      expect(answers[5]?.json<{ total: number }>().total).toBeGreaterThanOrEqual(3);
      expect(answers[6]?.json<{ total: number }>().total).toBeGreaterThanOrEqual(1);
      for (const answer of answers) {
        for (const key of [plain.apiKey, signed.apiKey]) {
          expect(answer.text).not.toContain(key);
          for (const [, value] of answer.headers) expect(value).not.toContain(key);
        }
      }
    });
  });
}
