import { describe, expect, it } from 'vitest';
import { manualClock } from '../../src/clock';
import { memoryRateLimiter } from '../../src/rate-limit/memory-rate-limiter';
import { assertRateLimitRule, type RateLimiter, type RateLimitRule } from '../../src/rate-limit/rate-limiter';

/** Consumes `key` once every `everyMs` (starting now), `count` times; returns which calls were admitted. */
async function admittedPattern(
  limiter: RateLimiter,
  clock: { advance(ms: number): void },
  key: string,
  rule: RateLimitRule,
  count: number,
  everyMs = 0,
) {
  let pattern = '';
  for (let call = 0; call < count; call++) {
    if (call > 0) clock.advance(everyMs);
    pattern += (await limiter.consume(key, rule)).allowed ? '+' : '-';
  }
  return pattern;
}

describe('memoryRateLimiter', () => {
  it('reports every field of each decision, the window sliding one admission at a time', async () => {
    const clock = manualClock();
    const limiter = memoryRateLimiter({ clock });
    const rule = { limit: 3, windowMs: 1_000 };
    const at = async (timeMs: number) => {
      clock.set(timeMs);
      return limiter.consume('GW-1', rule);
    };

    expect(await at(0)).toEqual({ allowed: true, limit: 3, remaining: 2, resetMs: 1_000, retryAfterMs: 0 });
    expect(await at(100)).toEqual({ allowed: true, limit: 3, remaining: 1, resetMs: 1_000, retryAfterMs: 0 });
    expect(await at(200)).toEqual({ allowed: true, limit: 3, remaining: 0, resetMs: 1_000, retryAfterMs: 0 });
    expect(await at(300)).toEqual({ allowed: false, limit: 3, remaining: 0, resetMs: 900, retryAfterMs: 700 });
    expect(await at(999)).toEqual({ allowed: false, limit: 3, remaining: 0, resetMs: 201, retryAfterMs: 1 });
    // An admission exactly `windowMs` old has left the window.
    expect(await at(1_000)).toEqual({ allowed: true, limit: 3, remaining: 0, resetMs: 1_000, retryAfterMs: 0 });
    expect(await at(1_000)).toEqual({ allowed: false, limit: 3, remaining: 0, resetMs: 1_000, retryAfterMs: 100 });
  });

  it('admits no burst across a window edge, where a fixed-window limiter would admit twice the limit', async () => {
    const clock = manualClock(900);
    const limiter = memoryRateLimiter({ clock });
    const rule = { limit: 5, windowMs: 1_000 };

    const beforeEdge = await admittedPattern(limiter, clock, 'GW-1', rule, 5);
    clock.set(1_100);
    const afterEdge = await admittedPattern(limiter, clock, 'GW-1', rule, 5);

    expect(beforeEdge).toBe('+++++');
    expect(afterEdge).toBe('-----');
  });

  it('does not count refused requests against the quota', async () => {
    const clock = manualClock();
    const limiter = memoryRateLimiter({ clock });
    const rule = { limit: 2, windowMs: 1_000 };

    // Two admissions, then a retry every 100 ms: refused until the first admission is a window old.
    expect(await admittedPattern(limiter, clock, 'GW-1', rule, 12, 100)).toBe('++--------++');
  });

  it('keeps the admissions a lower limit ignores, so raising the limit again stays exact', async () => {
    const clock = manualClock();
    const limiter = memoryRateLimiter({ clock });
    const withLimit = (limit: number) => ({ limit, windowMs: 1_000 });

    expect(await admittedPattern(limiter, clock, 'GW-1', withLimit(10), 6, 10)).toBe('++++++');
    expect(await admittedPattern(limiter, clock, 'GW-1', withLimit(2), 2, 10)).toBe('--');
    expect(await admittedPattern(limiter, clock, 'GW-1', withLimit(10), 5, 10)).toBe('++++-');
    // At 1 055 ms the six admissions at 0..50 ms have left the window; the four at 60..90 ms have not.
    clock.set(1_055);
    expect(await admittedPattern(limiter, clock, 'GW-1', withLimit(5), 1)).toBe('+');
    expect(await admittedPattern(limiter, clock, 'GW-1', withLimit(12), 9)).toBe('+++++++--');
  });

  it('stays exact when a limit above the initial log size is raised after the log has wrapped around', async () => {
    const clock = manualClock();
    const limiter = memoryRateLimiter({ clock });
    const rule = (limit: number) => ({ limit, windowMs: 100 });

    // Ten admissions 40 ms apart with limit 3 wrap the three-slot log around three times.
    expect(await admittedPattern(limiter, clock, 'GW-1', rule(3), 10, 40)).toBe('++++++++++');
    expect(await admittedPattern(limiter, clock, 'GW-1', rule(40), 41)).toBe(`${'+'.repeat(37)}----`);
    clock.advance(61);
    const decision = await limiter.consume('GW-1', rule(40));

    // The admissions at 280 and 320 ms have left the window; the 38 at 360 ms are still in it.
    expect(decision).toEqual({ allowed: true, limit: 40, remaining: 1, resetMs: 100, retryAfterMs: 0 });
  });

  it('lets time stand still for a key when the clock steps back, refusing rather than reopening the window', async () => {
    const clock = manualClock(10_000);
    const limiter = memoryRateLimiter({ clock });
    const rule = { limit: 1, windowMs: 1_000 };
    await limiter.consume('GW-1', rule);

    clock.set(0);
    const afterStepBack = await limiter.consume('GW-1', rule);
    clock.set(11_000);
    const afterCatchingUp = await limiter.consume('GW-1', rule);

    expect(afterStepBack).toMatchObject({ allowed: false, retryAfterMs: 1_000, resetMs: 1_000 });
    expect(afterCatchingUp.allowed).toBe(true);
  });

  it('forgets keys whose newest admission has left their window, a couple per call', async () => {
    const clock = manualClock();
    const limiter = memoryRateLimiter({ clock });
    for (const key of ['a', 'b', 'c', 'd', 'e']) await limiter.consume(key, { limit: 1, windowMs: 1_000 });
    await limiter.consume('long', { limit: 1, windowMs: 10_000 });

    clock.advance(999);
    await limiter.consume('hot', { limit: 1, windowMs: 1_000 });
    const beforeIdle = limiter.size;
    clock.advance(1);
    const sizes: number[] = [];
    for (let call = 0; call < 4; call++) {
      await limiter.consume('hot', { limit: 1, windowMs: 1_000 });
      sizes.push(limiter.size);
    }

    expect(beforeIdle).toBe(7);
    // a..e go two per call; `long` is still in its window, and `hot` keeps being refused, not forgotten.
    expect(sizes).toEqual([5, 3, 2, 2]);
    expect((await limiter.consume('hot', { limit: 1, windowMs: 1_000 })).allowed).toBe(false);
    expect((await limiter.consume('long', { limit: 1, windowMs: 10_000 })).allowed).toBe(false);
  });

  it('forgets the least recently used key past maxKeys', async () => {
    const clock = manualClock();
    const limiter = memoryRateLimiter({ clock, maxKeys: 2 });
    const rule = { limit: 1, windowMs: 60_000 };
    const allowed = async (key: string) => (await limiter.consume(key, rule)).allowed;

    await allowed('a');
    await allowed('b');
    const aStillKnown = !(await allowed('a')); // refused, and now the most recently used
    await allowed('c'); // evicts b
    const decisions = { c: await allowed('c'), a: await allowed('a'), b: await allowed('b') };

    expect(aStillKnown).toBe(true);
    expect(decisions).toEqual({ c: false, a: false, b: true });
    expect(limiter.size).toBe(2);
  });

  it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('refuses maxKeys %s with a RangeError', (maxKeys) => {
    expect(() => memoryRateLimiter({ maxKeys })).toThrow(RangeError);
  });

  it('uses a monotonic clock by default', async () => {
    const limiter = memoryRateLimiter();
    const rule = { limit: 1, windowMs: 60_000 };

    const decisions = [await limiter.consume('GW-1', rule), await limiter.consume('GW-1', rule)];

    expect(decisions.map((decision) => decision.allowed)).toEqual([true, false]);
    expect(decisions[1]?.retryAfterMs).toBeGreaterThan(59_000);
  });
});

