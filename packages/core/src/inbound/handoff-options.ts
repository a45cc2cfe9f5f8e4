import { wholeOption } from '../whole-option';

/** How accepted webhooks are handed to the host's handler, retried and kept. Durations in milliseconds. */
export interface HandoffOptions {
  /**
   * Waits between hand-offs of one event after its handler failed or timed out: after the first
   * failure the first wait, and so on; an event gets `retryScheduleMs.length + 1` hand-offs, then
   * is `failed`. Each wait varies by ±20%. Default 1 s, 5 s, 30 s, 2 min, 10 min, 30 min, 1 h,
   * 3 h, 6 h: ten hand-offs over about ten hours.
   */
  retryScheduleMs?: readonly number[];
  /** Deadline of one call of the handler; past it the call counts as failed and its `signal` aborts. Default 30 000. */
  timeoutMs?: number;
  /** How often the dispatcher looks for due events. Default 1 000. */
  pollIntervalMs?: number;
  /**
   * How long a dispatcher holds an event it claimed before another may take it; longer than
   * `timeoutMs`, so a call still running is not started again elsewhere. Default 60 000.
   */
  leaseMs?: number;
  /** Handler calls one gateway runs at once. Default 8. */
  concurrency?: number;
  /**
   * How long the inbox keeps an event: a handed-off or failed one after its last hand-off, one
   * never handed off (no handler was registered) after it arrived. Default 7 days.
   */
  retentionMs?: number;
}

/** {@link HandoffOptions} with every default applied. */
export type ResolvedHandoffOptions = Required<HandoffOptions>;

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

/**
 * The default waits between hand-offs of an event whose handler failed.
 *
 * @example
 * ```ts
 * createGateway({ handoff: { retryScheduleMs: DEFAULT_HANDOFF_SCHEDULE_MS.slice(0, 3) } });
 * ```
 */
export const DEFAULT_HANDOFF_SCHEDULE_MS: readonly number[] = Object.freeze([
  1_000,
  5_000,
  30_000,
  2 * MINUTE_MS,
  10 * MINUTE_MS,
  30 * MINUTE_MS,
  HOUR_MS,
  3 * HOUR_MS,
  6 * HOUR_MS,
]);

const whole = (name: string, value: number, min: number) => wholeOption(`handoff.${name}`, value, min);

/**
 * Applies the defaults and checks the options, so a misconfigured gateway fails when it is created.
 *
 * @throws RangeError naming the bad option.
 * @example
 * ```ts
 * resolveHandoffOptions({ timeoutMs: 5_000 }).leaseMs; // 60000
 * ```
 */
export function resolveHandoffOptions(options: HandoffOptions = {}): ResolvedHandoffOptions {
  const resolved = {
    retryScheduleMs: Object.freeze([...(options.retryScheduleMs ?? DEFAULT_HANDOFF_SCHEDULE_MS)]),
    timeoutMs: whole('timeoutMs', options.timeoutMs ?? 30_000, 1),
    pollIntervalMs: whole('pollIntervalMs', options.pollIntervalMs ?? 1_000, 1),
    leaseMs: whole('leaseMs', options.leaseMs ?? MINUTE_MS, 1),
    concurrency: whole('concurrency', options.concurrency ?? 8, 1),
    retentionMs: whole('retentionMs', options.retentionMs ?? 7 * 24 * HOUR_MS, 0),
  };
  resolved.retryScheduleMs.forEach((waitMs, i) => whole(`retryScheduleMs[${i}]`, waitMs, 0));
  const retryingMs = resolved.retryScheduleMs.reduce((sum, waitMs) => sum + waitMs, 0);
  if (resolved.retentionMs < retryingMs) {
    throw new RangeError(`handoff.retentionMs must cover the retry schedule (${retryingMs} ms), or events still being retried would be removed.`);
  }
  if (resolved.leaseMs <= resolved.timeoutMs) {
    throw new RangeError('handoff.leaseMs must be longer than handoff.timeoutMs, or a slow handler could be called twice at once.');
  }
  return resolved;
}
