import { randomBytes } from 'node:crypto';
import { createGateway, keyRingFromBase64, silentLogger } from '@portico/core';
import { postgresStorage } from '@portico/postgres';
import { describeWithServices, testServiceUrl } from '@portico/testing';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { dropSchema, postgresAnswers } from '../../../packages/postgres/test/postgres-server';
import { redisAnswers } from '../../../packages/redis/test/test-redis';

type Snippet = typeof import('../snippets/storage-postgres-redis.ts');

const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
const lastHour = () => ({ fromMs: Date.now() - 3_600_000, toMs: Date.now() + 1, bucket: 'hour' as const });

const needs = { postgres: postgresAnswers, redis: redisAnswers };
await describeWithServices('storage and scaling: several instances on PostgreSQL and Redis', needs, () => {
  // A schema of this run's own, dropped at the end; the limiter's keys are deleted by name.
  const schema = `portico_docs_${randomBytes(6).toString('hex')}`;
  const limiterKeys: string[] = [];
  let snippet: Snippet | undefined;
  let admin: pg.Pool;

  beforeAll(async () => {
    process.env.DATABASE_URL = testServiceUrl('postgres');
    process.env.REDIS_URL = testServiceUrl('redis');
    process.env.PORTICO_PG_SCHEMA = schema;
    process.env.PORTICO_MASTER_KEY = Buffer.alloc(32, 11).toString('base64');
    admin = new pg.Pool({ connectionString: testServiceUrl('postgres') });
    snippet = await import('../snippets/storage-postgres-redis.ts');
  });
  afterAll(async () => {
    if (snippet) {
      await snippet.gateway.stop();
      await snippet.storage.close();
      if (limiterKeys.length > 0) await snippet.redis.del(...limiterKeys);
      await snippet.redis.quit();
    }
    await dropSchema(admin, schema);
    await admin.end();
  });

  it('keeps integrations, the log and usage in PostgreSQL and rate-limits in Redis', async () => {
    const { gateway, redis } = snippet as Snippet;
    const { integration, apiKey } = await gateway.integrations.create({ name: 'Zabbix', type: 'MONITORING', rateLimit: 2 }, 'admin');
    const limiterKey = `portico:rl:webhook:${integration.id}`;
    limiterKeys.push(limiterKey);
    const receive = (event: string) => gateway.receiveWebhook({ key: apiKey, headers: {}, rawBody: json({ event }) });

    await expect(receive('PROBLEM')).resolves.toMatchObject({ accepted: true, intId: integration.id });
    await expect(receive('RECOVERY')).resolves.toMatchObject({ accepted: true, rateLimit: { limit: 2, remaining: 0 } });
    await expect(receive('PROBLEM')).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    // The limiter's window lives in Redis, where every instance sees it: two admissions, not the refusal.
    expect(await redis.zcard(limiterKey)).toBe(2);

    const events = (await gateway.logs.query({ intId: integration.id, direction: 'IN' })).items.map((entry) => [entry.event, entry.status]);
    expect(events).toContainEqual(['WEBHOOK_RECOVERY', 'OK']);
    expect(events).toContainEqual(['WEBHOOK_PROBLEM', 'OK']);

    // Stopping writes the buffered usage; another instance on the same schema then sees it all.
    await gateway.stop();
    const other = createGateway({
      storage: postgresStorage({ pool: admin }, { schema }),
      keyRing: keyRingFromBase64(process.env.PORTICO_MASTER_KEY ?? ''),
      logger: silentLogger,
    });
    try {
      expect((await other.integrations.get(integration.id)).name).toBe('Zabbix');
      expect((await other.logs.query({ intId: integration.id, direction: 'IN', status: 'OK' })).total).toBe(2);
      const usage = (await other.usage(integration.id, lastHour())).points;
      expect(usage.reduce((sum, point) => sum + point.success, 0)).toBe(2);
      expect(usage.reduce((sum, point) => sum + point.rateLimited, 0)).toBe(1);
    } finally {
      await other.stop();
    }
  });
});
