import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RateLimitDecision, RateLimiter, RateLimitRule } from '@portico/core';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';

/** Options of {@link runRateLimiterSuite}. */
export interface RateLimiterSuiteOptions {
  /** Runs once after the whole suite, e.g. to close the connection the limiters share. */
  teardown?: () => Promise<void>;
}

/** Long enough that no test without a wait sees its window move, even on a slow CI machine. */
const STILL_WINDOW_MS = 60_000;
/** Timers may fire a little early and round-trips take time: waits keep this much to spare. */
const MARGIN_MS = 50;

const uniqueKey = () => `portico-suite:${randomUUID()}`;

async function consumeInOrder(limiter: RateLimiter, key: string, rule: RateLimitRule, count: number) {
  const decisions: RateLimitDecision[] = [];
  for (let call = 0; call < count; call++) decisions.push(await limiter.consume(key, rule));
  return decisions;
}

/**
 * Registers the conformance tests every {@link RateLimiter} must pass. They use real time,
 * short windows and a fresh random key per test, because a shared limiter (Redis) reads the
 * server's clock, which a test cannot move; the whole suite takes about 1.5 s.
 * `factory` is called before each test.
 *
 * @example
 * ```ts
 * // packages/redis/test/redis-rate-limiter.test.ts
 * import { runRateLimiterSuite } from '@portico/testing';
 *
 * const client = new Redis(process.env.REDIS_URL);
 * runRateLimiterSuite('redisRateLimiter', () => redisRateLimiter({ client }), {
 *   teardown: async () => void (await client.quit()),
 * });
 * ```
 */
