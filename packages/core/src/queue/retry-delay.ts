import { randomInt } from 'node:crypto';

/** A receiver may ask for a pause, but not for one longer than a day. */
export const MAX_RETRY_AFTER_MS = 24 * 3_600_000;
const JITTER = 0.2;

/**
 * Reads a `Retry-After` header: whole seconds, or an HTTP date, capped at
 * {@link MAX_RETRY_AFTER_MS}. Null when absent or unreadable.
 *
 * @example
 * ```ts
 * parseRetryAfterMs('120', Date.now()); // 120000
 * parseRetryAfterMs('Wed, 21 Oct 2015 07:28:00 GMT', Date.parse('2015-10-21T07:27:00Z')); // 60000
 * ```
 */
export function parseRetryAfterMs(header: string | string[] | undefined, nowMs: number): number | null {
  const value = (Array.isArray(header) ? header[0] : header)?.trim();
  if (value === undefined || value === '') return null;
  let waitMs = Number.NaN;
  if (/^\d+$/.test(value)) waitMs = Number(value) * 1000;
  // Every HTTP date form starts with the day's name; Date.parse alone would take '1.5' for a date.
  else if (/^[A-Za-z]{3}/.test(value)) waitMs = Date.parse(value) - nowMs;
  if (Number.isNaN(waitMs)) return null;
  return Math.min(Math.max(waitMs, 0), MAX_RETRY_AFTER_MS);
}

/**
 * The wait before the next attempt: `waitMs` moved by up to ±20% at random, so deliveries that
 * failed together do not all come back together; or the receiver's `Retry-After`, when longer.
 *
 * @example
 * ```ts
 * retryDelayMs(300_000, null); // between 240000 and 360000
 * retryDelayMs(5_000, 120_000); // 120000
 * ```
 */
export function retryDelayMs(waitMs: number, retryAfterMs: number | null): number {
  const spread = Math.round(waitMs * JITTER);
  const jittered = waitMs + randomInt(-spread, spread + 1);
  return Math.max(jittered, retryAfterMs ?? 0);
}
