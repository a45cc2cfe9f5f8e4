import { randomInt } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { AtlassianRemoteError } from './remote-errors';

/** How calls to Atlassian are retried. Durations in milliseconds. */
export interface RetryOptions {
  /** Attempts in all, the first included. Default 3. */
  maxAttempts?: number;
  /** First backoff; it doubles each attempt, with jitter. Default 250. */
  baseDelayMs?: number;
  /** Longest backoff. Default 4 000. */
  maxDelayMs?: number;
  /**
   * Longest `Retry-After` honoured. A remote asking for more fails at once (its wait is kept on
   * the error as `retryAfterMs`), so a request path never hangs for minutes. Default 10 000.
   */
  maxRetryAfterMs?: number;
  /** Waits; tests pass a fast one. Default `timers/promises.setTimeout`. */
  sleep?: (ms: number) => Promise<void>;
}

/** {@link RetryOptions} with every default filled in. */
export type RetryPolicy = Required<RetryOptions>;

const RETRYABLE_STATUSES = new Set([429, 502, 503, 504]);
const JITTER_STEPS = 1_000;

/**
 * Fills in the defaults of {@link RetryOptions}.
 *
 * @example
 * ```ts
 * const policy = retryPolicy({ maxAttempts: 5 });
 * ```
 */
export function retryPolicy(options: RetryOptions = {}): RetryPolicy {
  return {
    maxAttempts: options.maxAttempts ?? 3,
    baseDelayMs: options.baseDelayMs ?? 250,
    maxDelayMs: options.maxDelayMs ?? 4_000,
    maxRetryAfterMs: options.maxRetryAfterMs ?? 10_000,
    sleep: options.sleep ?? ((ms) => delay(ms)),
  };
}

/**
 * True when trying again may succeed: no answer arrived (timeout, reset), or the remote said
 * 429, 502, 503 or 504.
 *
 * @example
 * ```ts
 * if (isTransient(error)) await sleep(retryDelayMs(policy, attempt, error));
 * ```
 */
export function isTransient(error: unknown): error is AtlassianRemoteError {
  return error instanceof AtlassianRemoteError && (error.remoteStatus === undefined || RETRYABLE_STATUSES.has(error.remoteStatus));
}

/**
 * How long to wait before attempt `attempt + 1` (`attempt` counts from 0): the remote's
 * `Retry-After` when it gave one, else exponential backoff with equal jitter; `undefined` when
 * the remote asks for longer than `maxRetryAfterMs`.
 *
 * @example
 * ```ts
 * retryDelayMs(retryPolicy(), 0, error); // 125..250 without Retry-After
 * ```
 */
export function retryDelayMs(policy: RetryPolicy, attempt: number, error: AtlassianRemoteError): number | undefined {
  if (error.retryAfterMs !== undefined) return error.retryAfterMs <= policy.maxRetryAfterMs ? error.retryAfterMs : undefined;
  return backoffMs(policy, attempt);
}

/**
 * Exponential backoff with equal jitter: between half and all of `baseDelayMs * 2^attempt`,
 * capped at `maxDelayMs`.
 *
 * @example
 * ```ts
 * backoffMs(retryPolicy(), 2); // 500..1000
 * ```
 */
export function backoffMs(policy: RetryPolicy, attempt: number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return Math.round(ceiling / 2 + (ceiling / 2) * (randomInt(JITTER_STEPS + 1) / JITTER_STEPS));
}

/**
 * Runs an idempotent call, retrying transient failures (see {@link isTransient}) as the policy
 * says. Never use it for a create: a timed-out create may have succeeded.
 *
 * @example
 * ```ts
 * const issue = await withRetry(retryPolicy(), () => http({ method: 'GET', path: '/rest/api/3/issue/OPS-1' }, issueSchema));
 * ```
 */
export async function withRetry<T>(policy: RetryPolicy, call: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      const wait = isTransient(error) && attempt + 1 < policy.maxAttempts ? retryDelayMs(policy, attempt, error) : undefined;
      if (wait === undefined) throw error;
      await policy.sleep(wait);
    }
  }
}

/**
 * Parses `Retry-After` (seconds or an HTTP date) into milliseconds from `nowMs`.
 *
 * @example
 * ```ts
 * parseRetryAfter('3', Date.now()); // 3000
 * ```
 */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  if (/^\s*\d+\s*$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}
