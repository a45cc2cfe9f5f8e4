import { z } from 'zod';
import type { Clock } from '../clock';
import { checkOptions, clockOption, numberOption } from '../schemas/options';
import { assertRateLimitRule, type RateLimitDecision, type RateLimiter, type RateLimitRule } from './rate-limiter';

/** Options of {@link memoryRateLimiter}. */
export interface MemoryRateLimiterOptions {
  /**
   * Where time comes from. Defaults to a monotonic clock (`performance.now()`), so a step of
   * the wall clock neither reopens nor freezes a window.
   */
  clock?: Clock;
  /**
   * Most keys tracked at once; past it the least recently used key is forgotten, history and
   * all. A memory ceiling, so keep it above the number of keys active within one window.
   * Default 100 000.
   */
  maxKeys?: number;
}

/** A {@link RateLimiter} that lives in this process. */
export interface MemoryRateLimiter extends RateLimiter {
  /** How many keys are tracked now; idle keys are dropped, so this follows recent traffic. */
  readonly size: number;
}

const DEFAULT_MAX_KEYS = 100_000;
const optionsSchema = z.strictObject({
  clock: clockOption.optional(),
  maxKeys: numberOption.optional(),
} satisfies Record<keyof MemoryRateLimiterOptions, z.ZodType>);
/** Each call drops up to this many idle keys, more than the one it can add, so idle keys cannot pile up. */
const SWEEP_PER_CALL = 2;
/** A log starts this small and doubles as needed, so memory follows traffic rather than `limit`. */
const INITIAL_CAPACITY = 8;

const monotonicClock: Clock = { now: () => performance.now() };

/**
 * The admission times of one key still inside its window, oldest first, in a ring buffer, and
 * never more than the largest limit the key was consumed with: enough to decide under any limit
 * up to that one, so lowering and raising a key's limit stays exact.
 */
class AdmissionLog {
  private times: Float64Array;
  /** Index in `times` of the oldest kept admission. */
  private start = 0;
  size = 0;
  maxLimit: number;
  /** The window of the latest call, which decides when the key is idle. */
  windowMs: number;
  /** Neighbours in the recency list, least recently used first. */
  older: AdmissionLog | null = null;
  newer: AdmissionLog | null = null;

  constructor(
    readonly key: string,
    limit: number,
    windowMs: number,
  ) {
    this.times = new Float64Array(Math.min(limit, INITIAL_CAPACITY));
    this.maxLimit = limit;
    this.windowMs = windowMs;
  }

  /** The `index`-th oldest kept admission; `index` must be below `size`. */
  at(index: number): number {
    const position = this.start + index;
    return this.times[position < this.times.length ? position : position - this.times.length]!;
  }

  newest(): number {
    return this.at(this.size - 1);
  }

  /**
   * Forgets admissions at or before `sinceMs`: they have left the window and, time only moving
   * forward for a key, never come back into it. Each admission is dropped once, so what is kept
   * is exactly the window and counting it is free.
   */
  dropUpTo(sinceMs: number): void {
    while (this.size > 0 && this.times[this.start]! <= sinceMs) {
      this.start = this.start + 1 === this.times.length ? 0 : this.start + 1;
      this.size--;
    }
  }

  record(atMs: number): void {
    if (this.size === this.times.length) {
      if (this.size === this.maxLimit) {
        this.times[this.start] = atMs;
        this.start = (this.start + 1) % this.times.length;
        return;
      }
      this.grow();
    }
    this.times[(this.start + this.size) % this.times.length] = atMs;
    this.size++;
  }

  /** True when even the newest admission has left the window: forgetting the key changes nothing. */
  isIdleAt(nowMs: number): boolean {
    return nowMs - this.newest() >= this.windowMs;
  }

  private grow(): void {
    const times = new Float64Array(Math.min(this.maxLimit, this.times.length * 2));
    for (let index = 0; index < this.size; index++) times[index] = this.at(index);
    this.times = times;
    this.start = 0;
  }
}

