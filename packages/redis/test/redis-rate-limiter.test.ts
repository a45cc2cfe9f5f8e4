import { createHash, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger, RateLimitDecision } from '@portico/core';
import { describeWithServices, runRateLimiterSuite } from '@portico/testing';
import type { Redis, RedisOptions } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CONSUME_SCRIPT } from '../src/consume-script';
import { redisRateLimiter, type RedisRateLimiterOptions } from '../src/redis-rate-limiter';
import { closedPort, redisAnswers, testRedis } from './test-redis';

const redis = testRedis();
const STILL_WINDOW_MS = 60_000;

interface LogEntry {
  level: keyof Logger;
  message: string;
  fields?: Record<string, unknown>;
}

function recordingLogger(): { logger: Logger; entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  const record = (level: keyof Logger) => (message: string, fields?: Record<string, unknown>) =>
    void entries.push({ level, message, fields });
  const logger = { debug: record('debug'), info: record('info'), warn: record('warn'), error: record('error') };
  return { entries, logger };
}

/** A client of a port nobody listens on, returned once its first attempt to connect was refused. */
async function unreachableClient(options: RedisOptions): Promise<Redis> {
  const client = redis.connect(options, `redis://127.0.0.1:${await closedPort()}`);
  const [refusal] = await once(client, 'error');
  expect(refusal).toMatchObject({ code: 'ECONNREFUSED' });
  // Later attempts fail the same way; the limiter, not this listener, is under test.
  client.on('error', () => {});
  return client;
}

async function microsecondsNow(client: Redis): Promise<number> {
  const [seconds, microseconds] = await client.time();
  return Number(seconds) * 1_000_000 + Number(microseconds);
}

