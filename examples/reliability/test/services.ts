import { randomBytes } from 'node:crypto';
import { testServiceUrl } from '@portico/testing';
import { Redis } from 'ioredis';
import pg from 'pg';

// The probes of describeWithServices, shared with the packages' own tests.
export { postgresAnswers } from '../../../packages/postgres/test/postgres-server';
export { redisAnswers } from '../../../packages/redis/test/test-redis';

/** The PostgreSQL of the tests: `PORTICO_TEST_PG_URL`, else the local default. */
export const PG_URL = testServiceUrl('postgres');
/** The Redis of the tests: `PORTICO_TEST_REDIS_URL`, else the local default. */
export const REDIS_URL = testServiceUrl('redis');

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
