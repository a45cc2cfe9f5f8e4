import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import pg from 'pg';
import { describe, it } from 'vitest';

/** The PostgreSQL of the tests: `PORTICO_TEST_PG_URL`, else the local default. */
export const PG_URL = process.env.PORTICO_TEST_PG_URL ?? 'postgres://root@127.0.0.1:5432/test';
/** The Redis of the tests: `PORTICO_TEST_REDIS_URL`, else the local default. */
export const REDIS_URL = process.env.PORTICO_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

const PROBE_TIMEOUT_MS = 2_000;

/** A URL without its password, fit for a message. */
function shown(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(an unparsable URL)';
  }
}

async function postgresAnswers(): Promise<boolean> {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: PROBE_TIMEOUT_MS });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

async function redisAnswers(): Promise<boolean> {
  const probe = new Redis(REDIS_URL, {
    lazyConnect: true,
    connectTimeout: PROBE_TIMEOUT_MS,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
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

const missing = {
  postgres: (await postgresAnswers())
    ? null
    : `no PostgreSQL answered at ${shown(PG_URL)}; set PORTICO_TEST_PG_URL=postgres://user:password@host:5432/database`,
  redis: (await redisAnswers()) ? null : `no Redis answered at ${shown(REDIS_URL)}; set PORTICO_TEST_REDIS_URL=redis://host:6379`,
};

/**
 * A `describe` block that needs PostgreSQL and/or Redis. Without them it is skipped, LOUDLY,
 * unless `CI=true`, where it fails: a CI run must never pass by testing nothing.
 *
 * @example
 * ```ts
 * describeWith(['postgres', 'redis'], 'two instances', () => { it(...); });
 * ```
 */
export function describeWith(needs: ReadonlyArray<keyof typeof missing>, name: string, body: () => void): void {
  const reasons = needs.map((service) => missing[service]).filter((reason) => reason !== null);
  if (reasons.length === 0) {
    describe(name, body);
    return;
  }
  const why = reasons.join('; ');
  if (process.env.CI === 'true') {
    describe(name, () => {
      it(`reaches ${needs.join(' and ')} (required when CI=true)`, () => {
        throw new Error(`${name}: ${why}`);
      });
    });
    return;
  }
  console.warn(`\n!!! SKIPPED ${name}: ${why}\n`);
  describe.skip(`${name} (SKIPPED: ${why})`, body);
}

/**
 * A fresh PostgreSQL schema name, and a function that drops it with everything in it.
 *
 * @example
 * ```ts
 * const { schema, drop } = throwawaySchema();
 * afterAll(drop);
 * ```
 */
export function throwawaySchema(): { schema: string; drop: () => Promise<void> } {
  const schema = `portico_reliability_${randomBytes(6).toString('hex')}`;
  return {
    schema,
    async drop() {
      const client = new pg.Client({ connectionString: PG_URL });
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS ${client.escapeIdentifier(schema)} CASCADE`);
      } finally {
        await client.end();
      }
    },
  };
}

/**
 * A fresh Redis key prefix, and a function that deletes every key under it (SCAN + DEL).
 *
 * @example
 * ```ts
 * const { prefix, clear } = throwawayRedisPrefix();
 * afterAll(clear);
 * ```
 */
export function throwawayRedisPrefix(): { prefix: string; clear: () => Promise<void> } {
  const prefix = `portico-reliability:${randomBytes(6).toString('hex')}:`;
  return {
    prefix,
    async clear() {
      const client = new Redis(REDIS_URL);
      try {
        for await (const keys of client.scanStream({ match: `${prefix}*`, count: 1_000 })) {
          if ((keys as string[]).length > 0) await client.del(...(keys as string[]));
        }
      } finally {
        client.disconnect();
      }
    },
  };
}
