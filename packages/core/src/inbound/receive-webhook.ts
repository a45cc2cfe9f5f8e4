import type { GatewayServices } from '../services';
import { PorticoError } from '../errors';
import { hashApiKey, parseApiKey } from '../keys/api-key';
import type { InboxRecord, IntegrationRecord } from '../storage/records';
import type { Handoff } from './handoff';
import type { WebhookAccepted, WebhookRequest } from './inbound-event';
import { keptHeaders, sealInboxRequest } from './inbox-request';
import { parsePayload } from './payload';
import type { SignatureInput, SignatureResult } from './signatures/types';
import { verifySignature } from './signatures/verify';

/** Services the receiver needs. */
export interface ReceiverDeps extends Pick<GatewayServices, 'storage' | 'rateLimiter' | 'clock' | 'ids' | 'keyRing' | 'openSealed' | 'log' | 'usage'> {
  /** Accepted clock skew of Standard Webhooks timestamps, both ways. */
  toleranceSeconds: number;
  handoff: Pick<Handoff, 'reserve' | 'handOffNow' | 'dispatcher'>;
  /** How long a hand-off lease lasts, for events stored already leased. */
  leaseMs: number;
}

const RATE_WINDOW_MS = 60_000;

/**
 * The inbound path: key → integration (by hash, through the index) → body → signature → replay
 * memory → quota → the inbox, then the host's handler. The key is checked before the body is
 * read, and a replayed copy is refused before it spends quota, so neither a caller without a
 * key nor one replaying a captured request can spend memory or the real sender's quota. A
 * webhook is answered only once its event, replay id, log entry and usage count are committed
 * together. Every refusal is a typed {@link PorticoError} and, once the integration is known, a
 * log entry (batched).
 */
export function createWebhookReceiver(deps: ReceiverDeps) {
  const { storage, rateLimiter, clock, ids, keyRing, openSealed, log, usage, handoff } = deps;
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

  /*
   * The secret a rotation replaced, under its own scheme, while its grace period lasts. Tried
   * only once the current secret failed, so the usual webhook costs nothing more. Its acceptance,
   * or undefined: a refusal reports the current secret's reason.
   */
  function verifyWithPrevious(record: IntegrationRecord, input: SignatureInput): SignatureResult | undefined {
    const { previousSealedSecret, previousSignatureScheme, previousSecretExpiresAt } = record;
    if (previousSealedSecret === null || previousSignatureScheme === null || !((previousSecretExpiresAt ?? 0) > input.nowMs)) return undefined;
    const secret = openSealed(previousSealedSecret, { recordId: record.id, purpose: 'previous-secret' });
    const verdict = verifySignature(previousSignatureScheme, { ...input, secret });
    return verdict.ok ? verdict : undefined;
  }

  const replayed = (record: IntegrationRecord, now: number) =>
    refuse(record, now, 'WEBHOOK_REPLAYED', new PorticoError('WEBHOOK_REPLAYED', 'This webhook-id was already received.'));

  return async function receiveWebhook(request: WebhookRequest): Promise<WebhookAccepted> {
    const now = request.receivedAt ?? clock.now();
    // One answer for malformed, unknown and disabled keys: a caller learns nothing about which.
    const invalidKey = () => new PorticoError('INVALID_API_KEY', 'Invalid webhook key.');
    if (!parseApiKey(request.key)) throw invalidKey();
    const record = await storage.integrations.getByKeyHash(hashApiKey(request.key), now);
    if (!record || record.status === 'INACTIVE') throw invalidKey();
    const rawBody = typeof request.rawBody === 'function' ? await request.rawBody() : request.rawBody;

    let messageId: string | null = null;
    let rememberMs = 2 * toleranceMs;
    if (record.sealedSecret !== null && record.signatureScheme !== null) {
      const input = {
        secret: openSealed(record.sealedSecret, { recordId: record.id, purpose: 'secret' }),
        headers: request.headers,
        rawBody,
        nowMs: now,
        toleranceSeconds: deps.toleranceSeconds,
      };
      let verdict = verifySignature(record.signatureScheme, input);
      if (!verdict.ok) verdict = verifyWithPrevious(record, input) ?? verdict;
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
    if (messageId !== null && (await storage.replay.seen(record.id, messageId, now))) throw replayed(record, now);

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

    const parsed = parsePayload(rawBody);
    const eventId = ids.eventId();
    const leased = handoff.reserve();
    const event: InboxRecord = {
      id: eventId,
      intId: record.id,
      messageId,
      event: parsed.event,
      sealedRequest: sealInboxRequest(keyRing, eventId, { headers: request.headers, rawBody }),
      test: record.status === 'TEST',
      status: 'pending',
      attempts: [],
      nextAttemptAt: now,
      leaseOwner: leased ? handoff.dispatcher.owner : null,
      leaseExpiresAt: leased ? now + deps.leaseMs : null,
      receivedAt: now,
      updatedAt: now,
    };
    const entry = log.entry({ intId: record.id, direction: 'IN', event: `WEBHOOK_${parsed.event}`, status: 'OK', payload: parsed.payload });
    let fresh: boolean;
    try {
      fresh = await storage.inbox.accept({ event, replayTtlMs: messageId === null ? null : rememberMs, log: entry });
    } catch (error) {
      if (leased) handoff.dispatcher.release();
      throw error;
    }
    // Retention of the log and the usage rows runs when their writers flush: arrange one, as a write would.
    log.schedule();
    usage.schedule();
    if (!fresh) {
      // A copy that passed the check above while this one was on its way: one of them got in.
      if (leased) handoff.dispatcher.release();
      throw replayed(record, now);
    }
    if (leased) handoff.handOffNow(event, { ...parsed, rawBody, headers: keptHeaders(request.headers) });
    return { accepted: true, event: parsed.event, intId: record.id, eventId, rateLimit };
  };
}
