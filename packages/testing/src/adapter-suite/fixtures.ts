import { createHmac, randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { expect } from 'vitest';
import type { AdapterClient, Reply } from './client';

/** What registering an integration through the API gave. */
export interface Registered {
  intId: string;
  apiKey: string;
  /** The signing secret Portico generated, when a scheme was asked for. */
  secret?: string;
}

/**
 * Registers an integration as the admin and checks the 201 answer.
 *
 * @example
 * ```ts
 * const { apiKey, secret } = await register(client, { signature_scheme: 'standard' });
 * ```
 */
export async function register(client: AdapterClient, fields: Record<string, unknown> = {}): Promise<Registered> {
  const reply = await client.api('POST', '/integrations', {
    token: 'admin-token',
    json: { name: `suite-${randomUUID()}`, type: 'WEBHOOK_IN', ...fields },
  });
  expect(reply.status, reply.text).toBe(201);
  const created = reply.json<{ int_id: string; api_key: string; secret?: string }>();
  return { intId: created.int_id, apiKey: created.api_key, secret: created.secret };
}

/**
 * Standard Webhooks headers for a text body, made by the public `standardwebhooks` package.
 *
 * @example
 * ```ts
 * const headers = standardHeaders(secret, '{"event":"PING"}');
 * ```
 */
export function standardHeaders(secret: string, body: string, id = `msg_${randomUUID()}`): Record<string, string> {
  const at = new Date();
  return {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign(id, at, body),
  };
}

/**
 * Standard Webhooks headers for any bytes, computed as the specification says: the package
 * above turns a Buffer into text first, which changes bytes that are not UTF-8.
 *
 * @example
 * ```ts
 * const headers = standardHeadersForBytes(secret, new Uint8Array([0xff, 0x00]));
 * ```
 */
export function standardHeadersForBytes(secret: string, body: Uint8Array, id = `msg_${randomUUID()}`): Record<string, string> {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const signature = createHmac('sha256', key).update(`${id}.${timestamp}.`).update(body).digest('base64');
  return { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': `v1,${signature}` };
}

/**
 * Checks an RFC 9457 problem answer: status, media type, the five members and the code.
 *
 * @example
 * ```ts
 * expectProblem(await client.api('GET', '/nowhere'), 404, 'NOT_FOUND');
 * ```
 */
export function expectProblem(reply: Reply, status: number, code: string): Record<string, unknown> {
  expect(reply.status, reply.text).toBe(status);
  expect(reply.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const problem = reply.json();
  expect(problem).toMatchObject({ status, code, type: expect.any(String), title: expect.any(String), detail: expect.any(String) });
  return problem;
}