await describeWithServices('redisRateLimiter on a real Redis', { redis: redisAnswers }, () => {
  let admin: Redis;
  beforeAll(() => {
    admin = redis.connect();
  });
  afterAll(() => redis.close());

  const newKey = () => `key-${randomUUID()}`;
  const limiterOn = (client: Redis) => redisRateLimiter({ client, prefix: redis.prefix });

  let suiteClient: Redis | undefined;
  runRateLimiterSuite('redisRateLimiter', () => limiterOn((suiteClient ??= redis.connect())), {
    teardown: async () => void (await suiteClient?.quit()),
  });

  it('shares one limit between instances on separate connections: a burst of 10 × limit admits exactly limit', async () => {
    const [first, second] = [limiterOn(redis.connect()), limiterOn(redis.connect())];
    const key = newKey();
    const rule = { limit: 7, windowMs: STILL_WINDOW_MS };

    const burst = Array.from({ length: 70 }, (_, call) => (call % 2 === 0 ? first : second).consume(key, rule));
    const decisions = await Promise.all(burst);
    const admitted = decisions.filter((decision) => decision.allowed);

    expect(admitted).toHaveLength(7);
    expect(admitted.map((decision) => decision.remaining).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(await admin.zcard(redis.prefix + key)).toBe(7);
  });

  it('stores admissions only: refused requests leave the log as it was', async () => {
    const key = newKey();
    const limiter = limiterOn(redis.connect());
    for (let call = 0; call < 5; call++) await limiter.consume(key, { limit: 2, windowMs: STILL_WINDOW_MS });

    expect(await admin.zcard(redis.prefix + key)).toBe(2);
  });

  it('decides on the Redis server clock, recording admissions in its microseconds', async () => {
    const key = newKey();
    const limiter = limiterOn(redis.connect());

    const before = await microsecondsNow(admin);
    await limiter.consume(key, { limit: 1, windowMs: STILL_WINDOW_MS });
    const after = await microsecondsNow(admin);
    const [member, score] = await admin.zrange(redis.prefix + key, 0, -1, 'WITHSCORES');

    expect(Number(score)).toBeGreaterThanOrEqual(before);
    expect(Number(score)).toBeLessThanOrEqual(after);
    expect(member).toBe(`${score}:0`);
  });

  it('keeps admissions that share a microsecond apart, and holds time still when the server clock is behind the log', async () => {
    const key = newKey();
    const limiter = limiterOn(redis.connect());
    // An admission 5 s ahead of the server's clock, as if the clock had stepped back since.
    const ahead = (await microsecondsNow(admin)) + 5_000_000;
    await admin.zadd(redis.prefix + key, ahead, `${ahead}:0`);

    const withLimit = (limit: number) => ({ limit, windowMs: STILL_WINDOW_MS });
    const admitted = [];
    for (let call = 0; call < 3; call++) admitted.push(await limiter.consume(key, withLimit(5)));
    const refused = await limiter.consume(key, withLimit(4));

    expect(admitted.map((decision) => [decision.allowed, decision.remaining, decision.resetMs])).toEqual([
      [true, 3, STILL_WINDOW_MS],
      [true, 2, STILL_WINDOW_MS],
      [true, 1, STILL_WINDOW_MS],
    ]);
    expect(refused).toEqual({
      allowed: false,
      limit: 4,
      remaining: 0,
      resetMs: STILL_WINDOW_MS,
      retryAfterMs: STILL_WINDOW_MS,
    });
    expect(await admin.zrange(redis.prefix + key, 0, -1, 'WITHSCORES')).toEqual(
      [0, 1, 2, 3].flatMap((index) => [`${ahead}:${index}`, String(ahead)]),
    );
  });

  it('gives each key a TTL of windowMs from its newest admission, so idle keys vanish', async () => {
    const limiter = limiterOn(redis.connect());
    const [lasting, brief] = [newKey(), newKey()];

    await limiter.consume(lasting, { limit: 5, windowMs: STILL_WINDOW_MS });
    await limiter.consume(brief, { limit: 5, windowMs: 100 });
    const ttlMs = await admin.pttl(redis.prefix + lasting);
    await sleep(200);

    expect(ttlMs).toBeGreaterThan(STILL_WINDOW_MS - 5_000);
    expect(ttlMs).toBeLessThanOrEqual(STILL_WINDOW_MS);
    expect(await admin.exists(redis.prefix + brief)).toBe(0);
  });

  it("stores keys under 'portico:rl:' by default", async () => {
    const limiter = redisRateLimiter({ client: redis.connect() });
    const key = `${redis.prefix}${newKey()}`;

    await limiter.consume(key, { limit: 5, windowMs: STILL_WINDOW_MS });

    expect(await admin.del(`portico:rl:${key}`)).toBe(1);
  });

  it('recovers when Redis forgets the script (SCRIPT FLUSH): ioredis sends it whole on NOSCRIPT', async () => {
    const sha = createHash('sha1').update(CONSUME_SCRIPT).digest('hex');
    const limiter = limiterOn(redis.connect());
    const key = newKey();
    const rule = { limit: 3, windowMs: STILL_WINDOW_MS };

    const beforeFlush = await limiter.consume(key, rule);
    await admin.script('FLUSH', 'SYNC');
    const flushed = await admin.script('EXISTS', sha);
    const afterFlush = await limiter.consume(key, rule);

    expect(beforeFlush).toMatchObject({ allowed: true, remaining: 2 });
    expect(flushed).toEqual([0]);
    expect(afterFlush).toMatchObject({ allowed: true, remaining: 1 });
    expect(await admin.script('EXISTS', sha)).toEqual([1]);
  });

  it('keeps counting across a dropped connection, on the reconnected one', async () => {
    const client = redis.connect();
    const limiter = limiterOn(client);
    const key = newKey();
    const rule = { limit: 3, windowMs: STILL_WINDOW_MS };

    const beforeDrop = [await limiter.consume(key, rule), await limiter.consume(key, rule)];
    const droppedId = await client.client('ID');
    await admin.client('KILL', 'ID', String(droppedId));
    const afterDrop = [await limiter.consume(key, rule), await limiter.consume(key, rule)];

    expect(beforeDrop.map((decision) => [decision.allowed, decision.remaining])).toEqual([
      [true, 2],
      [true, 1],
    ]);
    expect(afterDrop.map((decision) => [decision.allowed, decision.remaining])).toEqual([
      [true, 0],
      [false, 0],
    ]);
    expect(await client.client('ID')).not.toBe(droppedId);
  });

  it.each([
    {
      onError: undefined,
      expected: { allowed: false, limit: 10, remaining: 0, resetMs: 1_000, retryAfterMs: 1_000 },
      logged: 'refusing',
    },
    {
      onError: 'deny' as const,
      expected: { allowed: false, limit: 10, remaining: 0, resetMs: 1_000, retryAfterMs: 1_000 },
      logged: 'refusing',
    },
    {
      onError: 'allow' as const,
      expected: { allowed: true, limit: 10, remaining: 9, resetMs: STILL_WINDOW_MS, retryAfterMs: 0 },
      logged: 'admitting',
    },
  ])('answers onError $onError when Redis is unreachable, logging the outage once', async ({ onError, expected, logged }) => {
    const client = await unreachableClient({ enableOfflineQueue: false, maxRetriesPerRequest: 0 });
    const { logger, entries } = recordingLogger();
    const limiter = redisRateLimiter({ client, prefix: redis.prefix, onError, logger });
    const rule = { limit: 10, windowMs: STILL_WINDOW_MS };

    const decisions = [await limiter.consume(newKey(), rule), await limiter.consume(newKey(), rule)];

    expect(decisions).toEqual([expected, expected]);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ level: 'error', message: expect.stringContaining(logged) });
    expect(entries[0]?.fields?.error).toEqual(expect.any(String));
  });

  it('answers onError when Redis answers with an error, here a key of another type', async () => {
    const key = newKey();
    await admin.set(redis.prefix + key, 'not a sorted set');
    const { logger, entries } = recordingLogger();
    const limiter = redisRateLimiter({ client: redis.connect(), prefix: redis.prefix, logger });

    const decision = await limiter.consume(key, { limit: 10, windowMs: STILL_WINDOW_MS });

    expect(decision).toMatchObject({ allowed: false, retryAfterMs: 1_000 });
    expect(entries).toEqual([
      { level: 'error', message: expect.stringContaining('refusing'), fields: { error: expect.stringContaining('WRONGTYPE') } },
    ]);
  });

  it('never hangs: a Redis that does not answer within timeoutMs is an error', async () => {
    // Offline queue on and unlimited retries: the client alone would hold the command forever.
    const client = await unreachableClient({ maxRetriesPerRequest: null, retryStrategy: () => 50 });
    const { logger, entries } = recordingLogger();
    const limiter = redisRateLimiter({ client, prefix: redis.prefix, logger, timeoutMs: 100 });

    const decision = await limiter.consume(newKey(), { limit: 10, windowMs: 400 });

    expect(decision).toEqual({ allowed: false, limit: 10, remaining: 0, resetMs: 400, retryAfterMs: 400 });
    expect(entries.map((entry) => entry.fields?.error)).toEqual(['Redis did not answer within 100 ms.']);
  });

  it('logs when Redis starts failing and when it answers again, not every failed decision', async () => {
    const client = redis.connect();
    const { logger, entries } = recordingLogger();
    const limiter = redisRateLimiter({ client, prefix: redis.prefix, logger });
    const key = newKey();
    const rule = { limit: 5, windowMs: STILL_WINDOW_MS };

    const decisions: RateLimitDecision[] = [await limiter.consume(key, rule)];
    client.disconnect();
    decisions.push(await limiter.consume(key, rule), await limiter.consume(key, rule));
    await client.connect();
    decisions.push(await limiter.consume(key, rule));

    expect(decisions.map((decision) => [decision.allowed, decision.remaining])).toEqual([
      [true, 4],
      [false, 0],
      [false, 0],
      [true, 3],
    ]);
    expect(entries.map((entry) => entry.level)).toEqual(['error', 'info']);
  });

  it.each([{ onError: 'maybe' }, { timeoutMs: 0 }, { timeoutMs: 1.5 }])('rejects the options %o with a RangeError', (options) => {
    const client = redis.connect({ lazyConnect: true });

    // Cast: these options are wrong on purpose, as plain JavaScript callers could pass them.
    expect(() => redisRateLimiter({ client, ...options } as RedisRateLimiterOptions)).toThrow(RangeError);
  });
});
