// A Node.js sender of Standard Webhooks signed webhooks for docs/security.md: node:crypto and
// fetch only, nothing from Portico, as a sender outside the host would write it. The test sends
// through a real gateway on loopback.
// #region sign
import { createHmac, randomUUID } from 'node:crypto';

/** The three headers that sign `body` with a `whsec_` secret (Standard Webhooks). */
export function signWebhook(options: { secret: string; body: string; id?: string; timestampSeconds?: number }) {
  const { secret, body, id = `msg_${randomUUID()}`, timestampSeconds = Math.floor(Date.now() / 1000) } = options;
  // The HMAC key is the base64 after `whsec_`, decoded: not the text of the secret.
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const timestamp = String(timestampSeconds);
  const signature = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64');
  return { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': `v1,${signature}` };
}
// #endregion sign

// #region send
/**
 * Sends one event. Pass the `id` of an earlier attempt when retrying, so that Portico can tell a
 * retry from a new event: an id it already accepted is answered 409 `WEBHOOK_REPLAYED`.
 */
export async function sendWebhook(options: { url: string; apiKey: string; secret: string; event: object; id?: string }) {
  // Serialise once and send those very bytes: the signature covers them, not the object.
  const body = JSON.stringify(options.event);
  const response = await fetch(options.url, {
    method: 'POST',
    headers: {
      // In a header, not in the URL: URLs end up in access logs.
      authorization: `Bearer ${options.apiKey}`,
      'content-type': 'application/json',
      ...signWebhook({ secret: options.secret, body, ...(options.id !== undefined && { id: options.id }) }),
    },
    body,
  });
  // 202 `{ accepted, event, int_id, event_id }`, or an RFC 9457 problem with a `code`.
  return { status: response.status, answer: (await response.json()) as Record<string, unknown> };
}
// #endregion send
