import { randomUUID } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import { Redis, type RedisOptions } from 'ioredis';

/** The Redis the tests run against: set `PORTICO_TEST_REDIS_URL` to point them elsewhere. */
export const redisUrl = process.env.PORTICO_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Connections to the test Redis, all under one random key prefix per run. */
export interface TestRedis {
  /** False when no Redis answered: the tests skip, except under `CI=true`, where the run fails. */
  readonly available: boolean;
  /** Every key the tests write starts with it, so the run cleans up after itself and nothing else. */
  readonly prefix: string;
  /** A new client of `url` (default: the test Redis), closed by {@link TestRedis.close}. */
  connect(options?: RedisOptions, url?: string): Redis;
  /** Deletes the run's keys (SCAN + DEL by prefix) and closes every client. */
  close(): Promise<void>;
}

/** The URL without its password, fit for a log line. */
function redactedUrl(): string {
  const url = new URL(redisUrl);
  if (url.password) url.password = '***';
  return url.toString();
}

async function answers(): Promise<boolean> {
  const probe = new Redis(redisUrl, {
    lazyConnect: true,
    connectTimeout: 2_000,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  // The probe expects that it may fail; the error is reported below.
  probe.on('error', () => {});
  try {
    await probe.connect();
    return (await probe.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

/**
 * Checks that the test Redis answers. Without one, warns loudly and reports it unavailable, or,
 * under `CI=true`, throws: a CI run that silently skips the Redis tests proves nothing.
 */
export async function openTestRedis(): Promise<TestRedis> {
  const available = await answers();
  if (!available) {
    const message = `No Redis answers at ${redactedUrl()}: the @portico/redis tests need one.`;
    if (process.env.CI === 'true') throw new Error(`${message} CI=true, so this fails the run.`);
    console.warn(
      [
        '',
        '!'.repeat(100),
        `!!! ${message}`,
        '!!! THE REDIS RATE LIMITER TESTS ARE SKIPPED.',
        '!!! Start one (docker run --rm -p 6379:6379 redis:7) or set PORTICO_TEST_REDIS_URL=redis://host:port.',
        '!'.repeat(100),
        '',
      ].join('\n'),
    );
  }
  const prefix = `portico-test:${randomUUID()}:`;
  const clients: Redis[] = [];

  return {
    available,
    prefix,
    connect(options = {}, url = redisUrl) {
      const client = new Redis(url, options);
      clients.push(client);
      return client;
    },
    async close() {
      if (available) {
        const cleaner = new Redis(redisUrl);
        for await (const keys of cleaner.scanStream({ match: `${prefix}*`, count: 1_000 })) {
          if (keys.length > 0) await cleaner.del(...(keys as string[]));
        }
        await cleaner.quit();
      }
      for (const client of clients) client.disconnect();
    },
  };
}

/** A local port nobody listens on: it was free a moment ago, and nothing here takes it since. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
