import {
  assertRateLimitRule,
  consoleLogger,
  type Logger,
  type RateLimitDecision,
  type RateLimiter,
  type RateLimitRule,
} from '@portico/core';
import type { Cluster, Redis } from 'ioredis';
import { CONSUME_SCRIPT } from './consume-script';

/** Options of {@link redisRateLimiter}. */
export interface RedisRateLimiterOptions {
  /**
   * The ioredis client or cluster to run on; the limiter does not close it. Give it
   * `enableOfflineQueue: false` (or a small `maxRetriesPerRequest`) so an unreachable Redis
   * fails fast instead of waiting out `timeoutMs` on every decision.
   */
  client: Redis | Cluster;
  /** Prepended to every rate-limit key, to keep the limiter's keys apart. Default `'portico:rl:'`. */
  prefix?: string;
  /**
   * What to answer when Redis is unreachable, errs or does not answer within `timeoutMs`:
   * `'deny'` (the default) refuses the request, failing closed; `'allow'` admits it, failing open.
   * Either way the failure is logged.
   */
  onError?: 'allow' | 'deny';
  /**
   * Where failures are reported: `error` when Redis starts failing, `info` once it answers
   * again. Default `consoleLogger`.
   */
  logger?: Logger;
  /**
   * Longest wait for Redis's answer in milliseconds, after which `onError` decides, so a
   * decision never hangs whatever the client's own timeouts. Redis may still run the late
   * script and count that admission: a timeout errs towards counting. Default 1 000.
   */
  timeoutMs?: number;
}

/** How long a caller refused because Redis failed is told to wait, unless its window is shorter. */
const ERROR_RETRY_AFTER_MS = 1_000;
const DEFAULT_TIMEOUT_MS = 1_000;
const COMMAND = 'porticoRateLimit';

/** The client once `defineCommand` has added the script as a method. */
type ScriptedClient = Record<typeof COMMAND, (key: string, limit: number, windowMs: number) => Promise<unknown>>;

/**
 * A rate limiter shared by every gateway instance using the same Redis: the exact sliding log
 * of `memoryRateLimiter`, kept per key as a sorted set of admission times and decided by one
 * atomic Lua script on Redis's own clock. So instances together never admit more than `limit`
 * requests in any window of `windowMs`, whatever their clocks say, and refused requests are
 * not counted. A key expires once its newest admission leaves the window.
 *
 * The script is sent by SHA (EVALSHA), and ioredis sends it whole again on a new connection
 * or after Redis answers NOSCRIPT (a restart, `SCRIPT FLUSH`). Each decision touches one key,
 * so it also runs on Redis Cluster. A key's window should stay the same: when it grows,
 * admissions older than the previous window may already be forgotten.
 *
 * @example
 * ```ts
 * import { Redis } from 'ioredis';
 * import { redisRateLimiter } from '@portico/redis';
 *
 * const client = new Redis(process.env.REDIS_URL, { enableOfflineQueue: false, commandTimeout: 500 });
 * const limiter = redisRateLimiter({ client, onError: 'deny' });
 * const decision = await limiter.consume('GW-3F9A0C1B', { limit: 60, windowMs: 60_000 });
 * ```
 */
export function redisRateLimiter(options: RedisRateLimiterOptions): RateLimiter {
  const { client, prefix = 'portico:rl:', onError = 'deny', logger = consoleLogger } = options;
  const { timeoutMs = DEFAULT_TIMEOUT_MS } = options;
  if (onError !== 'allow' && onError !== 'deny') {
    throw new RangeError(`onError must be 'allow' or 'deny', got ${String(onError)}.`);
  }
  if (!Number.isSafeInteger(timeoutMs) || timeoutMs < 1) {
    throw new RangeError(`timeoutMs must be an integer >= 1, got ${timeoutMs}.`);
  }
  client.defineCommand(COMMAND, { numberOfKeys: 1, lua: CONSUME_SCRIPT });
  const scripted = client as (Redis | Cluster) & ScriptedClient;
  // Logging each failed decision would flood the log at request rate while Redis is down: log the changes.
  let failing = false;

  return {
    async consume(key, rule) {
      assertRateLimitRule(rule);
      try {
        const reply = await withDeadline(scripted[COMMAND](prefix + key, rule.limit, rule.windowMs), timeoutMs);
        const decision = toDecision(reply, rule.limit);
        if (failing) {
          failing = false;
          logger.info('Redis rate limiter recovered: Redis answers again.');
        }
        return decision;
      } catch (error) {
        if (!failing) {
          failing = true;
          const answer = onError === 'deny' ? 'refusing' : 'admitting';
          logger.error(`Redis rate limiter failed: ${answer} requests until Redis answers.`, {
            error: error instanceof Error ? error.message : String(error),
          });
        }
        return fallbackDecision(onError, rule);
      }
    },
  };
}

type ScriptReply = [allowed: number, remaining: number, resetMs: number, retryAfterMs: number];

function isScriptReply(values: number[]): values is ScriptReply {
  return values.length === 4 && values.every(Number.isSafeInteger);
}

function toDecision(reply: unknown, limit: number): RateLimitDecision {
  // Number() because a client made with `stringNumbers` returns integers as strings.
  const values = Array.isArray(reply) ? reply.map(Number) : [];
  if (!isScriptReply(values)) throw new Error('Unexpected reply from the rate-limit script.');
  const [allowed, remaining, resetMs, retryAfterMs] = values;
  return { allowed: allowed === 1, limit, remaining, resetMs, retryAfterMs };
}

/** Without Redis nothing is known: 'allow' answers as if this were the key's only request, 'deny' to come back soon. */
function fallbackDecision(onError: 'allow' | 'deny', { limit, windowMs }: RateLimitRule): RateLimitDecision {
  if (onError === 'allow') return { allowed: true, limit, remaining: limit - 1, resetMs: windowMs, retryAfterMs: 0 };
  const retryAfterMs = Math.min(ERROR_RETRY_AFTER_MS, windowMs);
  return { allowed: false, limit, remaining: 0, resetMs: retryAfterMs, retryAfterMs };
}

function withDeadline<T>(promise: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Redis did not answer within ${timeoutMs} ms.`)), timeoutMs);
  });
  // A late answer or error of `promise` is still handled by race(), so it cannot go unhandled.
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}
