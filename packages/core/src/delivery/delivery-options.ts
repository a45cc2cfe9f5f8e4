import { wholeOption } from '../whole-option';

/** How outbound notifications are attempted, retried and kept. Durations in milliseconds. */
export interface DeliveryOptions {
  /**
   * Waits between attempts: after the first failed attempt the first wait, and so on; a
   * delivery gets `retryScheduleMs.length + 1` attempts. Each wait varies by ±20% so retries
   * of many deliveries spread out. Default, as Svix: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h.
   */
  retryScheduleMs?: readonly number[];
  /** Deadline of one attempt, connection to response. Default 15 000. */
  timeoutMs?: number;
  /** How often the dispatcher looks for due deliveries. Default 1 000. */
  pollIntervalMs?: number;
  /**
   * How long a dispatcher holds a delivery it claimed before another may take it; longer than
   * `timeoutMs`, so an attempt still running is never sent again elsewhere. Default 60 000.
   */
  leaseMs?: number;
  /**
   * Attempts one gateway runs at once. A `send` makes its first attempt at once, slot or not;
   * the dispatcher claims only as many deliveries as there are free slots. Default 8.
   */
  concurrency?: number;
  /** An integration is flagged `failing` once this many of its newest deliveries all failed. Default 20. */
  failingAfter?: number;
  /** Delivered and failed deliveries are removed from the outbox this long after their last attempt. Default 30 days. */
  retentionMs?: number;
}

/** {@link DeliveryOptions} with every default applied. */
export type ResolvedDeliveryOptions = Required<DeliveryOptions>;

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

/**
 * The retry waits of Svix, whose schedule receivers already know.
 *
 * @example
 * ```ts
 * createGateway({ delivery: { retryScheduleMs: DEFAULT_RETRY_SCHEDULE_MS.slice(0, 3) } });
 * ```
 */
export const DEFAULT_RETRY_SCHEDULE_MS: readonly number[] = Object.freeze([
  5_000,
  5 * MINUTE_MS,
  30 * MINUTE_MS,
  2 * HOUR_MS,
  5 * HOUR_MS,
  10 * HOUR_MS,
  10 * HOUR_MS,
]);

const whole = (name: string, value: number, min: number) => wholeOption(`delivery.${name}`, value, min);

/**
 * Applies the defaults and checks the options, so a misconfigured gateway fails when it is
 * created. A `RangeError`, as for rate-limit rules: a bad option is the host's bug.
 *
 * @throws RangeError naming the bad option.
 * @example
 * ```ts
 * resolveDeliveryOptions({ timeoutMs: 5_000 }).leaseMs; // 60000
 * ```
 */
export function resolveDeliveryOptions(options: DeliveryOptions = {}): ResolvedDeliveryOptions {
  const resolved = {
    retryScheduleMs: Object.freeze([...(options.retryScheduleMs ?? DEFAULT_RETRY_SCHEDULE_MS)]),
    timeoutMs: whole('timeoutMs', options.timeoutMs ?? 15_000, 1),
    pollIntervalMs: whole('pollIntervalMs', options.pollIntervalMs ?? 1_000, 1),
    leaseMs: whole('leaseMs', options.leaseMs ?? MINUTE_MS, 1),
    concurrency: whole('concurrency', options.concurrency ?? 8, 1),
    failingAfter: whole('failingAfter', options.failingAfter ?? 20, 1),
    retentionMs: whole('retentionMs', options.retentionMs ?? 30 * 24 * HOUR_MS, 0),
  };
  resolved.retryScheduleMs.forEach((waitMs, i) => whole(`retryScheduleMs[${i}]`, waitMs, 0));
  if (resolved.leaseMs <= resolved.timeoutMs) {
    throw new RangeError('delivery.leaseMs must be longer than delivery.timeoutMs, or a slow attempt could be sent twice.');
  }
  return resolved;
}
