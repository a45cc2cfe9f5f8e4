import { randomBytes } from 'node:crypto';

/** The admin token every gateway process of a run accepts. */
export const ADMIN_TOKEN = randomBytes(24).toString('base64url');
/** The master key every gateway process of a run seals secrets with: the same across restarts. */
export const MASTER_KEY = randomBytes(32).toString('base64');

/** An answer of the gateway: its status and parsed JSON body, typed by the caller. */
export interface Answer<T> {
  status: number;
  body: T;
}

/**
 * Calls an admin route of the gateway at `base` with a JSON body, as the admin.
 *
 * @example
 * ```ts
 * const { status, body } = await admin<{ total: number }>(base, 'GET', '/integrations');
 * ```
 */
export async function admin<T>(base: string, method: string, path: string, body?: unknown): Promise<Answer<T>> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as T };
}

/**
 * Posts an unsigned webhook with an integration's API key.
 *
 * @example
 * ```ts
 * expect((await webhook(base, apiKey, { event: 'PING' })).status).toBe(202);
 * ```
 */
export async function webhook(base: string, apiKey: string, payload: unknown): Promise<Answer<unknown>> {
  const response = await fetch(`${base}/webhook`, {
    method: 'POST',
    headers: { 'x-api-key': apiKey, 'content-type': 'application/json' },
    body: JSON.stringify(payload),
  });
  return { status: response.status, body: (await response.json()) as unknown };
}

/** The parts of `POST /integrations`' answer the tests use. */
export interface Created {
  int_id: string;
  api_key: string;
}

/** The parts of `POST /send/{int_id}`' answer the tests use. */
export interface Sent {
  sent: boolean;
  status: string;
  delivery_id: string;
}

/**
 * Registers an outbound integration whose endpoint is the loopback receiver on `port`.
 *
 * @example
 * ```ts
 * const { int_id, api_key } = await createReceiverIntegration(base, receiver.port, 1_000);
 * ```
 */
export async function createReceiverIntegration(base: string, port: number, rateLimit: number): Promise<Created> {
  const created = await admin<Created>(base, 'POST', '/integrations', {
    name: `Receiver ${port}`,
    type: 'NOTIFICATION',
    endpoint_url: `http://127.0.0.1:${port}/hook`,
    rate_limit: rateLimit,
  });
  if (created.status !== 201) throw new Error(`creating the integration answered ${created.status}: ${JSON.stringify(created.body)}`);
  return created.body;
}

/**
 * Sends one notification through the gateway at `base`.
 *
 * @example
 * ```ts
 * const { status, body } = await send(base, intId, 7);
 * ```
 */
export function send(base: string, intId: string, index: number): Promise<Answer<Sent>> {
  return admin<Sent>(base, 'POST', `/send/${intId}`, { event: 'RELIABILITY_CHECK', message: `notification #${index}` });
}

/**
 * How many of an integration's deliveries have `status`, from the outbox.
 *
 * @example
 * ```ts
 * expect(await countDeliveries(base, intId, 'pending')).toBe(0);
 * ```
 */
export async function countDeliveries(base: string, intId: string, status: 'pending' | 'delivered' | 'failed'): Promise<number> {
  const answer = await admin<{ total: number }>(base, 'GET', `/deliveries?int_id=${intId}&status=${status}&limit=1`);
  if (answer.status !== 200) throw new Error(`GET /deliveries answered ${answer.status}`);
  return answer.body.total;
}
