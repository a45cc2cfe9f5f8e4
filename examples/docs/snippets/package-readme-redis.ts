// The example of packages/redis/README.md, the page npm shows for @portico/redis. The README's
// block is this region (scripts/snippets.mjs keeps them equal); tsconfig.examples.json typechecks it.
// #region example
import { createGateway, keyRingFromBase64 } from '@portico/core';
import { redisRateLimiter } from '@portico/redis';
import { Redis } from 'ioredis';

// No offline queue: while Redis is down, decisions fail at once (and refuse: onError 'deny')
// instead of waiting out the limiter's timeout. Connect before serving.
const client = new Redis(process.env.REDIS_URL!, { lazyConnect: true, enableOfflineQueue: false });
await client.connect();
const gateway = createGateway({
  rateLimiter: redisRateLimiter({ client }), // every instance counts in the same windows
  keyRing: keyRingFromBase64(process.env.PORTICO_MASTER_KEY ?? ''),
});
gateway.start();
// on shutdown: await gateway.stop(); await client.quit();
// #endregion example