export function runRateLimiterSuite(
  name: string,
  factory: () => RateLimiter | Promise<RateLimiter>,
  options: RateLimiterSuiteOptions = {},
): void {
  describe(`RateLimiter conformance: ${name}`, () => {
    let limiter: RateLimiter;
    beforeEach(async () => {
      limiter = await factory();
    });
    if (options.teardown) afterAll(options.teardown);

    it('admits exactly `limit` requests, counting `remaining` down, then refuses', async () => {
      const decisions = await consumeInOrder(limiter, uniqueKey(), { limit: 5, windowMs: STILL_WINDOW_MS }, 7);

      expect(decisions.map((decision) => decision.allowed)).toEqual([true, true, true, true, true, false, false]);
      expect(decisions.map((decision) => decision.remaining)).toEqual([4, 3, 2, 1, 0, 0, 0]);
      expect(decisions.every((decision) => decision.limit === 5)).toBe(true);
    });

    it('reports retryAfterMs only when refused, within the window and before the full reset', async () => {
      const key = uniqueKey();
      const rule = { limit: 2, windowMs: STILL_WINDOW_MS };
      const admitted = await consumeInOrder(limiter, key, rule, 2);
      const refused = await limiter.consume(key, rule);

      for (const decision of admitted) {
        expect(decision).toMatchObject({ allowed: true, retryAfterMs: 0 });
        expect(decision.resetMs).toBeGreaterThan(0);
        expect(decision.resetMs).toBeLessThanOrEqual(rule.windowMs);
      }
      expect(refused.allowed).toBe(false);
      expect(refused.retryAfterMs).toBeGreaterThan(0);
      expect(refused.retryAfterMs).toBeLessThanOrEqual(refused.resetMs);
      expect(refused.resetMs).toBeLessThanOrEqual(rule.windowMs);
    });

    it('keeps keys independent', async () => {
      const rule = { limit: 2, windowMs: STILL_WINDOW_MS };
      const [exhausted, fresh] = [uniqueKey(), uniqueKey()];
      await consumeInOrder(limiter, exhausted, rule, 2);

      const freshDecisions = await consumeInOrder(limiter, fresh, rule, 2);
      const exhaustedDecision = await limiter.consume(exhausted, rule);

      expect(freshDecisions.map((decision) => [decision.allowed, decision.remaining])).toEqual([
        [true, 1],
        [true, 0],
      ]);
      expect(exhaustedDecision.allowed).toBe(false);
    });

    it('decides concurrent calls atomically: 50 at once with limit 10 admit exactly 10', async () => {
      const key = uniqueKey();
      const rule = { limit: 10, windowMs: STILL_WINDOW_MS };

      const decisions = await Promise.all(Array.from({ length: 50 }, () => limiter.consume(key, rule)));
      const admitted = decisions.filter((decision) => decision.allowed);

      expect(admitted).toHaveLength(10);
      // Each admission saw a different count, as it would if the calls had run one by one.
      expect(admitted.map((decision) => decision.remaining).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    });

    it('follows a limit change between calls, counting every admission still in the window', async () => {
      const key = uniqueKey();
      const withLimit = (limit: number) => ({ limit, windowMs: STILL_WINDOW_MS });
      await consumeInOrder(limiter, key, withLimit(3), 3);

      const raised = await consumeInOrder(limiter, key, withLimit(5), 3);
      const lowered = await limiter.consume(key, withLimit(2));
      const raisedAgain = await consumeInOrder(limiter, key, withLimit(6), 2);

      expect(raised.map((decision) => [decision.allowed, decision.remaining])).toEqual([
        [true, 1],
        [true, 0],
        [false, 0],
      ]);
      expect(lowered).toMatchObject({ allowed: false, limit: 2, remaining: 0 });
      expect(raisedAgain.map((decision) => [decision.allowed, decision.remaining])).toEqual([
        [true, 0],
        [false, 0],
      ]);
    });

    it('does not count refused requests: a sender that keeps retrying gets in once the window passes', async () => {
      const key = uniqueKey();
      const rule = { limit: 2, windowMs: 400 };
      const startedAt = performance.now();
      await consumeInOrder(limiter, key, rule, 2);
      const admittedBy = performance.now();

      const retries: RateLimitDecision[] = [];
      while (performance.now() < startedAt + rule.windowMs - MARGIN_MS) {
        retries.push(await limiter.consume(key, rule));
        await sleep(20);
      }
      await sleep(Math.max(0, admittedBy + rule.windowMs + MARGIN_MS - performance.now()));
      const afterWindow = await limiter.consume(key, rule);

      expect(retries.length).toBeGreaterThan(5);
      expect(retries.every((decision) => !decision.allowed)).toBe(true);
      expect(afterWindow).toMatchObject({ allowed: true, remaining: 1 });
    });

    it('slides the window: still refused halfway through, admitted once retryAfterMs has passed', async () => {
      const key = uniqueKey();
      const rule = { limit: 3, windowMs: 600 };
      await consumeInOrder(limiter, key, rule, 3);

      await sleep(rule.windowMs / 2);
      const halfway = await limiter.consume(key, rule);
      await sleep(halfway.retryAfterMs + MARGIN_MS);
      const afterRetry = await limiter.consume(key, rule);

      expect(halfway.allowed).toBe(false);
      expect(halfway.retryAfterMs).toBeGreaterThan(0);
      expect(halfway.retryAfterMs).toBeLessThan(rule.windowMs);
      expect(afterRetry.allowed).toBe(true);
    });

    it.each([
      { limit: 0, windowMs: 1_000 },
      { limit: -1, windowMs: 1_000 },
      { limit: 1.5, windowMs: 1_000 },
      { limit: Number.NaN, windowMs: 1_000 },
      { limit: Number.POSITIVE_INFINITY, windowMs: 1_000 },
      { limit: 1, windowMs: 0 },
      { limit: 1, windowMs: -1_000 },
      { limit: 1, windowMs: 2.5 },
      { limit: 1, windowMs: Number.NaN },
    ])('rejects the invalid rule $limit per $windowMs ms with a RangeError', async (rule) => {
      await expect(limiter.consume(uniqueKey(), rule)).rejects.toThrow(RangeError);
    });
  });
}