function decide(log: AdmissionLog, clockMs: number, { limit, windowMs }: RateLimitRule): RateLimitDecision {
  // A clock that steps back must not unsort the log: for this key, time stands still instead.
  const nowMs = log.size === 0 ? clockMs : Math.max(clockMs, log.newest());
  log.maxLimit = Math.max(log.maxLimit, limit);
  log.windowMs = windowMs;
  log.dropUpTo(nowMs - windowMs);
  const inWindow = log.size;
  const allowed = inWindow < limit;
  if (allowed) log.record(nowMs);
  return {
    allowed,
    limit,
    remaining: Math.max(0, limit - inWindow - (allowed ? 1 : 0)),
    resetMs: Math.ceil(log.newest() + windowMs - nowMs),
    // Refused means `limit` admissions are in the window: the next one is let in when the oldest of them leaves.
    retryAfterMs: allowed ? 0 : Math.ceil(log.at(log.size - limit) + windowMs - nowMs),
  };
}

/**
 * A rate limiter for one process: an exact sliding log per key, so it never admits more than
 * `limit` requests in any window of `windowMs`, even across the edge where fixed-window
 * limiters let twice the limit through. Refused requests are not counted, so a sender that
 * keeps retrying gets in as soon as the window allows. A key is forgotten once its newest
 * admission is older than its window, and the least recently used one past `maxKeys`.
 * A key's log holds only the admissions of its current window (the window of its latest call),
 * so each decision is amortised O(1) and allocation-light: memory is allocated only for a new
 * key and when a busy key's log doubles.
 * Several gateway instances need a shared limiter instead (`@portico/redis`).
 *
 * @throws TypeError naming an unknown or mistyped option; RangeError when `maxKeys` is not an
 * integer >= 1.
 * @example
 * ```ts
 * const limiter = memoryRateLimiter({ maxKeys: 10_000 });
 * const decision = await limiter.consume('GW-3F9A0C1B', { limit: 60, windowMs: 60_000 });
 * if (!decision.allowed) console.warn(`retry in ${decision.retryAfterMs} ms`);
 * ```
 */
export function memoryRateLimiter(options: MemoryRateLimiterOptions = {}): MemoryRateLimiter {
  checkOptions(optionsSchema, options, 'memoryRateLimiter options');
  const { clock = monotonicClock, maxKeys = DEFAULT_MAX_KEYS } = options;
  if (!Number.isSafeInteger(maxKeys) || maxKeys < 1) {
    throw new RangeError(`maxKeys must be an integer >= 1, got ${maxKeys}.`);
  }
  const logs = new Map<string, AdmissionLog>();
  // Recency in a list through the logs themselves: re-inserting into the Map on every use would
  // leave deleted entries at its front for each sweep to walk over (41% of a decision with
  // 10,000 keys in turn, measured).
  let leastRecent: AdmissionLog | null = null;
  let mostRecent: AdmissionLog | null = null;

  function unlink(log: AdmissionLog): void {
    if (log.older) log.older.newer = log.newer;
    else leastRecent = log.newer;
    if (log.newer) log.newer.older = log.older;
    else mostRecent = log.older;
    log.older = log.newer = null;
  }

  function forget(log: AdmissionLog): void {
    unlink(log);
    logs.delete(log.key);
  }

  function sweep(nowMs: number): void {
    for (let budget = SWEEP_PER_CALL; budget > 0 && leastRecent && leastRecent.isIdleAt(nowMs); budget--) {
      forget(leastRecent);
    }
  }

  return {
    get size() {
      return logs.size;
    },

    async consume(key, rule) {
      assertRateLimitRule(rule);
      const nowMs = clock.now();
      let log = logs.get(key);
      if (log) unlink(log);
      sweep(nowMs);
      if (!log) {
        if (logs.size >= maxKeys && leastRecent) forget(leastRecent);
        log = new AdmissionLog(key, rule.limit, rule.windowMs);
        logs.set(key, log);
      }
      log.older = mostRecent;
      if (mostRecent) mostRecent.newer = log;
      else leastRecent = log;
      mostRecent = log;
      return decide(log, nowMs, rule);
    },
  };
}
