// Several instances of docs/storage-and-scaling.md: PostgreSQL storage and a Redis rate limiter.
// The test runs it against the test PostgreSQL (in a schema of its own) and the test Redis.
// #region postgres-redis
import { createGateway, keyRingFromBase64 } from '@portico/core';
import { postgresStorage } from '@portico/postgres';
import { redisRateLimiter } from '@portico/redis';
import { Redis } from 'ioredis';

const storage = postgresStorage(
  { connectionString: process.env.DATABASE_URL! },
  { schema: process.env.PORTICO_PG_SCHEMA ?? 'portico' }, // 'portico' is the default
);
await storage.ready(); // migrates now: an unreachable database fails the start, not a request
// No offline queue: while Redis is down, decisions fail at once (and refuse: onError 'deny')
// instead of waiting out the limiter's timeout. Commands sent while connecting would fail
// too, so connect before serving.
const redis = new Redis(process.env.REDIS_URL!, { lazyConnect: true, enableOfflineQueue: false });
await redis.connect();
const gateway = createGateway({
  storage,
  rateLimiter: redisRateLimiter({ client: redis }),
  keyRing: keyRingFromBase64(process.env.PORTICO_MASTER_KEY!), // the same key ring on every instance
});
gateway.start();
// on shutdown: await gateway.stop(); await storage.close(); await redis.quit();
// #endregion postgres-redis

export { gateway, redis, storage };