describe('assertRateLimitRule', () => {
  it.each([
    { limit: 1, windowMs: 1 },
    { limit: 60, windowMs: 60_000 },
    { limit: Number.MAX_SAFE_INTEGER, windowMs: Number.MAX_SAFE_INTEGER },
  ])('accepts $limit per $windowMs ms', (rule) => {
    expect(() => assertRateLimitRule(rule)).not.toThrow();
  });

  it.each([
    { limit: 0, windowMs: 1_000, error: /limit must be an integer >= 1, got 0/ },
    { limit: 2.5, windowMs: 1_000, error: /limit must be an integer >= 1, got 2.5/ },
    { limit: Number.NaN, windowMs: 1_000, error: /limit must be an integer >= 1, got NaN/ },
    { limit: 1, windowMs: 0, error: /windowMs must be an integer >= 1, got 0/ },
    { limit: 1, windowMs: 0.5, error: /windowMs must be an integer >= 1, got 0.5/ },
    { limit: 1, windowMs: Number.POSITIVE_INFINITY, error: /windowMs must be an integer >= 1, got Infinity/ },
  ])('refuses $limit per $windowMs ms with a RangeError', ({ error, ...rule }) => {
    expect(() => assertRateLimitRule(rule)).toThrow(RangeError);
    expect(() => assertRateLimitRule(rule)).toThrow(error);
  });
});
