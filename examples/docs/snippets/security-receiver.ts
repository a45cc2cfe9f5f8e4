// A receiver of Portico's outbound notifications for docs/security.md: it verifies their
// Standard Webhooks signature with node:crypto alone, as a receiver outside the host would. The
// test points a real gateway's `send` at it on loopback.
// #region verify
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

const TOLERANCE_SECONDS = 300;

/** True when `body` was signed with the integration's `whsec_` secret, less than 5 minutes ago. */
export function verifyNotification(secret: string, headers: IncomingHttpHeaders, body: Buffer, nowMs = Date.now()): boolean {
  const id = headers['webhook-id'];
  const timestamp = headers['webhook-timestamp'];
  const signatures = headers['webhook-signature'];
  if (typeof id !== 'string' || typeof timestamp !== 'string' || typeof signatures !== 'string') return false;
  // An old timestamp is a replay, or a clock off by more than the tolerance.
  if (!/^\d{1,12}$/.test(timestamp) || Math.abs(nowMs / 1000 - Number(timestamp)) > TOLERANCE_SECONDS) return false;
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.`).update(body).digest();
  // A space-separated list of `v1,<base64>`; one match is enough, compared in constant time.
  return signatures.split(' ').some((entry) => {
    const received = Buffer.from(entry.slice(3), 'base64');
    return entry.startsWith('v1,') && received.length === expected.length && timingSafeEqual(received, expected);
  });
}
// #endregion verify

// #region receive
import { createServer } from 'node:http';

const MAX_BODY_BYTES = 1024 * 1024;

/** An HTTP receiver that hands each verified notification to `handle` once. */
export function createReceiver(secret: string, handle: (notification: unknown, id: string) => Promise<void>) {
  // Retries carry the same webhook-id. In production keep the ids in your database, a day or so.
  const handled = new Set<string>();
  return createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of request as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) return void response.writeHead(413).end();
      chunks.push(chunk);
    }
    // The raw bytes: a body parsed and serialised again would no longer match the signature.
    const body = Buffer.concat(chunks);
    if (!verifyNotification(secret, request.headers, body)) return void response.writeHead(401).end();
    const id = String(request.headers['webhook-id']);
    if (!handled.has(id)) {
      try {
        await handle(JSON.parse(body.toString('utf8')), id);
      } catch {
        return void response.writeHead(500).end(); // a 5xx: Portico retries later
      }
      handled.add(id);
    }
    // Any 2xx settles the delivery; a duplicate is acknowledged without being handled twice.
    response.writeHead(204).end();
  });
}
// #endregion receive
