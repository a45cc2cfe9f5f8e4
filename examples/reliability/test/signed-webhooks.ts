import { createHmac, randomBytes } from 'node:crypto';

/** What a signed webhook got: its status, and the event id of a 202. */
export interface Delivered {
  status: number;
  eventId: string | null;
}

/**
 * Posts a Standard Webhooks request (HMAC-SHA256 over `id.timestamp.body` keyed with the bytes
 * of the secret's base64 part) with a fresh `webhook-id`. A connection the gateway dropped (it
 * was killed) answers status 0.
 *
 * @example
 * ```ts
 * const { status, eventId } = await signedWebhook(base, created.api_key, created.secret, { event: 'LOAD', n: 1 });
 * ```
 */
export async function signedWebhook(base: string, apiKey: string, secret: string, payload: unknown): Promise<Delivered> {
  const body = JSON.stringify(payload);
  const id = `msg_${randomBytes(12).toString('base64url')}`;
  const timestamp = String(Math.floor(Date.now() / 1000));
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  const signature = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64');
  try {
    const response = await fetch(`${base}/webhook`, {
      method: 'POST',
      headers: {
        'x-api-key': apiKey,
        'content-type': 'application/json',
        'webhook-id': id,
        'webhook-timestamp': timestamp,
        'webhook-signature': `v1,${signature}`,
      },
      body,
    });
    const answer = (await response.json()) as { event_id?: string };
    return { status: response.status, eventId: response.status === 202 ? (answer.event_id ?? null) : null };
  } catch {
    return { status: 0, eventId: null };
  }
}

/**
 * Reads every page of a listing route (`/events`, `/logs`) whose answer keeps its items under `key`.
 *
 * @example
 * ```ts
 * const events = await allPages(base, `/events?int_id=${intId}`, 'events', admin);
 * ```
 */
export async function allPages<T>(
  path: string,
  key: string,
  get: (path: string) => Promise<{ status: number; body: Record<string, unknown> }>,
  maxPages = 50,
): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = '';
  for (let page = 0; page < maxPages && cursor !== null; page++) {
    const separator = path.includes('?') ? '&' : '?';
    const answer = await get(`${path}${separator}limit=500${cursor === '' ? '' : `&cursor=${encodeURIComponent(cursor)}`}`);
    if (answer.status !== 200) throw new Error(`GET ${path} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    items.push(...(answer.body[key] as T[]));
    cursor = answer.body.next_cursor as string | null;
  }
  return items;
}
