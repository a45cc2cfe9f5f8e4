/**
 * How many requests one key may make: at most `limit` admissions in any rolling window of
 * `windowMs`. Passed on every call, so a key's limit can change at any time.
 *
 * @example
 * ```ts
 * const rule: RateLimitRule = { limit: integration.rateLimit, windowMs: 60_000 };
 * ```
 */
export interface RateLimitRule {
  /** Most admissions in any window of `windowMs`: an integer >= 1. */
  limit: number;
  /** The window's length in milliseconds: an integer >= 1. */
  windowMs: number;
}

/**
 * The answer to one {@link RateLimiter.consume} call. Durations are whole milliseconds,
 * rounded up, so waiting them out is always enough.
 *
 * @example
 * ```ts
 * const decision = await limiter.consume(intId, { limit: 60, windowMs: 60_000 });
 * if (!decision.allowed) {
 *   throw new PorticoError('RATE_LIMITED', 'Too many requests.', { retryAfterMs: decision.retryAfterMs });
 * }
 * ```
 */
export interface RateLimitDecision {
  /** True when the request was admitted, and so counted against the quota. */
  allowed: boolean;
  /** The rule's limit, echoed for `RateLimit-Limit` style headers. */
  limit: number;
  /** Admissions left in the window now, after this decision. */
  remaining: number;
  /** Milliseconds until the whole quota is restored, that is until `remaining` is back to `limit`. */
  resetMs: number;
  /** 0 when allowed; otherwise milliseconds (> 0) until a request would be admitted. */
  retryAfterMs: number;
}

/**
 * Decides, per key, whether a request may go through. Implementations admit at most
 * `limit` requests in ANY window of `windowMs` (a sliding window, not fixed windows that let
 * twice the limit through across an edge), never count refused requests, and decide each
 * call atomically, so concurrent calls never admit more than the limit together.
 * `@portico/testing`'s `runRateLimiterSuite` checks all of this.
 *
 * @example
 * ```ts
 * const limiter: RateLimiter = memoryRateLimiter();
 * const { allowed, remaining } = await limiter.consume('GW-3F9A0C1B', { limit: 60, windowMs: 60_000 });
 * ```
 */
export interface RateLimiter {
  /**
   * Admits or refuses one request of `key` under `rule`. Rejects with a `RangeError` when the
   * rule is invalid (see {@link assertRateLimitRule}).
   */
  consume(key: string, rule: RateLimitRule): Promise<RateLimitDecision>;
}

/**
 * Throws a `RangeError` unless `limit` and `windowMs` are integers >= 1. A `RangeError`, not a
 * `PorticoError`: a bad rule is the host's configuration bug, not the caller's fault, so it
 * must surface as a 500 rather than a 400 to the webhook sender.
 *
 * @example
 * ```ts
 * assertRateLimitRule({ limit: 60, windowMs: 60_000 }); // passes
 * assertRateLimitRule({ limit: 0, windowMs: 60_000 }); // throws RangeError
 * ```
 */
export function assertRateLimitRule(rule: RateLimitRule): void {
  if (!Number.isSafeInteger(rule.limit) || rule.limit < 1) {
    throw new RangeError(`Rate limit must be an integer >= 1, got ${rule.limit}.`);
  }
  if (!Number.isSafeInteger(rule.windowMs) || rule.windowMs < 1) {
    throw new RangeError(`Rate limit windowMs must be an integer >= 1, got ${rule.windowMs}.`);
  }
}
