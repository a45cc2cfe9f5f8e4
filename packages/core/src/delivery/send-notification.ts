import type { Clock } from '../clock';
import { PorticoError } from '../errors';
import type { IdGenerator } from '../ids';
import type { LogWriter } from '../logs/log-writer';
import type { RateLimiter } from '../rate-limit/rate-limiter';
import { parseInput } from '../schemas/parse';
import type { DeliveryRecord, DeliveryStatus } from '../storage/records';
import type { Storage } from '../storage/storage';
import type { UsageRecorder } from '../usage/usage-recorder';
import type { Dispatcher } from '../queue/dispatcher';
import type { AttemptDelivery } from './attempt-delivery';
import { notificationBody, notificationInputSchema, type NotificationInput } from './notification';

/** What `gateway.send` answers: the outcome of the first attempt. */
export interface SendResult {
  /** True when the receiver took the notification on this first attempt (2xx). */
  sent: boolean;
  /** The receiver's HTTP status, or null when no answer came. */
  statusCode: number | null;
  intId: string;
  /** The outbox id, also sent as `webhook-id`. */
  deliveryId: string;
  /** `delivered`, `pending` (it will be retried) or `failed` (it will not). */
  status: DeliveryStatus;
  /** Why the first attempt failed; absent when it succeeded. */
  error?: string;
}

/** Queues a notification and attempts it at once. */
export type SendNotification = (intId: string, input: NotificationInput, actor: string) => Promise<SendResult>;

/** Services `send` needs. */
export interface SenderDeps {
  storage: Storage;
  rateLimiter: RateLimiter;
  clock: Clock;
  ids: IdGenerator;
  log: LogWriter;
  usage: UsageRecorder;
  dispatcher: Dispatcher;
  attempt: AttemptDelivery;
  /** The `source` field of every body. */
  source: string;
  leaseMs: number;
}

const RATE_WINDOW_MS = 60_000;

/**
 * Creates `send`: checks the integration and its quota (`send:<id>`, the integration's rate
 * limit per minute), writes the delivery to the outbox already leased by this gateway's
 * dispatcher (so a crash right after still leaves it to be retried, and no other dispatcher
 * takes it meanwhile), then makes the first attempt.
 *
 * @example
 * ```ts
 * const send = createSender({ storage, rateLimiter, clock, ids, log, usage, dispatcher, attempt, source: 'portico', leaseMs: 60_000 });
 * await send('GW-1A2B3C4D', { event: 'TICKET_CREATED', message: 'SR-1042 opened' }, 'pm-kim');
 * ```
 */
export function createSender(deps: SenderDeps): SendNotification {
  const { storage, rateLimiter, clock, ids, log, usage, dispatcher, attempt: attemptDelivery } = deps;

  return async function send(intId, rawInput, actor) {
    const input = parseInput(notificationInputSchema, rawInput, 'notification');
    const integration = await storage.integrations.get(intId);
    if (integration === null) throw new PorticoError('NOT_FOUND', `Integration '${intId}' not found.`);
    if (integration.status === 'INACTIVE') throw new PorticoError('INTEGRATION_DISABLED', `Integration '${intId}' is disabled.`);
    if (integration.endpointUrl === null) throw new PorticoError('NO_ENDPOINT', `Integration '${intId}' has no endpoint_url.`);

    const nowMs = clock.now();
    const quota = await rateLimiter.consume(`send:${intId}`, { limit: integration.rateLimit, windowMs: RATE_WINDOW_MS });
    if (!quota.allowed) {
      const payload = { event: input.event, by: actor };
      log.write({ intId, direction: 'OUT', event: 'SEND_RATE_LIMITED', status: 'RATE_LIMITED', payload });
      usage.record(intId, 'rate_limited', nowMs);
      const { remaining, resetMs } = quota;
      throw new PorticoError('RATE_LIMITED', 'Send rate limit exceeded.', {
        retryAfterMs: quota.retryAfterMs,
        rateLimit: { limit: integration.rateLimit, windowMs: RATE_WINDOW_MS, remaining, resetMs, policy: 'send' },
      });
    }

    const delivery: DeliveryRecord = {
      id: ids.deliveryId(),
      intId,
      event: input.event,
      body: notificationBody(input, deps.source, nowMs),
      status: 'pending',
      attempts: [],
      nextAttemptAt: nowMs,
      leaseOwner: dispatcher.owner,
      leaseExpiresAt: nowMs + deps.leaseMs,
      createdAt: nowMs,
      updatedAt: nowMs,
    };
    await storage.outbox.enqueue(delivery);
    const { delivery: after, attempt } = await dispatcher.run(() => attemptDelivery(delivery, dispatcher.owner, actor));
    return {
      sent: after.status === 'delivered',
      statusCode: attempt.statusCode,
      intId,
      deliveryId: delivery.id,
      status: after.status,
      ...(attempt.error !== '' && { error: attempt.error }),
    };
  };
}
