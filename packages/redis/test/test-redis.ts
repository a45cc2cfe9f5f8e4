import { randomUUID } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import { testServiceUrl } from '@portico/testing';
import { Redis, type RedisOptions } from 'ioredis';

/** The Redis the tests run against: `PORTICO_TEST_REDIS_URL`, else the local default. */
export const redisUrl = testServiceUrl('redis');

/**
 * The Redis probe of `describeWithServices`: one `PING`, giving up after 2 s without retrying.
 *
 * @example
 * ```ts
 * await describeWithServices('redisRateLimiter on a real Redis', { redis: redisAnswers }, () => { it(...); });
 * ```
 */
export async function redisAnswers(url: string): Promise<void> {
  const probe = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 2_000,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  // ioredis emits the cause (ECONNREFUSED, NOAUTH…) and rejects with "Connection is closed.".
  let cause: unknown;
  probe.on('error', (error) => {
    cause ??= error;
  });
  try {
    await probe.connect();
    await probe.ping();
  } catch (error) {
    throw cause ?? error;
  } finally {
    probe.disconnect();
  }
}

/** Connections to the test Redis, all under one random key prefix per run. */
export interface TestRedis {
  /** Every key the tests write starts with it, so the run cleans up after itself and nothing else. */
  readonly prefix: string;
  /** A new client of `url` (default: the test Redis), closed by {@link TestRedis.close}. */
  connect(options?: RedisOptions, url?: string): Redis;
  /** Deletes the run's keys (SCAN + DEL by prefix) and closes every client. */
  close(): Promise<void>;
}

/** Clients of the test Redis under a fresh key prefix; none connects before {@link TestRedis.connect}. */
export function testRedis(): TestRedis {
  const prefix = `portico-test:${randomUUID()}:`;
  const clients: Redis[] = [];

  return {
    prefix,
    connect(options = {}, url = redisUrl) {
      const client = new Redis(url, options);
      clients.push(client);
      return client;
    },
    async close() {
      const cleaner = new Redis(redisUrl);
      for await (const keys of cleaner.scanStream({ match: `${prefix}*`, count: 1_000 })) {
        if (keys.length > 0) await cleaner.del(...(keys as string[]));
      }
      await cleaner.quit();
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
