import type { Clock } from '../clock';
import type { SecretOpener } from '../crypto/cached-opener';
import type { EgressClient } from '../egress/egress-client';
import { isPorticoError } from '../errors';
import type { Logger } from '../logger';
import type { LogWriter } from '../logs/log-writer';
import type { DeliveryAttempt, DeliveryRecord, DeliverySettlement, DeliveryStatus, IntegrationRecord } from '../storage/records';
import type { Storage } from '../storage/storage';
import type { UsageRecorder } from '../usage/usage-recorder';
import { deliveryHeaders } from './delivery-headers';
import type { ResolvedDeliveryOptions } from './delivery-options';
import type { FailingFlag } from './failing-flag';
import { bodyValue } from './notification';
import { parseRetryAfterMs, retryDelayMs } from '../queue/retry-delay';
import { describeFailure, judgeError, judgeStatus, type Verdict } from './verdict';

/** Services an attempt needs. */
export interface AttemptDeps {
  storage: Storage;
  clock: Clock;
  openSealed: SecretOpener;
  egress: EgressClient;
  log: LogWriter;
  usage: UsageRecorder;
  logger: Logger;
  flag: FailingFlag;
  options: Pick<ResolvedDeliveryOptions, 'retryScheduleMs' | 'timeoutMs'>;
}

/** What became of one attempt. */
export interface AttemptOutcome {
  /** The delivery with this attempt recorded. */
  delivery: DeliveryRecord;
  attempt: DeliveryAttempt;
  /** False when the lease was lost: another dispatcher owns the delivery, and this outcome was not written. */
  settled: boolean;
}

/** Makes one attempt of a delivery whose lease `owner` holds, and writes its outcome. */
export type AttemptDelivery = (delivery: DeliveryRecord, owner: string, actor?: string) => Promise<AttemptOutcome>;

/** The result of trying to reach the endpoint, or of deciding not to. */
interface Exchange {
  verdict: Verdict;
  statusCode: number | null;
  error: string;
  retryAfterMs: number | null;
  durationMs: number;
  headers: Record<string, string>;
  /** False when no request was tried because the integration cannot take one: nothing to count, nothing said about the endpoint. */
  tried: boolean;
}

const abandoned = (error: string): Exchange => ({
  verdict: 'failed',
  statusCode: null,
  error,
  retryAfterMs: null,
  durationMs: 0,
  headers: {},
  tried: false,
});

function answerError(statusCode: number, verdict: Verdict): string {
  if (verdict === 'delivered') return '';
  const redirect = statusCode >= 300 && statusCode < 400 ? '; redirects are not followed' : '';
  return `The endpoint answered HTTP ${statusCode}${redirect}.`;
}

/**
 * Creates the attempt: POST the stored body with fresh headers through the egress client,
 * judge the answer, log and count it, then settle the delivery: delivered, retried later by the
 * schedule (or the receiver's `Retry-After`, when longer), or failed. A final failure may flag
 * the integration `failing`; a delivery clears the flag.
 *
 * @example
 * ```ts
 * const attempt = createDeliveryAttempt({ storage, clock, openSealed, egress, log, usage, logger, flag, options });
 * const { delivery, settled } = await attempt(claimed, dispatcher.owner);
 * ```
 */
export function createDeliveryAttempt(deps: AttemptDeps): AttemptDelivery {
  const { storage, clock, openSealed, egress, log, usage, logger, flag, options } = deps;

  async function exchange(integration: IntegrationRecord, url: string, delivery: DeliveryRecord, atMs: number): Promise<Exchange> {
    const started = performance.now();
    const durationMs = () => Math.round(performance.now() - started);
    let headers: Record<string, string> = {};
    try {
      headers = deliveryHeaders(openSealed, integration, { id: delivery.id, timestampSeconds: Math.floor(atMs / 1000), body: delivery.body }, atMs);
      const response = await egress.request(url, { method: 'POST', headers, body: delivery.body, timeoutMs: options.timeoutMs });
      const verdict = judgeStatus(response.statusCode);
      return {
        verdict,
        statusCode: response.statusCode,
        error: answerError(response.statusCode, verdict),
        retryAfterMs: parseRetryAfterMs(response.headers['retry-after'], clock.now()),
        durationMs: durationMs(),
        headers,
        tried: true,
      };
    } catch (error) {
      // Not the endpoint's doing (e.g. sealed headers the key ring cannot open): the operators must hear of it.
      if (!isPorticoError(error) || error.code === 'INTERNAL') {
        logger.error('An outbound delivery failed unexpectedly', { deliveryId: delivery.id, error });
      }
      return {
        verdict: judgeError(error),
        statusCode: null,
        error: describeFailure(error),
        retryAfterMs: null,
        durationMs: durationMs(),
        headers,
        tried: true,
      };
    }
  }

  function settlement(delivery: DeliveryRecord, attempt: DeliveryAttempt, result: Exchange): DeliverySettlement {
    const attempts = [...delivery.attempts, attempt];
    const nowMs = clock.now();
    // Attempt n failed: wait the schedule's n-th delay, if it has one.
    const waitMs = result.verdict === 'retry' ? options.retryScheduleMs[attempts.length - 1] : undefined;
    let status: DeliveryStatus = 'failed';
    if (result.verdict === 'delivered') status = 'delivered';
    else if (waitMs !== undefined) status = 'pending';
    const nextAttemptAt = waitMs === undefined ? null : nowMs + retryDelayMs(waitMs, result.retryAfterMs);
    return { status, attempts, nextAttemptAt, updatedAt: nowMs };
  }

  return async function attemptDelivery(delivery, owner, actor) {
    const atMs = clock.now();
    const integration = await storage.integrations.get(delivery.intId);
    let result: Exchange;
    if (integration === null) result = abandoned('The integration no longer exists.');
    else if (integration.status === 'INACTIVE') result = abandoned('The integration is disabled.');
    else if (integration.endpointUrl === null) result = abandoned('The integration has no endpoint.');
    else result = await exchange(integration, integration.endpointUrl, delivery, atMs);

    const delivered = result.verdict === 'delivered';
    log.write({
      intId: delivery.intId,
      direction: 'OUT',
      event: `SEND_${delivery.event}`,
      status: delivered ? 'OK' : 'ERROR',
      payload: {
        url: integration?.endpointUrl ?? null,
        status_code: result.statusCode,
        headers: result.headers,
        body: bodyValue(delivery.body),
        ...(actor !== undefined && { by: actor }),
      },
      error: result.error,
    });
    if (result.tried) usage.record(delivery.intId, delivered ? 'success' : 'error', atMs);

    const attempt: DeliveryAttempt = { at: atMs, statusCode: result.statusCode, error: result.error, durationMs: result.durationMs };
    const settled = settlement(delivery, attempt, result);
    const written = await storage.outbox.settle(delivery.id, owner, settled);
    const outcome = { delivery: { ...delivery, ...settled, leaseOwner: null, leaseExpiresAt: null }, attempt, settled: written };
    if (!written || !result.tried) return outcome;
    if (delivered && integration?.failing) await flag.clear(delivery.intId);
    if (settled.status === 'failed') await flag.afterFailure(delivery.intId, result.verdict === 'gone');
    return outcome;
  }
}
