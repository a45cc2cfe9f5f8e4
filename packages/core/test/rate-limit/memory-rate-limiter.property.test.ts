import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { manualClock } from '../../src/clock';
import { memoryRateLimiter } from '../../src/rate-limit/memory-rate-limiter';
import type { RateLimitDecision } from '../../src/rate-limit/rate-limiter';

const keys = ['a', 'b'] as const;

/**
 * Windows are a few dozen milliseconds and time moves in small steps, so calls often land exactly
 * on a window's edge and logs fill up, wrap around and grow; now and then a gap long enough for
 * keys to go idle.
 */
const anyWindowMs = fc.integer({ min: 1, max: 40 });
const advanceMs = fc.oneof(
  { arbitrary: fc.constant(0), weight: 6 },
  { arbitrary: fc.integer({ min: 1, max: 5 }), weight: 8 },
  { arbitrary: fc.integer({ min: 0, max: 100 }), weight: 1 },
);

interface Call {
  key: string;
  atMs: number;
  decision: RateLimitDecision;
}

describe('memoryRateLimiter under random traffic', () => {
  it('never admits more than `limit` in any window, and refuses only when `limit` were admitted in the last one', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 5 }),
        anyWindowMs,
        fc.array(fc.record({ advanceMs, key: fc.constantFrom(...keys) }), { maxLength: 300 }),
        async (limit, windowMs, steps) => {
          const clock = manualClock();
          const limiter = memoryRateLimiter({ clock });
          const calls: Call[] = [];
          for (const step of steps) {
            clock.advance(step.advanceMs);
            calls.push({ key: step.key, atMs: clock.now(), decision: await limiter.consume(step.key, { limit, windowMs }) });
          }

          for (const key of keys) {
            const ofKey = calls.filter((call) => call.key === key);
            const admittedAt = ofKey.filter((call) => call.decision.allowed).map((call) => call.atMs);
            // Any `limit + 1` consecutive admissions span at least a whole window.
            for (let index = 0; index + limit < admittedAt.length; index++) {
              expect(admittedAt[index + limit]! - admittedAt[index]!).toBeGreaterThanOrEqual(windowMs);
            }
            for (const refused of ofKey.filter((call) => !call.decision.allowed)) {
              const inWindow = admittedAt.filter((atMs) => atMs <= refused.atMs && refused.atMs - atMs < windowMs);
              expect(inWindow.length).toBeGreaterThanOrEqual(limit);
            }
          }
        },
      ),
    );
  });

  it('matches a reference sliding log field by field, while the limit of each key changes now and then', async () => {
    await fc.assert(
      fc.asyncProperty(
        anyWindowMs,
        fc.array(
          fc.record({
            advanceMs,
            key: fc.constantFrom(...keys),
            // Limits held for a while let logs wrap around before a change makes them grow or shrink.
            newLimit: fc.option(fc.integer({ min: 1, max: 12 }), { freq: 10 }),
          }),
          { maxLength: 300 },
        ),
        async (windowMs, steps) => {
          const clock = manualClock();
          const limiter = memoryRateLimiter({ clock });
          const limits = new Map<string, number>(keys.map((key) => [key, 3]));
          const admissions = new Map<string, number[]>(keys.map((key) => [key, []]));
          for (const step of steps) {
            clock.advance(step.advanceMs);
            if (step.newLimit !== null) limits.set(step.key, step.newLimit);
            const limit = limits.get(step.key)!;
            const nowMs = clock.now();
            const admitted = admissions.get(step.key)!;
            const inWindow = admitted.filter((atMs) => nowMs - atMs < windowMs);
            const allowed = inWindow.length < limit;
            if (allowed) admitted.push(nowMs);

            expect(await limiter.consume(step.key, { limit, windowMs })).toEqual({
              allowed,
              limit,
              remaining: Math.max(0, limit - inWindow.length - (allowed ? 1 : 0)),
              resetMs: admitted.at(-1)! + windowMs - nowMs,
              retryAfterMs: allowed ? 0 : inWindow.at(-limit)! + windowMs - nowMs,
            });
          }
        },
      ),
      // Lowering or raising a limit just as a log is full is rare in any one run: look at many.
      { numRuns: 1_000 },
    );
  });
});
