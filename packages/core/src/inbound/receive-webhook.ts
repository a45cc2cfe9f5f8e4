import type { GatewayServices } from '../services';
import { PorticoError } from '../errors';
import { hashApiKey, parseApiKey } from '../keys/api-key';
import type { IntegrationRecord } from '../storage/records';
import type { InboundEvent, WebhookAccepted, WebhookRequest } from './inbound-event';
import { verifySignature } from './signatures/verify';

/** Services the receiver needs. */
export interface ReceiverDeps extends GatewayServices {
  /** Accepted clock skew of Standard Webhooks timestamps, both ways. */
  toleranceSeconds: number;
  emit(event: InboundEvent): void;
}

const RATE_WINDOW_MS = 60_000;
const RAW_PREVIEW_CHARS = 500;
const decoder = new TextDecoder();

function parsePayload(rawBody: Uint8Array): { payload: unknown; event: string } {
  if (rawBody.byteLength === 0) return { payload: {}, event: 'UNKNOWN' };
  const text = decoder.decode(rawBody);
  let payload: unknown;
  try {
    payload = JSON.parse(text);
  } catch {
    // Accepted as the original did: senders of form posts or plain text keep working.
    return { payload: { raw: text.slice(0, RAW_PREVIEW_CHARS) }, event: 'UNKNOWN' };
  }
  const event =
    payload !== null && typeof payload === 'object' && typeof (payload as { event?: unknown }).event === 'string'
      ? (payload as { event: string }).event
      : 'UNKNOWN';
  return { payload, event };
}

/**
 * The inbound path: key → integration (by hash, through the index) → signature → quota →
 * replay memory → log, count, hand to the host. Every refusal is a typed {@link PorticoError}
 * and, once the integration is known, a log entry.
 */
export function createWebhookReceiver(deps: ReceiverDeps) {
  const { storage, rateLimiter, clock, ids, openSealed, log, usage } = deps;
  const toleranceMs = deps.toleranceSeconds * 1000;

  function refuse(record: IntegrationRecord, now: number, event: string, error: PorticoError): PorticoError {
    const rateLimited = error.code === 'RATE_LIMITED';
    log.write({
      intId: record.id,
      direction: 'IN',
      event,
      status: rateLimited ? 'RATE_LIMITED' : 'ERROR',
      error: error.message,
    });
    usage.record(record.id, rateLimited ? 'rate_limited' : 'error', now);
    return error;
  }

  return async function receiveWebhook(request: WebhookRequest): Promise<WebhookAccepted> {
    const now = request.receivedAt ?? clock.now();
    // One answer for malformed, unknown and disabled keys: a caller learns nothing about which.
    const invalidKey = () => new PorticoError('INVALID_API_KEY', 'Invalid webhook key.');
    if (!parseApiKey(request.key)) throw invalidKey();
    const record = await storage.integrations.getByKeyHash(hashApiKey(request.key), now);
    if (!record || record.status === 'INACTIVE') throw invalidKey();

    let messageId: string | null = null;
    let rememberMs = 2 * toleranceMs;
    if (record.sealedSecret !== null && record.signatureScheme !== null) {
      const verdict = verifySignature(record.signatureScheme, {
        secret: openSealed(record.sealedSecret, { recordId: record.id, purpose: 'secret' }),
        headers: request.headers,
        rawBody: request.rawBody,
        nowMs: now,
        toleranceSeconds: deps.toleranceSeconds,
      });
      if (!verdict.ok) {
        throw refuse(
          record,
          now,
          'WEBHOOK_SIGNATURE_FAILED',
          new PorticoError('SIGNATURE_INVALID', `Webhook signature verification failed (${verdict.reason}).`),
        );
      }
      messageId = verdict.messageId;
      // Until its whole-second timestamp leaves the tolerance: from then on the timestamp check
      // refuses the message by itself. Usually about one tolerance, never more than two.
      if (verdict.timestampMs !== null) rememberMs = verdict.timestampMs + toleranceMs + 1_000 - now;
    }

    const quota = await rateLimiter.consume(`webhook:${record.id}`, { limit: record.rateLimit, windowMs: RATE_WINDOW_MS });
    const rateLimit = { limit: record.rateLimit, windowMs: RATE_WINDOW_MS, remaining: quota.remaining, resetMs: quota.resetMs };
    if (!quota.allowed) {
      throw refuse(
        record,
        now,
        'WEBHOOK_RATE_LIMITED',
        new PorticoError('RATE_LIMITED', 'Rate limit exceeded.', { retryAfterMs: quota.retryAfterMs, rateLimit }),
      );
    }

    if (messageId !== null && !(await storage.replay.remember(record.id, messageId, rememberMs, now))) {
      throw refuse(
        record,
        now,
        'WEBHOOK_REPLAYED',
        new PorticoError('WEBHOOK_REPLAYED', 'This webhook-id was already received.'),
      );
    }

    const { payload, event } = parsePayload(request.rawBody);
    const eventId = messageId ?? ids.eventId();
    log.write({ intId: record.id, direction: 'IN', event: `WEBHOOK_${event}`, status: 'OK', payload });
    usage.record(record.id, 'success', now);
    deps.emit({
      id: eventId,
      intId: record.id,
      event,
      payload,
      rawBody: request.rawBody,
      headers: request.headers,
      receivedAt: now,
      test: record.status === 'TEST',
    });
    return { accepted: true, event, intId: record.id, eventId, rateLimit };
  };
}
